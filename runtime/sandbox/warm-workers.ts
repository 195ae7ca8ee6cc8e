/**
 * A bounded pool of pre-started, app-less app workers (WARM_WORKERS by default). Starting a worker
 * thread and loading the sandbox code is most of an idle app's first call; a warm worker has done
 * both and waits for its app (app-worker.ts `assign`). {@link take} hands one out and refills the
 * pool in the background.
 *
 * Nothing flows back: a worker that ran an app is terminated as before, never returned here, so no
 * state (guest memory, JS globals, its app's bridge or data folder) can reach another app. A warm
 * worker's `workerData` is only its call clock.
 *
 * Idle warm workers are unref'd (they do not keep the process alive) and terminated on {@link close}.
 */
import type { Worker } from 'node:worker_threads';
import { CALL_CLOCK_BYTES } from './call-clock.js';
import { startAppWorker } from './worker-thread.js';

export interface WarmWorker {
  worker: Worker;
  /** The worker's call clock (call-clock.ts), bound when it started. */
  clock: SharedArrayBuffer;
}

interface Idle extends WarmWorker {
  /** Drops the worker from the pool if it dies while idle. */
  onGone: () => void;
}

export class WarmWorkers {
  #idle: Idle[] = [];
  #closed = false;
  /** Workers this pool has started (tests and diagnostics). */
  started = 0;
  /** Workers handed out. */
  taken = 0;

  constructor(readonly size: number) {}

  /** Warm workers waiting for an app. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Starts workers until `size` are waiting; no-op when closed or disabled (size 0). */
  fill(): void {
    while (!this.#closed && this.#idle.length < this.size) this.#start();
  }

  /** A warm worker for one app, or undefined (none waiting: the caller starts its own); refills in the background. */
  take(): WarmWorker | undefined {
    let w = this.#idle.shift();
    while (w && w.worker.threadId === -1) w = this.#idle.shift(); // exited: its exit event may be pending
    if (!w) return undefined;
    w.worker.off('error', w.onGone);
    w.worker.off('exit', w.onGone);
    this.taken++;
    // After the caller's call path, not on it.
    setImmediate(() => this.fill());
    return { worker: w.worker, clock: w.clock };
  }

  #start(): void {
    this.started++;
    const clock = new SharedArrayBuffer(CALL_CLOCK_BYTES);
    const worker = startAppWorker({ clock });
    worker.unref();
    const idle: Idle = {
      worker,
      clock,
      onGone: () => {
        // not refilled here: a worker that cannot start would otherwise respawn in a loop
        this.#idle = this.#idle.filter((i) => i !== idle);
      },
    };
    worker.on('error', idle.onGone);
    worker.on('exit', idle.onGone);
    this.#idle.push(idle);
  }

  /** Terminates the waiting workers; nothing is started afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = this.#idle;
    this.#idle = [];
    await Promise.all(all.map((w) => w.worker.terminate()));
  }
}
