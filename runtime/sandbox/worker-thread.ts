/**
 * Starting an app worker thread: the same script and the same resource limits whether it is started
 * for an app (app-process.ts) or ahead of one (warm-workers.ts) — the limits are the host's, not an
 * app's, so a warm worker needs nothing app-specific to be started.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_HEAP_MB, WORKER_STACK_MB, WORKER_YOUNG_HEAP_MB } from '../limits.js';
import type { WarmWorkerData, WorkerData } from './worker-protocol.js';

export const APP_WORKER_URL = new URL('./app-worker.js', import.meta.url);

export function startAppWorker(workerData: WorkerData | WarmWorkerData, url: URL = APP_WORKER_URL): Worker {
  return new Worker(url, {
    workerData,
    resourceLimits: {
      stackSizeMb: WORKER_STACK_MB,
      maxOldGenerationSizeMb: WORKER_HEAP_MB,
      maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB,
    },
    stdout: false,
    stderr: false,
  });
}
