/**
 * One {@link AppProcess} (worker thread) per app. A reinstalled app (new module hash) or a change of
 * grants or limits replaces its process. Closing the pool terminates every worker, warm ones too.
 *
 * Processes start their workers from `warm` (warm-workers.ts) when one is waiting; {@link prewarm}
 * fills it (the host does when an app goes idle, so that app's next first call finds one).
 *
 * An app that goes idle ({@link idle}) may be kept prepared: its worker is stopped and a new one
 * is started for it at once, in the background, which instantiates its module afresh and waits,
 * so its next first call is one call round trip. The prepared apps are bounded (warm-apps.ts);
 * a prepared app's worker leaves those bounds when its first call takes it, and is stopped when
 * the app is evicted, removed or reinstalled ({@link drop}), or when its key changes.
 *
 * The idle policy (live-apps.ts) decides when: an app with no call for `idleMs` goes idle as above,
 * never while a call of it is handed over and unsettled. An app's successive processes share the
 * count of its terminated workers still exiting, so stopping and starting it again never puts a
 * new worker beside such a thread (app-process.ts, MAX_TERMINATING_WORKERS). At
 * most `max` apps hold a live worker, with at most `pages` of guest memory together, each counted
 * at its cap (prepared ones are bounded apart, by warm-apps.ts); a call of another app makes the
 * least recently used ones that are not busy go idle until it fits, or, when every one is busy,
 * waits up to LIVE_WORKER_WAIT_MS for one to finish and then fails with LIMIT_EXCEEDED.
 */
import type { Worker } from 'node:worker_threads';
import { AppProcess, type LogHandler } from './app-process.js';
import type { WorkerSpec } from './worker-protocol.js';
import { HostError } from '../errors.js';
import { WarmWorkers } from './warm-workers.js';
import { WarmApps } from './warm-apps.js';
import { LiveApps, type LiveCall } from './live-apps.js';
import type { CallResult } from './instance.js';
import { LIVE_WORKER_WAIT_MS } from '../limits.js';

export class WorkerPool {
  #procs = new Map<string, { key: string; proc: AppProcess }>();
  /** Per app, its terminated workers still exiting, shared by its successive processes (app-process.ts `exiting`). */
  #exiting = new Map<string, Map<Worker, Promise<void>>>();
  #closed = false;
  readonly warm: WarmWorkers;
  /** The apps kept prepared (their processes are in #procs too). */
  readonly prepared: WarmApps;
  /** The apps with a live worker: busy counts, idle clocks, the bound. */
  readonly live: LiveApps;
  /** How long a call waits for a place among the live workers (LIVE_WORKER_WAIT_MS). */
  readonly liveWaitMs: number;
  constructor(
    readonly onLog: LogHandler,
    /** Warm workers to keep (limits.ts WARM_WORKERS; 0: none), and the host's home for their warm-up (warm-up.ts). */
    warmWorkers: { workers: number; home: string } = { workers: 0, home: '' },
    /** Idle apps to keep prepared, and the guest memory pages they may hold (limits.ts WARM_APPS*); 0: none. */
    warmApps: { apps: number; pages: number } = { apps: 0, pages: 0 },
    /** Most apps with a live worker, the guest memory pages they may hold together, how long an app may go without a call before it goes idle (limits.ts LIVE_APP_WORKERS, LIVE_APPS_MEMORY_PAGES, APP_IDLE_MS; 0: never), and how long a call waits for a place (LIVE_WORKER_WAIT_MS). */
    live: { max: number; pages: number; idleMs: number; waitMs?: number } = {
      max: Number.MAX_SAFE_INTEGER,
      pages: Number.MAX_SAFE_INTEGER,
      idleMs: 0,
    },
  ) {
    this.warm = new WarmWorkers(warmWorkers.workers, warmWorkers.home);
    this.prepared = new WarmApps(warmApps.apps, warmApps.pages);
    this.live = new LiveApps(live.max, live.pages, live.idleMs, (app) => this.#idleClock(app));
    this.liveWaitMs = live.waitMs ?? LIVE_WORKER_WAIT_MS;
  }

  /** Starts warm workers up to the pool's size (in the background). */
  prewarm(): void {
    if (!this.#closed) this.warm.fill();
  }

  /**
   * Runs `command` in `spec.app`'s process (`key` identifies the module+grants+limits it runs),
   * counted busy from now until the call settles: the idle policy never stops it meanwhile.
   */
  async run(spec: WorkerSpec, key: string, command: string, args: Uint8Array): Promise<CallResult> {
    const cur = this.#procs.get(spec.app);
    // the common case takes no turn of the event loop: a live process of the same key
    const { proc, call } =
      cur && cur.key === key && this.live.has(spec.app)
        ? { proc: cur.proc, call: this.live.begin(spec.app, spec.limits.memoryPages) }
        : await this.#acquire(spec, key, command);
    try {
      return await proc.call(command, args);
    } finally {
      this.live.end(call);
    }
  }

  /**
   * The process for `spec.app`, with a place among the live apps: its own, the one of the least
   * recently used app that is not busy (which goes idle), or one freed within LIVE_WORKER_WAIT_MS.
   * The call is counted busy before this returns, so no other acquirer can take the place back.
   */
  async #acquire(spec: WorkerSpec, key: string, command: string): Promise<{ proc: AppProcess; call: LiveCall }> {
    const app = spec.app;
    const until = Date.now() + this.liveWaitMs;
    for (;;) {
      if (this.#closed) throw new HostError('CLOSED', `app '${app}': the host is closed`, { app, command });
      if (this.live.has(app) || this.live.fits(spec.limits.memoryPages)) {
        const proc = this.#get(spec, key);
        return { proc, call: this.live.begin(app, spec.limits.memoryPages) };
      }
      const victim = this.live.victim(app);
      if (victim !== undefined) {
        void this.#goIdle(victim); // stops it at once (synchronously up to the worker's termination)
        this.live.delete(victim);
        continue;
      }
      const left = until - Date.now();
      if (left <= 0) {
        throw new HostError(
          'LIMIT_EXCEEDED',
          `app '${app}': the live app workers (at most ${this.live.max}, LIVE_APP_WORKERS, holding at most ${this.live.maxPages} pages of guest memory, LIVE_APPS_MEMORY_PAGES) stayed busy for ${this.liveWaitMs} ms (LIVE_WORKER_WAIT_MS); try again later`,
          { app, command },
        );
      }
      await this.live.waitForRoom(left);
    }
  }

  /** The process for `spec.app`, started (lazily, at its first call) when it has none of this key. */
  #get(spec: WorkerSpec, key: string): AppProcess {
    const cur = this.#procs.get(spec.app);
    this.prepared.delete(spec.app); // a prepared worker taken by its call (or replaced) is no longer idle
    if (cur && cur.key === key) return cur.proc;
    if (cur) void cur.proc.close();
    const proc = this.#newProcess(spec);
    this.#procs.set(spec.app, { key, proc });
    return proc;
  }

  #newProcess(spec: WorkerSpec): AppProcess {
    let exiting = this.#exiting.get(spec.app);
    if (!exiting) this.#exiting.set(spec.app, (exiting = new Map()));
    return new AppProcess(spec, this.onLog, undefined, this.warm, exiting);
  }

