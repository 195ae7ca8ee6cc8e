// The node's in-process pooled push (`pushPackedAsync`, what the benchmarks drive) answers only
// once its transaction is journaled durably, and without the trace (docs/performance.md,
// fifteenth round): a kill -9 right after an acknowledgement, other pushes still in flight, loses
// no acknowledged transaction. Real node in a child process, real journal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNode } from '../../../dmcs/index.js';
import { tempDir, removeDir } from '../helpers.js';

const CHILD = fileURLToPath(new URL('./push-acknowledged.child.js', import.meta.url));
const PUSHES = 40;

for (const killAt of [1, 7]) {
  test(`kill -9 right after pushPackedAsync's acknowledgement ${killAt} of ${PUSHES} in flight: every acknowledged account is on the chain after a restart`, async () => {
    const dir = tempDir('push-ack');
    try {
      const child = spawn(process.execPath, [CHILD, dir, String(PUSHES), String(killAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, s) => r(s)));
      assert.is(signal, 'SIGKILL', `the child killed itself at acknowledgement ${killAt}: ${out} ${err}`);
      const acked = out
        .split('\n')
        .filter((l) => l.startsWith('A '))
        .map((l) => l.split(' '));
      assert.is(acked.length, killAt);
      for (const [, , id, fields] of acked) {
        assert.match(id!, /^[0-9a-f]{64}$/);
        assert.is(fields, 'blockNum,blockTime,id,receipt', 'the acknowledgement carries no trace');
      }
      const notes: string[] = [];
      const node = await startNode({ dev: true, dataDir: dir, autoProduce: false, onError: (e) => notes.push(e.message) });
      try {
        for (const [, name] of acked) {
          let found: unknown = null;
          try {
            found = node.getAccount(name!);
          } catch {}
          assert.ok(found, `${name} was acknowledged, so it is on the chain after the restart (${notes.join('; ')})`);
        }
      } finally {
        await node.close();
      }
    } finally {
      removeDir(dir);
    }
  });
}

test.run();
