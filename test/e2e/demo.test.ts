// `npm start` (scripts/demo.mjs) runs to the end and exits 0, every stage real: the transfer
// executes, the offline transfer is queued and later flushed once, the feed shows both posts, and
// the temporary PEEROS_HOME is removed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './world.js';

test('the demo runs every stage and exits 0', async () => {
  const r = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
  assert.is(r.code, 0, r.out);
  assert.not.match(r.out, /not in this build yet/, 'every stage ran');
  assert.match(r.out, /dpay transfer 10\.0000 RSN to bob: \{"status":"executed"/);
  assert.match(r.out, /#1 alice: Hello from alice/);
  assert.match(r.out, /dpay transfer 5\.0000 RSN to bob: \{"status":"queued"/);
  assert.match(r.out, /flush: 1 sent/);
  assert.match(r.out, /flush again: 0 sent/);
  assert.match(r.out, /dpay balance bob: \{"account":"bob","balances":\["115\.0000 RSN"\]\}/);
  assert.match(r.out, /npx peeros console/, 'it ends by telling how to open the console');
  const home = /in (\/\S+) \(deleted at the end\)/.exec(r.out)?.[1];
  assert.ok(home && !existsSync(home), 'the temporary home is gone');
});

test.run();
