/**
 * One app's worker thread, seen from the host. Calls are queued and sent one at a time; each has a
 * CPU deadline (`limits.cpuMs`, counted from when the worker starts the call, minus the waits its
 * host code declares; see call-clock.ts). Past the deadline the
 * worker is terminated and the call rejects with DEADLINE_EXCEEDED; the next call starts a new
 * worker. Other apps have their own workers and are not affected.
 *
 * An idle worker is unref'd, so a host that is not closed does not keep the process alive.
 * The worker's stack and JS heap are bounded through `resourceLimits`; running out of either kills
 * only that worker (LIMIT_EXCEEDED).
 *
 * A terminated worker is counted until its thread has exited: while MAX_TERMINATING_WORKERS of
 * them are still exiting, a new worker for the app waits up to TERMINATING_WORKER_WAIT_MS for one
 * of them, then the call fails with LIMIT_EXCEEDED, so an app that outlives its termination cannot
 * stack up busy threads by being called again — nor by being stopped and started again: the app's
 * successive processes share that count (`exiting`).
 *
 * Given a source of warm workers (warm-workers.ts), a start takes a pre-started app-less worker when
 * one is waiting and hands it this app's spec, instead of starting a thread on the call path; the
 * first call follows the spec without waiting for `ready`, and the pool is refilled only once that
 * call is answered. {@link prepare} starts the worker before any call (an idle app kept prepared).
 */
import type { Worker } from 'node:worker_threads';
import { HostError } from '../errors.js';
import { CALL_START_POLL_MS, MAX_TERMINATING_WORKERS, TERMINATING_WORKER_WAIT_MS, WORKER_START_MS } from '../limits.js';
import type { CallResult } from './instance.js';
import type { HostToWorker, WorkerData, WorkerSpec, WorkerToHost } from './worker-protocol.js';
import { CALL_CLOCK_BYTES, CLOCK_ID, CLOCK_PAUSED, CLOCK_START, clockNow as now } from './call-clock.js';
import { APP_WORKER_URL, startAppWorker } from './worker-thread.js';
import type { WarmWorker } from './warm-workers.js';
import { terminateWorker, unrefWorker } from '../../lib/worker-stop.js';
import { ownBytes } from '../../lib/own-bytes.js';

interface Pending {
  id: number;
  command: string;
  resolve: (r: CallResult) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export type LogHandler = (app: string, level: number, message: string) => void;

export class AppProcess {
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #pending: Pending | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #nextId = 1;
  /** Shared with the current worker (see call-clock.ts). */
  #clock: Float64Array | undefined;
  #closed = false;
  /** Terminated workers whose threads have not exited yet, with a promise of their exit (shared by the app's successive processes). */
  #terminating: Map<Worker, Promise<void>>;
  /** How many workers this process has started or taken warm (tests check respawning). */
  spawns = 0;
  /** Of {@link spawns}, how many were warm workers taken from the pool. */
  adopted = 0;
  /** A warm worker was taken and the pool not refilled yet: done once its first call is answered. */
  #refill = false;
  /** The worker that answered `ready` last (see {@link ready}). */
  #readyWorker: Worker | undefined;

  constructor(
    readonly spec: WorkerSpec,
    readonly onLog: LogHandler,
    /** The worker script; tests substitute their own. */
    readonly workerUrl: URL = APP_WORKER_URL,
    /** Where pre-started workers wait (only for the standard worker script); refilled after the first answer. */
    readonly warm?: { take(): WarmWorker | undefined; fill(): void },
    /**
     * The app's terminated workers still exiting, shared with the app's earlier and later processes
     * (worker-pool.ts), so a process started after one was stopped still counts them.
     */
    exiting: Map<Worker, Promise<void>> = new Map(),
  ) {
    this.#terminating = exiting;
  }

  /** The current worker's thread id, if one runs (tests check that apps never share a thread). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  get app(): string {
    return this.spec.app;
  }

  /** True while a worker runs that has instantiated the app (tests wait for a prepared app with it). */
  get ready(): boolean {
    return this.#worker !== undefined && this.#worker === this.#readyWorker;
  }

