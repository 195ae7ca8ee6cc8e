/**
 * Stored encodings of changed records made ahead of a commit (issue 19's stall: the commit's
 * encoding on the block thread), for one kind of record (accounts, tables), by key. The rule both
 * caches follow: a change drops a record's encoding; a record encoded and then changed again before
 * the commit is left to the commit (`stale`), so one changed in every block (a contract's account,
 * with its code) is encoded at most twice per commit, not at every safe point.
 */
export class PreparedRecords<K> {
  private readonly bytes = new Map<K, Uint8Array>();
  /** Changed since the last `encode` (or flush), never encoded since the flush. */
  private readonly pending = new Set<K>();
  /** Encoded, then changed again, since the last flush. */
  private readonly stale = new Set<K>();

  /** `key` changed: its encoding, if any, is out of date. */
  changed(key: K): void {
    if (this.bytes.delete(key)) this.stale.add(key);
    else if (!this.stale.has(key)) this.pending.add(key);
  }

  /**
   * Encodes the records changed since the last call (`encode` returns null for one it leaves to the
   * commit: removed, too large, not hashed yet). Returns how many it encoded.
   */
  encodePending(encode: (key: K) => Uint8Array | null): number {
    let n = 0;
    for (const key of this.pending) {
      const b = encode(key);
      if (b === null) continue;
      this.bytes.set(key, b);
      n++;
    }
    this.pending.clear();
    return n;
  }

  /** `key`'s encoding made ahead, if it is still current. */
  get(key: K): Uint8Array | undefined {
    return this.bytes.get(key);
  }

  /** A commit started: everything changed so far is in it. */
  clear(): void {
    this.bytes.clear();
    this.pending.clear();
    this.stale.clear();
  }
}
