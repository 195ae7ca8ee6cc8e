/**
 * Stopping a worker thread without letting the process end under a pending `terminate()`.
 *
 * `Worker.terminate()` refs the worker until it exits; a `worker.unref()` after it (an idle
 * bookkeeping step running on a message that was already on its way: a `ready`, a last reply)
 * drops that ref, and with nothing else to do the event loop ends while the promise that
 * `terminate()` returned is still pending: an awaited close never settles and the process exits
 * early (Node 20; test/lib/worker-stop.test.ts shows it). Every owner of worker threads stops them
 * with {@link terminateWorker} and unrefs them with {@link unrefWorker}.
 */
import type { Worker } from 'node:worker_threads';

const stopping = new WeakSet<Worker>();

/** Terminates `worker`; a later {@link unrefWorker} leaves it referenced until it has exited. */
export function terminateWorker(worker: Worker): Promise<number> {
  stopping.add(worker);
  return worker.terminate();
}

/** Unrefs `worker` (it no longer keeps the process alive) unless it is being terminated. */
export function unrefWorker(worker: Worker): void {
  if (!stopping.has(worker)) worker.unref();
}
