/**
 * The idle policy of the apps with a live worker (worker-pool.ts): which are busy, which went idle,
 * and which one makes room when the live workers are at their bound. This class only counts,
 * orders and keeps the idle clocks; the pool starts and stops the workers.
 *
 * - An app is busy from the moment a call of it is handed to the pool until that call settled
 *   (queued calls included: {@link begin} / {@link end} bracket each one). A busy app is never
 *   stopped by this policy.
 * - An app with no call for `idleMs` is handed to `onIdle` (the pool stops its worker the way
 *   `Host.stopWorker` does, so the prepared apps' bounds apply); the clock starts again at every
 *   call's end. `idleMs` 0: never.
 * - At most `max` apps hold a live worker, holding together at most `maxPages` of guest memory
 *   counted at each app's cap; a new one takes the place of the least recently used apps that are
 *   not busy ({@link victim}), or waits ({@link waitForRoom}).
 *
 * Nothing else keeps an app busy because nothing else of an app runs: the ISA has no timers,
 * subscriptions or streams, and an app cannot call itself or another app; every host function
 * (bridged ones too) runs inside a call and ends with it (docs/runtime.md, "Idle apps").
 */

interface Entry {
  /** Calls handed over and not settled yet. */
  busy: number;
  /** The app's memory cap in pages (what its instance may grow to). */
  pages: number;
  timer: NodeJS.Timeout | undefined;
}

/** What {@link LiveApps.begin} returns, for the matching {@link LiveApps.end}. */
export type LiveCall = { readonly app: string; readonly entry: object };

export class LiveApps {
  /** App → its entry; insertion order is use order (least recently used first). */
  #apps = new Map<string, Entry>();
  #waiters = new Set<() => void>();
  #pages = 0;
  /** Apps handed to `onIdle` by their idle clock so far (tests, diagnostics, the bench). */
  idleStops = 0;
  /** Apps stopped to make room for another one so far. */
  evicted = 0;

  constructor(
    /** Most apps with a live worker (limits.ts LIVE_APP_WORKERS). */
    readonly max: number,
    /** Most guest memory pages they may hold together, each at its cap (limits.ts LIVE_APPS_MEMORY_PAGES). */
    readonly maxPages: number,
    /** No call for this long: the app goes idle (limits.ts APP_IDLE_MS); 0: never. */
    readonly idleMs: number,
    /** Called when an app's idle clock runs out while it is not busy. */
    readonly onIdle: (app: string) => void,
  ) {}

  /** Apps with a live worker. */
  get size(): number {
    return this.#apps.size;
  }

  has(app: string): boolean {
    return this.#apps.has(app);
  }

  /** Guest memory pages the live apps may hold together (each at its cap). */
  get pages(): number {
    return this.#pages;
  }

  /** Whether an app that is not live, with a cap of `pages`, fits beside the live ones. */
  fits(pages: number): boolean {
    return this.#apps.size < this.max && this.#pages + pages <= this.maxPages;
  }

  /** Whether `app` has a call handed over and not settled. */
  busy(app: string): boolean {
    return (this.#apps.get(app)?.busy ?? 0) > 0;
  }

  /** A call of `app` (memory cap `pages`) is handed over: counted busy, most recently used, its idle clock stopped. */
  begin(app: string, pages: number): LiveCall {
    let e = this.#apps.get(app);
    if (e) this.#apps.delete(app);
    else e = { busy: 0, pages: 0, timer: undefined };
    this.#pages += pages - e.pages; // a reinstall may change the cap
    e.pages = pages;
    this.#apps.set(app, e);
    e.busy++;
    clearTimeout(e.timer);
    e.timer = undefined;
    return { app, entry: e };
  }

  /** That call settled: once none is left the idle clock starts, and a waiting call may find room. */
  end(call: LiveCall): void {
    const e = this.#apps.get(call.app);
    if (e !== call.entry || e.busy === 0) return; // the app was stopped (and maybe started again) meanwhile
    e.busy--;
    if (e.busy > 0) return;
    this.rearm(call.app);
    this.#wake();
  }

  /** Starts `app`'s idle clock (when it is not busy). */
  rearm(app: string): void {
    const e = this.#apps.get(app);
    if (!e || e.busy > 0 || this.idleMs === 0) return;
    clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (this.#apps.get(app) !== e || e.busy > 0) return;
      this.idleStops++;
      this.onIdle(app);
    }, this.idleMs);
    e.timer.unref(); // an idle app does not keep the process alive
  }

  /** The least recently used app, other than `except`, that is not busy, counted as evicted; undefined when every live app is busy. */
  victim(except: string): string | undefined {
    for (const [app, e] of this.#apps) {
      if (app === except || e.busy > 0) continue;
      this.evicted++;
      return app;
    }
    return undefined;
  }

  /** `app` no longer has a live worker (stopped, removed, prepared again). */
  delete(app: string): void {
    const e = this.#apps.get(app);
    if (!e) return;
    clearTimeout(e.timer);
    this.#apps.delete(app);
    this.#pages -= e.pages;
    this.#wake();
  }

  /** Resolves when a call ends or an app leaves (room may have been made), or after `ms`. */
  waitForRoom(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Stops every idle clock and wakes every waiter (the pool is closing). */
  clear(): void {
    for (const e of this.#apps.values()) clearTimeout(e.timer);
    this.#apps.clear();
    this.#pages = 0;
    this.#wake();
  }
}
