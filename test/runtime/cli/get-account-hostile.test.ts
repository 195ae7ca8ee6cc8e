// `peeros get account` against a node that is another party (--url): every field of its reply is
// escaped where the command writes it (the terminal's output boundary escapes controls but keeps
// newlines, so a raw field could forge lines), and odd shapes (objects where text goes, a missing
// permission level, a toString that is not a function) print as JSON, never crash the command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../runtime/cli/main.js';
import type { CliIO } from '../../../runtime/cli/command.js';

const ESC = '\u001b';
const home = mkdtempSync(join(tmpdir(), 'peeros-get-account-'));
let server: Server;
let url = '';

/** A get_account reply with an escape sequence in every text field a terminal shows. */
const hostile = {
  account_name: 'alice',
  created: `${ESC}]0;owned${ESC}\\2020-01-01`,
  permissions: [
    {
      perm_name: `active${ESC}[2J`,
      parent: { toString: false, valueOf: 1 },
      required_auth: {
        threshold: `${ESC}[31m1\nram_quota: unlimited`,
        keys: [{ key: `EOS${ESC}[8mhidden`, weight: `${ESC}[1m1` }, null, 'text'],
        accounts: [{ permission: { actor: `bob${ESC}[0m`, permission: { toString: false } }, weight: 1 }, { weight: 2 }],
      },
    },
    'not a permission',
  ],
  ram_quota: `${ESC}[5m-1`,
  ram_usage: { toString: false },
};

test.before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/v1/chain/get_account' ? hostile : {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
test.after(() => {
  server.close();
  rmSync(home, { recursive: true, force: true });
});

test('get account escapes every field of a hostile node and prints odd shapes as JSON', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { ...process.env, PEEROS_HOME: home },
    readStdin: async () => '',
    confirm: async () => false,
  };
  const code = await main(['get', 'account', 'alice', '--url', url], io);
  const text = out.join('\n');
  assert.is(code, 0, err.join('\n'));
  assert.not.ok(text.includes(ESC), `an escape reached the terminal: ${JSON.stringify(text)}`);
  assert.ok(
    out.every((line) => !line.includes('\n')),
    `a field forged a line: ${JSON.stringify(out)}`,
  );
  assert.match(text, 'active\\x1b[2J');
  assert.match(text, 'threshold \\x1b[31m1\\nram_quota: unlimited');
  assert.match(text, '{"toString":false,"valueOf":1}');
  assert.match(text, 'bob\\x1b[0m@{"toString":false}');
  assert.match(text, 'ram_usage: {"toString":false}');
});

test.run();
