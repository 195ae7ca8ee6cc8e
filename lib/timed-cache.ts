/**
 * Values reused for a fixed time after they were set, at most `maxEntries` of them (the one set
 * longest ago leaves first). For reads whose answer may go stale but is still right to act on for a
 * while (a reference block, a route): one rule for "how old is too old" instead of a timestamp check
 * at each call site.
 */
export class TimedCache<K, V> {
  readonly #entries = new Map<K, { value: V; at: number }>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(opts: { maxAgeMs: number; maxEntries: number; now?: () => number }) {
    if (!(opts.maxAgeMs >= 0) || !Number.isInteger(opts.maxEntries) || opts.maxEntries < 1)
      throw new RangeError(`TimedCache: maxAgeMs must be >= 0 and maxEntries a positive integer`);
    this.#maxAgeMs = opts.maxAgeMs;
    this.#maxEntries = opts.maxEntries;
    this.#now = opts.now ?? Date.now;
  }

  /** The value set for `key` less than `maxAgeMs` ago, or undefined (an older one is dropped). */
  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (this.#now() - e.at < this.#maxAgeMs) return e.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key); // re-inserted last: the map's order is the order of setting
    this.#entries.set(key, { value, at: this.#now() });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
