/**
 * The thread a target runs in (started by fuzz/target-thread.ts): a hang can be cut off and an unbounded
 * allocation ends at the thread's heap cap, and the driver still reports both with their input.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTarget } from './targets/loaders.js';
import { runTarget, type RunOptions } from './runner.js';
import type { FuzzTarget } from './target.js';

interface Job extends Omit<RunOptions, 'onProgress'> {
  target: string;
  targetModule?: string;
  progressEveryMs?: number;
}

const job = workerData as Job;
// a module outside the registry (the harness's own tests bring targets that misbehave on purpose)
const target = job.targetModule ? ((await import(job.targetModule)) as { default: FuzzTarget }).default : await loadTarget(job.target);
if (!target) throw new Error(`no fuzz target ${job.target}`);
await (async () => {
  const progress = (s: unknown) => parentPort!.postMessage({ type: 'progress', stats: s });
  const stats = await runTarget(target, { ...job, ...(job.progressEveryMs ? { onProgress: progress } : {}) });
  parentPort!.postMessage({ type: 'done', stats });
})();
