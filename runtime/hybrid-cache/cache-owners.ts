/**
 * Who holds what in the hybrid cache: for each owner (an app, or the host), the keys of the answers
 * it owns in recency order (least recently used first) and their bytes. The store asks it for an
 * owner's own oldest answer (O(1)) when that owner is over its share, and for the owner holding the
 * most when the whole cache is over its bounds (one pass over the owners: installed apps, a few).
 */

export interface OwnerUsage {
  entries: number;
  bytes: number;
}

interface Holding {
  /** key → bytes; insertion order is recency order. */
  keys: Map<string, number>;
  bytes: number;
}

export class CacheOwners {
  readonly #owners = new Map<string, Holding>();

  add(owner: string, key: string, bytes: number): void {
    let h = this.#owners.get(owner);
    if (!h) this.#owners.set(owner, (h = { keys: new Map(), bytes: 0 }));
    h.keys.set(key, bytes);
    h.bytes += bytes;
  }

  remove(owner: string, key: string): void {
    const h = this.#owners.get(owner);
    const bytes = h?.keys.get(key);
    if (!h || bytes === undefined) return;
    h.keys.delete(key);
    h.bytes -= bytes;
    if (h.keys.size === 0) this.#owners.delete(owner);
  }

  /** Marks `key` the owner's most recently used. */
  touch(owner: string, key: string): void {
    const h = this.#owners.get(owner);
    const bytes = h?.keys.get(key);
    if (!h || bytes === undefined) return;
    h.keys.delete(key);
    h.keys.set(key, bytes);
  }

  usage(owner: string): OwnerUsage {
    const h = this.#owners.get(owner);
    return { entries: h?.keys.size ?? 0, bytes: h?.bytes ?? 0 };
  }

  /** The owner's least recently used key. */
  oldest(owner: string): string | undefined {
    return this.#owners.get(owner)?.keys.keys().next().value;
  }

  /** The owner holding the most entries (or bytes); undefined when the cache is empty. */
  largest(by: keyof OwnerUsage): string | undefined {
    let best: string | undefined;
    let most = -1;
    for (const [owner, h] of this.#owners) {
      const n = by === 'entries' ? h.keys.size : h.bytes;
      if (n > most) {
        best = owner;
        most = n;
      }
    }
    return best;
  }

  clear(): void {
    this.#owners.clear();
  }
}
