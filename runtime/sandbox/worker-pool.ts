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
 */
import { AppProcess, type LogHandler } from './app-process.js';
import type { WorkerSpec } from './worker-protocol.js';
import { HostError } from '../errors.js';
import { WarmWorkers } from './warm-workers.js';
import { WarmApps } from './warm-apps.js';

export class WorkerPool {
  #procs = new Map<string, { key: string; proc: AppProcess }>();
  #closed = false;
  readonly warm: WarmWorkers;
  /** The apps kept prepared (their processes are in #procs too). */
  readonly prepared: WarmApps;
  constructor(
    readonly onLog: LogHandler,
    /** Warm workers to keep (limits.ts WARM_WORKERS); 0: none. */
    warmWorkers = 0,
    /** Idle apps to keep prepared, and the guest memory pages they may hold (limits.ts WARM_APPS*); 0: none. */
    warmApps: { apps: number; pages: number } = { apps: 0, pages: 0 },
  ) {
    this.warm = new WarmWorkers(warmWorkers);
    this.prepared = new WarmApps(warmApps.apps, warmApps.pages);
  }

  /** Starts warm workers up to the pool's size (in the background). */
  prewarm(): void {
    if (!this.#closed) this.warm.fill();
  }

  /** The process for `spec.app`; `key` identifies the module+grants+limits it runs. */
  get(spec: WorkerSpec, key: string): AppProcess {
    if (this.#closed) throw new HostError('CLOSED', `app '${spec.app}': the host is closed`, { app: spec.app });
    const cur = this.#procs.get(spec.app);
    this.prepared.delete(spec.app); // a prepared worker taken by its call (or replaced) is no longer idle
    if (cur && cur.key === key) return cur.proc;
    if (cur) void cur.proc.close();
    const proc = new AppProcess(spec, this.onLog, undefined, this.warm);
    this.#procs.set(spec.app, { key, proc });
    return proc;
  }

  /** The running process of `app`, if any. */
  peek(app: string): AppProcess | undefined {
    return this.#procs.get(app)?.proc;
  }

  /** Stops `app`'s worker, if any (it restarts on its next call). */
  async stop(app: string): Promise<void> {
    const cur = this.#procs.get(app);
    this.prepared.delete(app);
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
    const proc = new AppProcess(cur.proc.spec, this.onLog, undefined, this.warm);
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
    await Promise.all([...all.map((p) => p.proc.close()), this.warm.close()]);
  }
}
