/**
 * A process per target (started by fuzz/driver.ts `fuzz`): the target's thread runs inside it, so
 * native addons the node loads (rocksdb-native under hypercore) are loaded once per process —
 * loading them in a second worker thread of one process aborted it — and a native crash ends only
 * this process, reported by the driver as a finding.
 */
import { runInWorker, type FuzzOptions } from './driver.js';
import { targetNamed } from './targets/index.js';

process.once('message', (m: { target: string; opts: FuzzOptions }) => {
  const target = targetNamed(m.target);
  if (!target) throw new Error(`no fuzz target ${m.target}`);
  const opts: FuzzOptions = {
    ...m.opts,
    ...(m.opts.progressEveryMs ? { onProgress: (stats) => process.send!({ type: 'progress', stats }) } : {}),
  };
  void runInWorker(target, opts).then((stats) => process.send!({ type: 'done', stats }, () => process.exit(0)));
});
