// kill -9 of a process that owns the offline queue: between queueing and flushing, in the middle of
// a burst of enqueues, and in the middle of a flush. After a restart nothing acknowledged as
// queued is lost, and flushing executes every transaction exactly once.
// CHAIN DOUBLE: the chain here is test/fixtures/fake-chain.ts, a scripted HTTP double of the chain API
// (it counts executions itself), not the node; the real-node counterpart (kill -9 around a flush, money moved once on the node): test/e2e/crash.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import { FakeChain, TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';
import { signedTransfer } from '../../fixtures/test-transactions.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-crash-'));
const CHILD = fileURLToPath(new URL('./queue-child.js', import.meta.url));
const WRITE_FAIL_CHILD = fileURLToPath(new URL('./queue-write-fail-child.js', import.meta.url));
const chain = new FakeChain();
let n = 1000;

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(pred: (lines: string[]) => boolean): Promise<void>;
  exited: Promise<NodeJS.Signals | null>;
}

function startChild(home: string, count: number, mode: 'wait' | 'flush'): { child: Child; ids: string[] } {
  const bodies = Array.from({ length: count }, () => signedTransfer(TEST_CHAIN_ID, { n: ++n }));
  const file = join(home, 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  const proc = spawn(process.execPath, [CHILD, file, mode, chain.url], {
    env: { ...process.env, PEEROS_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => proc.on('exit', (_c, sig) => r(sig)));
  const child: Child = {
    proc,
    lines,
    exited,
    waitFor: (pred) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pred(lines)) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          }
        };
        waiters.push(check);
        proc.on('exit', () => reject(new Error(`child exited early; output:\n${lines.join('\n')}`)));
        check();
      }),
  };
  return { child, ids: [] };
}

const queuedIds = (lines: string[]) => lines.filter((l) => l.startsWith('queued ')).map((l) => l.slice(7));

test.before(async () => {
  await chain.start();
});
test.after(async () => {
  await chain.stop();
  rmSync(root, { recursive: true, force: true });
});

test('SIGKILL between queueing and flushing: nothing lost; the flush executes each once', async () => {
  const home = mkdtempSync(join(root, 'a-'));
  const { child } = startChild(home, 10, 'wait');
  await child.waitFor((l) => l.includes('all queued'));
  child.proc.kill('SIGKILL');
  assert.is(await child.exited, 'SIGKILL');
  const acknowledged = queuedIds(child.lines);
  assert.is(acknowledged.length, 10);

  const q = await OfflineQueue.open({ home }); // takes over the dead child's lock
  assert.equal(
    q.list().map((e) => e.id),
    acknowledged,
  );
  assert.ok(q.list().every((e) => e.status === 'pending'));
  const r = await q.flush(() => new HttpBackend(chain.url));
  assert.equal(r.done, acknowledged);
  for (const id of acknowledged) assert.is(chain.executions.get(id), 1);
  await q.close();
});

test('SIGKILL in the middle of a burst of enqueues: every acknowledged entry survives', async () => {
  const home = mkdtempSync(join(root, 'b-'));
  const { child } = startChild(home, 400, 'wait');
  await child.waitFor((l) => queuedIds(l).length >= 40);
  child.proc.kill('SIGKILL');
  await child.exited;
  const acknowledged = queuedIds(child.lines);
  const warnings: string[] = [];
  const q = await OfflineQueue.open({ home, onWarning: (m) => warnings.push(m) });
  const ids = q.list().map((e) => e.id);
  assert.ok(ids.length >= acknowledged.length, `${ids.length} in the log, ${acknowledged.length} acknowledged`);
  assert.equal(ids.slice(0, acknowledged.length), acknowledged, 'acknowledged entries, in order');
  assert.ok(
    warnings.every((w) => /dropped \d+ bytes/.test(w)),
    warnings.join('\n'),
  );
  const r = await q.flush(() => new HttpBackend(chain.url));
  assert.is(r.done.length, ids.length);
  for (const id of ids) assert.is(chain.executions.get(id), 1);
  await q.close();
});

test('SIGKILL during a flush, after the node executed a push but before the answer: done via tx_duplicate, executed once', async () => {
  const home = mkdtempSync(join(root, 'c-'));
  const { child } = startChild(home, 8, 'flush');
  let executedInFlush = 0;
  let heldId = '';
  chain.onExecuted = (id) => {
    executedInFlush++;
    if (executedInFlush === 4) {
      heldId = id;
      child.proc.kill('SIGKILL'); // the node has executed it; the child never hears back
      return 'hold';
    }
    return 'reply';
  };
  assert.is(await child.exited, 'SIGKILL');
  chain.onExecuted = undefined;
  const acknowledged = queuedIds(child.lines);
  assert.is(acknowledged.length, 8);

  const q = await OfflineQueue.open({ home });
  const held = q.get(heldId);
  assert.is(held.status, 'pending', 'no answer, so not sent');
  assert.is(held.uncertain, true);
  const before = q.list();
  assert.is(before.filter((e) => e.status === 'done' || e.status === 'sent').length, 3);
  const r = await q.flush(() => new HttpBackend(chain.url));
  assert.ok(r.done.includes(heldId));
  assert.match(q.get(heldId).note!, /tx_duplicate/);
  for (const id of acknowledged) {
    assert.is(q.get(id).status, 'done');
    assert.is(chain.executions.get(id), 1, `executed once: ${id}`);
  }
  await q.close();
});

test('a write that fails half-way (file size limit) is cut off, so later records stay readable', async () => {
  const home = mkdtempSync(join(root, 'd-'));
  const small = () => signedTransfer(TEST_CHAIN_ID, { n: ++n });
  const big = { ...small(), packed_context_free_data: '00'.repeat(8 * 1024) }; // ~16 KiB record
  const file = join(home, 'bodies.json');
  const bodies = [small(), big, small()];
  writeFileSync(file, JSON.stringify(bodies));
  const child = spawnSync('bash', ['-c', `ulimit -f 8 && exec "${process.execPath}" "${WRITE_FAIL_CHILD}" "${file}"`], {
    env: { ...process.env, PEEROS_HOME: home },
    encoding: 'utf8',
  });
  const lines = child.stdout.trim().split('\n');
  assert.is(lines.length, 3, child.stdout + child.stderr);
  assert.match(lines[0]!, /^queued /);
  assert.match(lines[1]!, /^failed EFBIG/, 'the big record hit the 8 KiB file size limit');
  assert.match(lines[2]!, /^queued /, 'the log was cut back, so the next record was appended after whole records');
  const warnings: string[] = [];
  const q = await OfflineQueue.open({ home, onWarning: (m) => warnings.push(m) });
  assert.equal(
    q.list().map((e) => e.id),
    [lines[0]!.slice(7), lines[2]!.slice(7)],
  );
  assert.equal(warnings, [], 'no torn bytes left behind');
  await q.close();
});

test.run();
