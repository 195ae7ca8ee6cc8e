// Argument mistakes are usage errors: exit 2 with one sentence naming the argument, checked before
// the command looks at the vault, the registry or the network (issue 9's list of commands that
// exited 1 with "got NaN" or "no DMCS configured" instead).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'peeros-usage-'));
const peeros = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/peeros.js', ...args], {
    env: { ...process.env, PEEROS_HOME: home },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });

const CASES: [string[], RegExp][] = [
  [['grant', 'dpay', '--max-count', 'abc'], /--max-count: expected a whole number from 1 to \d+, got "abc"/],
  [['grant', 'dpay', '--max-count', '1', '--period', '99y'], /--period: "99y": expected a number and a unit/],
  [['grant', 'dpay', '--max-count', '1', '--max-amount', 'lots'], /--max-amount: "lots" is not an amount/],
  [['login', 'Bad!Name'], /ACCOUNT: "Bad!Name" is not an Antelope account name/],
  [['account', 'create', 'TooLongName1234'], /NAME: "TooLongName1234" is not an Antelope account name/],
  [['account', 'create', 'alice', '--key', 'notakey'], /--key: "notakey" is not a public key/],
  [['key', 'export', 'PUB_K1_xyz'], /PUBKEY: "PUB_K1_xyz" is not a public key/],
  [['dmcs', 'add', 'x', 'notaurl'], /URL: not a URL: "notaurl"/],
  [['node', '--http', '127.0.0.1:99999'], /--http: expected HOST:PORT with a port from 0 to 65535/],
  [['node', '--state-cache', '8'], /--state-cache: expected a whole number from 16 to 4194304, got "8"/],
  [['node', '--state-cache', '1e3'], /--state-cache: expected a whole number/],
];

for (const [args, message] of CASES) {
  test(`peeros ${args.join(' ')} → exit 2, one sentence`, () => {
    const r = peeros(...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.not.match(r.stderr, /NaN|no DMCS configured|no keystore|is installed/);
  });
}

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