  /** `app`'s idle clock ran out: it goes idle. */
  #idleClock(app: string): void {
    if (this.#closed || !this.#procs.has(app) || this.prepared.has(app)) return;
    void this.#goIdle(app);
  }

  /** As `Host.stopWorker`: the warm pool filled, the app stopped and, within bounds, prepared. */
  async #goIdle(app: string): Promise<void> {
    this.prewarm();
    await this.idle(app);
  }

  /** The running process of `app`, if any. */
  peek(app: string): AppProcess | undefined {
    return this.#procs.get(app)?.proc;
  }

  /** Stops `app`'s worker, if any (it restarts on its next call). */
  async stop(app: string): Promise<void> {
    const cur = this.#procs.get(app);
    this.prepared.delete(app);
    this.live.delete(app);
    if (!cur) return;
    this.#procs.delete(app);
    await cur.proc.close();
  }

  /** Stops `app`'s worker if it is only prepared (no call took it yet): the app was reinstalled or its grants changed. */
  async drop(app: string): Promise<void> {
    if (this.prepared.has(app)) await this.stop(app);
  }

  /**
   * `app` went idle: its worker is stopped (never reused: a new instance, as after any stop) and,
   * within the prepared apps' bounds, a new worker is started for it in the background, evicting
   * the least recently prepared apps to make room. Resolves once the old worker is stopped; the
   * preparation goes on behind (see {@link AppProcess.prepare}).
   */
  async idle(app: string): Promise<void> {
    const cur = this.#procs.get(app);
    if (!cur) return;
    await this.stop(app);
    if (this.#closed || this.#procs.has(app)) return; // a call started it again meanwhile
    const { admitted, evict } = this.prepared.admit(app, cur.proc.spec.limits.memoryPages);
    for (const old of evict) {
      const e = this.#procs.get(old);
      if (!e) continue;
      this.#procs.delete(old);
      void e.proc.close();
    }
    if (!admitted) return;
    const proc = this.#newProcess(cur.proc.spec);
    this.#procs.set(app, { key: cur.key, proc });
    void proc.prepare().then((ready) => {
      // a start that failed holds nothing: it no longer counts (the next call starts its own)
      if (!ready && this.#procs.get(app)?.proc === proc) this.prepared.delete(app);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#procs.values()];
    this.#procs.clear();
    this.prepared.clear();
    this.live.clear();
    await Promise.all([...all.map((p) => p.proc.close()), this.warm.close()]);
  }
}
