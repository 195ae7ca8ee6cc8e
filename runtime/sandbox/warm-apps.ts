/**
 * The bounds of the prepared apps (worker-pool.ts `idle`): which idle apps keep a worker with their
 * module instantiated afresh, waiting for their next first call. At most `maxApps` of them, holding
 * together at most `maxPages` of guest memory counted at each app's cap; past either, the least
 * recently prepared app is evicted. This class only decides and counts; the pool starts and stops
 * the workers.
 *
 * One entry per app name, never shared: a prepared worker was assigned its one app before it
 * instantiated anything (app-worker.ts `assign`), exactly as a worker started for that app.
 */
export class WarmApps {
  /** App name → its memory cap in pages; insertion order is preparation order (oldest first). */
  #apps = new Map<string, number>();
  #pages = 0;
  /** Apps evicted to make room so far (tests and diagnostics). */
  evicted = 0;

  constructor(
    /** Most apps kept prepared (limits.ts WARM_APPS); 0: none. */
    readonly maxApps: number,
    /** Most guest memory pages they may hold together (limits.ts WARM_APPS_MEMORY_PAGES). */
    readonly maxPages: number,
  ) {}

  /** Prepared apps. */
  get size(): number {
    return this.#apps.size;
  }

  /** Guest memory pages the prepared apps may hold together (each at its cap). */
  get pages(): number {
    return this.#pages;
  }

  has(app: string): boolean {
    return this.#apps.has(app);
  }

  /**
   * Makes room for `app` with a memory cap of `pages` and records it. Returns whether it may be
   * prepared, and the apps evicted to make room (the caller stops their workers). An app whose cap
   * alone is above `maxPages`, or any app when `maxApps` is 0, is refused and evicts nothing.
   */
  admit(app: string, pages: number): { admitted: boolean; evict: string[] } {
    this.delete(app);
    if (this.maxApps === 0 || pages > this.maxPages) return { admitted: false, evict: [] };
    const evict: string[] = [];
    for (const [old, oldPages] of this.#apps) {
      if (this.#apps.size < this.maxApps && this.#pages + pages <= this.maxPages) break;
      this.#apps.delete(old);
      this.#pages -= oldPages;
      this.evicted++;
      evict.push(old);
    }
    this.#apps.set(app, pages);
    this.#pages += pages;
    return { admitted: true, evict };
  }

  /** Forgets `app` (its first call took its worker, it was stopped, or its start failed). */
  delete(app: string): boolean {
    const pages = this.#apps.get(app);
    if (pages === undefined) return false;
    this.#apps.delete(app);
    this.#pages -= pages;
    return true;
  }

  clear(): void {
    this.#apps.clear();
    this.#pages = 0;
  }
}