  /** Runs `command`; calls are serialised. */
  call(command: string, args: Uint8Array): Promise<CallResult> {
    const run = () => this.#callNow(command, args);
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  /** Terminated workers of this app still exiting (diagnostics and tests). */
  get terminatingWorkers(): number {
    return this.#terminating.size;
  }

  /** Waits (bounded) until fewer than MAX_TERMINATING_WORKERS of this app's workers are exiting. */
  async #awaitTerminating(command: string): Promise<void> {
    if (this.#terminating.size < MAX_TERMINATING_WORKERS) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      timer = setTimeout(r, TERMINATING_WORKER_WAIT_MS);
    });
    await Promise.race([Promise.race(this.#terminating.values()), timeout]);
    clearTimeout(timer);
    if (this.#terminating.size >= MAX_TERMINATING_WORKERS) {
      const app = this.spec.app;
      throw new HostError(
        'LIMIT_EXCEEDED',
        `app '${app}': ${this.#terminating.size} of its workers, terminated at their deadline, ${this.#terminating.size === 1 ? 'has' : 'have'} not exited after ${TERMINATING_WORKER_WAIT_MS} ms more (MAX_TERMINATING_WORKERS); not starting another one — try again later`,
        { app, command },
      );
    }
  }

  #spawn(): Promise<void> {
    if (this.#ready) return this.#ready;
    this.spawns++;
    const pooled = this.workerUrl === APP_WORKER_URL ? this.warm?.take() : undefined;
    const clockBuffer = pooled?.clock ?? new SharedArrayBuffer(CALL_CLOCK_BYTES);
    this.#clock = new Float64Array(clockBuffer);
    const worker = pooled?.worker ?? startAppWorker({ ...this.spec, clock: clockBuffer } satisfies WorkerData, this.workerUrl);
    if (pooled) {
      this.adopted++;
      this.#refill = true;
      worker.ref(); // starting, as a new worker would be
    }
    this.#worker = worker;
    const app = this.spec.app;
    const ready = new Promise<void>((resolve, reject) => {
      // Thread start-up gets WORKER_START_MS (it can be slow on a loaded machine); once the thread
      // runs, instantiation (the module's start function) gets the app's cpuMs like any call.
      let timer = setTimeout(() => {
        this.#kill(worker);
        reject(new HostError('DEADLINE_EXCEEDED', `app '${app}': its worker did not start within ${WORKER_START_MS} ms`, { app }));
      }, WORKER_START_MS);
      worker.on('message', (m: WorkerToHost) => {
        switch (m.type) {
          case 'booted':
            clearTimeout(timer);
            timer = setTimeout(() => {
              this.#kill(worker);
              reject(
                new HostError(
                  'DEADLINE_EXCEEDED',
                  `app '${app}': instantiation (its start function) ran past the CPU deadline of ${this.spec.limits.cpuMs} ms; its worker was terminated`,
                  { app, command: '(start)' },
                ),
              );
            }, this.spec.limits.cpuMs);
            break;
          case 'ready':
            clearTimeout(timer);
            this.#readyWorker = worker;
            if (!this.#pending) unrefWorker(worker); // a pipelined first call may already be waiting on it
            resolve();
            break;
          case 'fatal':
            clearTimeout(timer);
            this.#kill(worker);
            reject(HostError.fromData(m.error));
            break;
          case 'log':
            this.onLog(m.app, m.level, m.message);
            break;
          case 'result':
            this.#settle(m.id, (p) => p.resolve({ ok: m.ok, bytes: m.bytes }));
            break;
          case 'error':
            this.#settle(m.id, (p) => p.reject(HostError.fromData(m.error)));
            break;
        }
      });
      const died = (err: Error) => {
        clearTimeout(timer);
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        const e = this.#closed
          ? new HostError('CLOSED', `app '${app}': the host closed`, { app })
          : oom
            ? new HostError('LIMIT_EXCEEDED', `app '${app}': its worker ran out of memory (${err.message})`, { app })
            : new HostError('TRAP', `app '${app}': its worker failed: ${err.message}`, { app, cause: err.message });
        // Settles this worker's start-up whatever happened to it (even closed or killed while starting).
        reject(e);
        this.#refillWarm();
        if (this.#worker !== worker) return;
        this.#worker = undefined;
        this.#ready = undefined;
        const p = this.#pending;
        if (p) {
          this.#pending = undefined;
          clearTimeout(p.timer);
          p.reject(new HostError(e.code, `${e.message} (during command '${p.command}')`, { app, command: p.command }));
        }
      };
      worker.on('error', died);
      worker.on('exit', (code) => died(new Error(`worker exited with code ${code}`)));
      // A warm worker learns its app now; it answers `booted` and `ready` as a new one does.
      if (pooled) worker.postMessage({ type: 'assign', spec: this.spec } satisfies HostToWorker);
    });
    this.#ready = ready;
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = undefined;
      this.#refillWarm();
    });
    return ready;
  }

  /**
   * Starts this app's worker ahead of any call (a prepared app, worker-pool.ts `idle`): it boots and
   * instantiates as for a call (same start timers and deadline) and then waits, unref'd. Resolves
   * true once it is ready, false if its start failed (the next call starts another worker and gets
   * that failure itself). A warm worker taken for it is replaced once it is ready.
   */
  async prepare(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      // a worker of this app still exiting (maybe of an earlier process): waited for as a call would
      if (!this.#ready) await this.#awaitTerminating('(prepare)');
      if (this.#closed) return false;
      await this.#spawn();
      return true;
    } catch {
      return false;
    } finally {
      this.#refillWarm();
    }
  }

  #settle(id: number, f: (p: Pending) => void): void {
    const p = this.#pending;
    if (!p || p.id !== id) return;
    this.#pending = undefined;
    clearTimeout(p.timer);
    if (this.#worker) unrefWorker(this.#worker); // an idle worker does not keep the process alive
    f(p);
    this.#refillWarm();
  }

  /**
   * Refills the warm pool after the call that took from it was answered (a thread start costs the
   * main thread milliseconds: never between the hand-over and the first answer).
   */
  #refillWarm(): void {
    if (!this.#refill) return;
    this.#refill = false;
    setImmediate(() => {
      if (!this.#closed) this.warm?.fill();
    });
  }

  #kill(worker: Worker): void {
    this.#refillWarm();
    if (this.#worker === worker) {
      this.#worker = undefined;
      this.#ready = undefined;
    }
    if (worker.threadId !== -1 && !this.#terminating.has(worker)) {
      // -1: already exited
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      this.#terminating.set(worker, exited);
      void exited.then(() => this.#terminating.delete(worker));
    }
    void terminateWorker(worker);
  }

  async #callNow(command: string, args: Uint8Array): Promise<CallResult> {
    const app = this.spec.app;
    if (this.#closed) throw new HostError('CLOSED', `app '${app}': the host is closed`, { app, command });
    if (!this.#ready) await this.#awaitTerminating(command);
    const adoptedBefore = this.adopted;
    const ready = this.#spawn();
    // A warm worker just handed this app gets the call right behind its `assign` (it instantiates,
    // answers `ready`, then runs the call): one round trip between the threads instead of two. Any
    // other worker is waited for first.
    const pipelined = this.adopted !== adoptedBefore;
    if (!pipelined) await ready;
    const worker = this.#worker;
    if (this.#closed || !worker) throw new HostError('CLOSED', `app '${app}': the host is closed`, { app, command });
    return new Promise<CallResult>((resolve, reject) => {
      const id = this.#nextId++;
      const p: Pending = { id, command, resolve, reject };
      this.#pending = p;
      // a start that fails (fatal, start deadline, worker gone) fails the call with its own error
      if (pipelined)
        ready.catch((err: Error) => {
          if (this.#pending !== p) return;
          this.#pending = undefined;
          clearTimeout(p.timer);
          reject(err);
        });
      const ms = this.spec.limits.cpuMs;
      const clock = this.#clock!;
      const posted = now();
      // The deadline counts from when the worker starts the call (it stamps the shared clock), so
      // message latency on a loaded machine is not charged to the app, nor are waits the worker's
      // host code declares (paused clock). A worker that has not started the call within
      // cpuMs + WORKER_START_MS is treated as past its deadline all the same. Until the call starts,
      // and while its clock is paused, the host looks every CALL_START_POLL_MS, so a call started
      // late or resumed from a wait still gets only cpuMs of running time.
      const expire = () => {
        if (this.#pending !== p) return;
        const t = now();
        const started = clock[CLOCK_ID] === id;
        const paused = started && clock[CLOCK_PAUSED]! > 0;
        const remaining = !started ? posted + ms + WORKER_START_MS - t : paused ? ms : clock[CLOCK_START]! + ms - t;
        if (remaining > 1) {
          p.timer = setTimeout(expire, started && !paused ? remaining : Math.min(remaining, CALL_START_POLL_MS));
          return;
        }
        this.#pending = undefined;
        this.#kill(worker);
        reject(
          new HostError(
            'DEADLINE_EXCEEDED',
            `app '${app}' command '${command}' ran past its CPU deadline of ${ms} ms; its worker was terminated`,
            { app, command },
          ),
        );
      };
      p.timer = setTimeout(expire, ms);
      // the app's own bytes only: `args` may be a window of the host's codec buffer (other apps' data)
      const own = ownBytes(args);
      const msg: HostToWorker = { type: 'call', id, command, args: own };
      worker.ref(); // a busy worker does (the deadline timer also does)
      worker.postMessage(msg, [own.buffer]);
    });
  }

  /** Stops the worker; pending and queued calls reject with CLOSED. */
  async close(): Promise<void> {
    this.#closed = true;
    const p = this.#pending;
    if (p) {
      this.#pending = undefined;
      clearTimeout(p.timer);
      p.reject(
        new HostError('CLOSED', `app '${this.app}': the host closed during command '${p.command}'`, { app: this.app, command: p.command }),
      );
    }
    const w = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    if (w) await terminateWorker(w);
  }
}
