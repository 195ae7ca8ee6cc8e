/**
 * One {@link AppProcess} (worker thread) per app. A reinstalled app (new module hash) or a change of
 * grants or limits replaces its process. Closing the pool terminates every worker, warm ones too.
 *
 * Processes start their workers from `warm` (warm-workers.ts) when one is waiting; {@link prewarm}
 * fills it (the host does when an app goes idle, so that app's next first call finds one).
 */
import { AppProcess, type LogHandler } from './app-process.js';
import type { WorkerSpec } from './worker-protocol.js';
import { HostError } from '../errors.js';
import { WarmWorkers } from './warm-workers.js';

export class WorkerPool {
  #procs = new Map<string, { key: string; proc: AppProcess }>();
  #closed = false;
  readonly warm: WarmWorkers;
  constructor(
    readonly onLog: LogHandler,
    /** Warm workers to keep (limits.ts WARM_WORKERS); 0: none. */
    warmWorkers = 0,
  ) {
    this.warm = new WarmWorkers(warmWorkers);
  }

  /** Starts warm workers up to the pool's size (in the background). */
  prewarm(): void {
    if (!this.#closed) this.warm.fill();
  }

  /** The process for `spec.app`; `key` identifies the module+grants+limits it runs. */
  get(spec: WorkerSpec, key: string): AppProcess {
    if (this.#closed) throw new HostError('CLOSED', `app '${spec.app}': the host is closed`, { app: spec.app });
    const cur = this.#procs.get(spec.app);
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
    if (!cur) return;
    this.#procs.delete(app);
    await cur.proc.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#procs.values()];
    this.#procs.clear();
    await Promise.all([...all.map((p) => p.proc.close()), this.warm.close()]);
  }
}
