// kill -9 of a process in the middle of group-committed session-grant approvals: every approval it
// acknowledged is counted in the file after the crash (a grant cannot be used more than its count
// by crashing), and the file reads back whole.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionGrantStore, validateSessionGrant } from '../../../runtime/transaction-service/session-grants.js';

const CHILD = fileURLToPath(new URL('./session-grants-child.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'peeros-grants-crash-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

for (const killAfter of [5, 23, 61]) {
  test(`SIGKILL after ${killAfter} acknowledged grouped approvals: all of them are in the file`, async () => {
    const home = mkdtempSync(join(root, 'h-'));
    const store = new SessionGrantStore(home);
    await store.set(validateSessionGrant({ app: 'dpay', maxCount: 100_000 }));
    const child = spawn(process.execPath, [CHILD, '8'], {
      env: { ...process.env, PEEROS_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = 0;
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        acked += d
          .toString()
          .split('\n')
          .filter((l) => l === 'approved').length;
        if (acked >= killAfter) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`child exited before ${killAfter} approvals (${acked})`)));
    });
    assert.is(await exited, 'SIGKILL');
    const used = 100_000 - store.remaining('dpay')!.count;
    assert.ok(used >= acked, `the child heard ${acked} approvals, but the file counts ${used}`);
  });
}

test.run();
