/**
 * A process per target (started by fuzz/driver.ts `fuzz`): the target's thread runs inside it, so
 * native addons the node loads (rocksdb-native under hypercore) are loaded once per process —
 * loading them in a second worker thread of one process aborted it — and a native crash ends only
 * this process, reported by the driver as a finding. It imports no target itself: the driver sends
 * the name and bound the watch needs, and the thread imports the one target it runs.
 */
import { runInWorker, type FuzzOptions } from './target-thread.js';
import type { FuzzTarget } from './target.js';

process.once('message', (m: { target: Pick<FuzzTarget, 'name' | 'maxInputMs'>; opts: FuzzOptions }) => {
  const opts: FuzzOptions = {
    ...m.opts,
    ...(m.opts.progressEveryMs ? { onProgress: (stats) => process.send!({ type: 'progress', stats }) } : {}),
  };
  void runInWorker(m.target, opts).then((stats) => process.send!({ type: 'done', stats }, () => process.exit(0)));
});
