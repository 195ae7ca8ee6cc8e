/**
 * A bounded pool of pre-started, app-less app workers (WARM_WORKERS by default). Starting a worker
 * thread and loading the sandbox code is most of an idle app's first call; a warm worker has done
 * both and waits for its app (app-worker.ts `assign`). {@link take} hands one out; its taker refills
 * the pool ({@link fill}) once the app's first call is answered, off that call's path.
 *
 * Nothing flows back: a worker that ran an app is terminated as before, never returned here, so no
 * state (guest memory, JS globals, its app's bridge or data folder) can reach another app. A warm
 * worker's `workerData` is only its call clock and the host's home.
 *
 * Idle warm workers are unref'd (they do not keep the process alive) and terminated on {@link close}.
 */
import type { Worker } from 'node:worker_threads';
import { CALL_CLOCK_BYTES } from './call-clock.js';
import { startAppWorker } from './worker-thread.js';
import type { WorkerToHost } from './worker-protocol.js';
import { terminateWorker, unrefWorker } from '../../lib/worker-stop.js';

export interface WarmWorker {
  worker: Worker;
  /** The worker's call clock (call-clock.ts), bound when it started. */
  clock: SharedArrayBuffer;
}

interface Idle extends WarmWorker {
  /** Drops the worker from the pool if it dies while idle. */
  onGone: () => void;
  /** Marks it booted (its `warm` message). */
  onWarm: (m: WorkerToHost) => void;
  booted: boolean;
}

export class WarmWorkers {
  #idle: Idle[] = [];
  #closed = false;
  /** Workers this pool has started (tests and diagnostics). */
  started = 0;
  /** Workers handed out. */
  taken = 0;
  /** Workers whose warm-up (warm-up.ts) ran without a failure. */
  warmedUp = 0;

  constructor(
    readonly size: number,
    /** The host's home, for the workers' warm-up (warm-up.ts). */
    readonly home: string,
  ) {}

  /** Warm workers waiting for an app. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Of {@link idle}, those that have booted and run their warm-up. */
  get booted(): number {
    return this.#idle.filter((i) => i.booted).length;
  }

  /** Starts workers until `size` are waiting; no-op when closed or disabled (size 0). */
  fill(): void {
    while (!this.#closed && this.#idle.length < this.size) this.#start();
  }

  /**
   * A warm worker for one app — a booted one if any, else the oldest still booting (ahead of a new
   * thread all the same) — or undefined (none waiting: the caller starts its own). Does not refill:
   * starting a thread costs the main thread a few milliseconds, which must not land between the
   * hand-over and the app's first answer; the taker calls {@link fill} once that call is answered.
   */
  take(): WarmWorker | undefined {
    this.#idle = this.#idle.filter((i) => i.worker.threadId !== -1); // exited: its exit event may be pending
    const i = Math.max(
      0,
      this.#idle.findIndex((w) => w.booted),
    );
    const w = this.#idle[i];
    if (!w) return undefined;
    this.#idle.splice(i, 1);
    w.worker.off('error', w.onGone);
    w.worker.off('exit', w.onGone);
    w.worker.off('message', w.onWarm);
    this.taken++;
    return { worker: w.worker, clock: w.clock };
  }

  #start(): void {
    this.started++;
    const clock = new SharedArrayBuffer(CALL_CLOCK_BYTES);
    const worker = startAppWorker({ clock, home: this.home });
    unrefWorker(worker);
    const idle: Idle = {
      worker,
      clock,
      booted: false,
      onWarm: (m) => {
        if (m.type !== 'warm') return;
        idle.booted = true;
        if (m.warmedUp) this.warmedUp++;
      },
      onGone: () => {
        // not refilled here: a worker that cannot start would otherwise respawn in a loop
        this.#idle = this.#idle.filter((i) => i !== idle);
      },
    };
    worker.on('error', idle.onGone);
    worker.on('exit', idle.onGone);
    worker.on('message', idle.onWarm);
    this.#idle.push(idle);
  }

  /** Terminates the waiting workers; nothing is started afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = this.#idle;
    this.#idle = [];
    await Promise.all(all.map((w) => terminateWorker(w.worker)));
  }
}
