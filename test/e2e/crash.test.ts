// A crash between queueing and flushing loses nothing and executes nothing twice: a child process
// queues a transfer while the DMCS is down and is killed with SIGKILL; the DMCS comes back; a second
// child is killed with SIGKILL at varying moments of its flush; the host then flushes again. The
// transfer is in the queue, executes, and moves the money exactly once, whatever the kill timing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OfflineQueue } from '../../runtime/offline-queue/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import { installSigningGrant } from '../../runtime/transaction-service/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, type World } from './world.js';

const CHILD = fileURLToPath(new URL('./crash.child.js', import.meta.url));
let w: World;
const units = (asset: string) => Math.round(Number(asset.split(' ')[0]) * 10_000);

function runChild(mode: string, memo = ''): { child: ChildProcess; line: (re: RegExp) => Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, [CHILD, w.home, mode, ...(memo ? [memo] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  // 'close' (its output all read), not 'exit': a line printed just before exiting may still be in the pipe
  let closed = false;
  child.on('close', () => {
    closed = true;
  });
  const line = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const m = re.exec(out);
        if (m) {
          clearInterval(poll);
          resolve(m[0]);
        } else if (closed || Date.now() - t0 > 60_000) {
          clearInterval(poll);
          reject(new Error(`child ${mode}: no ${re} in ${JSON.stringify(out)} ${err}`));
        }
      }, 2);
    });
  return { child, line, exited };
}

test.before(async () => {
  w = await startWorld({ memoryCache: false });
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await installSigningGrant(w.vault, 'dpay', { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } }, [w.backend.chainId]);
  await loginAs(w, 'alice');
  const warm = await w.services.transactions.push({
    app: { name: 'dpay', version: '0.1.0', publisher: 'peeros' },
    manifest: {},
    grants: { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } },
    actions: [{ account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity: '0.0001 RSN', memo: 'warm' } }],
  });
  assert.is(warm.status, 'executed');
  await w.services.close(); // persists the hybrid cache (ABI, head block, permissions); frees the queue
});
test.after(async () => {
  await w.close();
});

for (const killAfterMs of [0, 3, 15]) {
  test(`kill -9 after queueing, kill -9 ${killAfterMs} ms into a flush: nothing lost, nothing executed twice`, async () => {
    await w.node.produceBlock();
    const start = await balanceOf(w, 'bob');
    await w.stopNode();
    const pusher = runChild('push', `crash ${killAfterMs}`); // distinct transfers: equal ones in one second would be one transaction
    const id = (await pusher.line(/queued [0-9a-f]{64}/)).split(' ')[1]!;
    pusher.child.kill('SIGKILL');
    await pusher.exited;
    const listed = OfflineQueue.snapshot({ home: w.home }).find((e) => e.id === id);
    assert.ok(listed, 'the queued transfer survived the kill');
    assert.is(listed!.status, 'pending');

    await w.restartNode();
    const flusher = runChild('flush');
    await flusher.line(/flushing/);
    await new Promise((r) => setTimeout(r, killAfterMs));
    flusher.child.kill('SIGKILL');
    await flusher.exited;

    const services = await HostServices.open({ home: w.home, vault: w.vault, flusher: false });
    try {
      for (let i = 0; i < 5; i++) {
        await services.flush();
        await w.node.produceBlock();
        const st = services.queue.get(id).status;
        if (st === 'sent' || st === 'done') break;
      }
      const e = services.queue.get(id);
      assert.ok(e.status === 'sent' || e.status === 'done', `status ${e.status}`);
      assert.is(services.queue.list().filter((x) => x.id === id).length, 1);
    } finally {
      await services.close();
    }
    await w.node.produceBlock();
    const end = await balanceOf(w, 'bob');
    assert.is(units(end) - units(start), 20000, `bob went from ${start} to ${end}`);
  });
}

test.run();
