/**
 * The keys a cache's probation dropped unused (probation.ts's ghosts, 2Q's Kout), remembered
 * approximately in a fixed table of their hashes, in buckets of `WAYS` slots: a key's bucket is
 * picked by its hash's low bits, and a key dropped into a full bucket overwrites the oldest there.
 * Both ways it errs are harmless: a key forgotten early goes on probation again, and a key taken
 * for one remembered (another key's hash, equal in all 32 bits) skips probation, as any entry used
 * at a distance.
 *
 * Why not an exact first-in-first-out set (lib/insertion-order.ts, before stop 48): every cache
 * miss asks it, and its sharded map and queue cost a lookup and a delete per miss and an insertion,
 * an oldest and a delete per drop (docs/dmcs.md, stop 48). Here each is a look at one bucket of a
 * typed array. Slots twice the keys to remember, in buckets (a table of single slots lost a fifth of
 * the most recent keys to collisions): about as many recent keys survive as the exact set kept.
 */
/** Slots per bucket. */
const WAYS = 4;

export class GhostKeys<K> {
  /** Per slot: a remembered key's hash with its lowest bit set (0: empty). */
  private readonly slots: Uint32Array;
  /** Per bucket: the slot its next key overwrites when full (oldest first). */
  private readonly next: Uint8Array;
  private readonly mask: number;

  constructor(
    /** Keys to remember, about (0: none). */
    capacity: number,
    /** The keys' seeded 32-bit hash (sharded-map.ts's `stringHash`, `u64Hash`: a sender cannot aim keys at one bucket). */
    private readonly hash: (key: K) => number,
  ) {
    let buckets = 1;
    while (buckets * WAYS < capacity * 2) buckets *= 2;
    this.slots = new Uint32Array(capacity > 0 ? buckets * WAYS : 0);
    this.next = new Uint8Array(buckets);
    this.mask = buckets - 1;
  }

  /** Remembers `key`: in a free slot of its bucket, else over the bucket's oldest. */
  add(key: K): void {
    if (this.slots.length === 0) return;
    const h = this.hash(key);
    const b = h & this.mask;
    const at = b * WAYS;
    const fp = (h | 1) >>> 0;
    for (let i = at; i < at + WAYS; i++)
      if (this.slots[i] === 0 || this.slots[i] === fp) {
        this.slots[i] = fp;
        return;
      }
    const way = this.next[b]!;
    this.slots[at + way] = fp;
    this.next[b] = (way + 1) % WAYS;
  }

  /** Whether `key` was remembered; forgets it. */
  take(key: K): boolean {
    if (this.slots.length === 0) return false;
    const h = this.hash(key);
    const at = (h & this.mask) * WAYS;
    const fp = (h | 1) >>> 0;
    for (let i = at; i < at + WAYS; i++)
      if (this.slots[i] === fp) {
        this.slots[i] = 0;
        return true;
      }
    return false;
  }
}
