// Child process of crash-recovery.test.ts (not a test itself): a node on the data folder argv[2]
// that seals a block every 20 ms and starts a state snapshot every 2 blocks, so kill -9 lands in
// the middle of snapshot writes and block appends. argv[3], when given, is the node's state cache
// (the state lives in the state store), argv[4] the snapshot interval (default 2), argv[5] how
// often the state is committed to its store; argv[6], when given as "N:K", makes the child kill
// itself (SIGKILL) while its Nth state commit is in flight (queued on the store's writer thread, not
// landed), K event loop turns after it was queued (the next one at once when that one landed first). Prints "endpoint URL", then waits to be killed.
import { writeSync } from 'node:fs';
import { startNode } from '../../dmcs/index.js';

const dir = process.argv[2]!;
const stateCache = process.argv[3] ? { stateCache: Number(process.argv[3]) } : {};
const snapshotEvery = process.argv[4] ? Number(process.argv[4]) : 2;
const commitEvery = process.argv[5] ? { stateCommitEvery: Number(process.argv[5]) } : {};
const node = await startNode({
  dev: true,
  dataDir: dir,
  http: '127.0.0.1:0',
  snapshotEvery,
  blockIntervalMs: 20,
  recoveryWorkers: 0,
  ...stateCache,
  ...commitEvery,
});
process.stdout.write(`endpoint ${node.endpoint}\n`);
if (process.argv[6]) {
  const [nth, firstTurns] = process.argv[6].split(':').map(Number) as [number, number];
  let turns = firstTurns;
  const state = node.chain.state;
  const first = state.work.flushes;
  let seen = -1;
  let waited = 0;
  const poll = (): void => {
    const started = state.work.flushes - first;
    if (started >= nth && state.commitsInFlight > 0) {
      if (seen !== state.work.flushes) {
        if (seen >= 0) turns = 0; // the one before landed first: this one goes at once
        seen = state.work.flushes;
        waited = 0;
      }
      if (waited++ >= turns) {
        writeSync(1, `killed with commit ${started} in flight (${state.work.flushWrites} writes so far)\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    }
    setImmediate(poll);
  };
  poll();
}
setInterval(() => {}, 1000); // wait for SIGKILL
