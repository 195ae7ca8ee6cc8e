/**
 * The bounded, persisted store behind the hybrid API: immutable answers keyed by (chain id, block,
 * query), evicted least recently used first when over `MAX_CACHE_ENTRIES` or `MAX_CACHE_BYTES`,
 * and at most `MAX_BLOCKS_PER_QUERY` blocks kept per query.
 *
 * Persistence is a whole snapshot replaced atomically (`writeFileAtomic`):
 *
 *     file = MAGIC ("PEEROSC1", 8 bytes) sha256(body) (32 bytes) body
 *     body = UTF-8 JSON {"version":1,"entries":[{chainId, atBlock, query, value, fetchedAt}, …]}
 *            in least- to most-recently-used order
 *
 * A snapshot that is missing, too large, has a wrong magic or checksum, or does not parse is a
 * lost cache, not an error: it is discarded with one warning and the host starts empty.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { entryKey, seriesKey } from './cache-key.js';
import { MAX_BLOCKS_PER_QUERY, MAX_CACHE_BYTES, MAX_CACHE_ENTRIES, MAX_SNAPSHOT_FILE_BYTES, MAX_VALUE_BYTES } from './limits.js';

export const SNAPSHOT_MAGIC = Buffer.from('PEEROSC1', 'latin1');
const SNAPSHOT_VERSION = 1;
const HASH_BYTES = 32;

export interface CachedAnswer {
  chainId: string;
  atBlock: number;
  /** The query's hash (see cache-key.ts). */
  query: string;
  /** The answer, as JSON-safe data. */
  value: unknown;
  /** When it was fetched from the DMCS (ms since 1970). */
  fetchedAt: number;
}

interface Slot extends CachedAnswer {
  bytes: number;
}

export interface CacheStoreOptions {
  /** Snapshot file; without it the store lives in memory only. */
  path?: string;
  maxEntries?: number;
  maxBytes?: number;
  maxValueBytes?: number;
  maxBlocksPerQuery?: number;
  onWarning?: (message: string) => void;
}

export class CacheStore {
  readonly path: string | undefined;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxValueBytes: number;
  readonly maxBlocksPerQuery: number;
  /** Insertion order is recency order: the first key is the least recently used. */
  readonly #slots = new Map<string, Slot>();
  /** series key → keys of that query's answers, across blocks. */
  readonly #series = new Map<string, Set<string>>();
  #bytes = 0;
  #dirty = false;
  readonly #warn: (message: string) => void;

  constructor(opts: CacheStoreOptions = {}) {
    this.path = opts.path;
    this.maxEntries = opts.maxEntries ?? MAX_CACHE_ENTRIES;
    this.maxBytes = opts.maxBytes ?? MAX_CACHE_BYTES;
    this.maxValueBytes = opts.maxValueBytes ?? MAX_VALUE_BYTES;
    this.maxBlocksPerQuery = opts.maxBlocksPerQuery ?? MAX_BLOCKS_PER_QUERY;
    this.#warn = opts.onWarning ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    for (const [k, v] of Object.entries({
      maxEntries: this.maxEntries,
      maxBytes: this.maxBytes,
      maxValueBytes: this.maxValueBytes,
      maxBlocksPerQuery: this.maxBlocksPerQuery,
    })) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`CacheStore: ${k} must be a positive integer, got ${v}`);
    }
    if (this.path) this.#load(this.path);
  }

  get size(): number {
    return this.#slots.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** True when there are changes not yet in the snapshot. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** The answer to `query` on `chainId` at exactly `atBlock`, marking it recently used. */
  get(chainId: string, atBlock: number, query: string): CachedAnswer | undefined {
    const key = entryKey(chainId, atBlock, query);
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    this.#touch(key, slot);
    return publicView(slot);
  }

  /** The answer to `query` on `chainId` at the highest block cached, marking it recently used. */
  newest(chainId: string, query: string): CachedAnswer | undefined {
    const keys = this.#series.get(seriesKey(chainId, query));
    if (!keys) return undefined;
    let best: Slot | undefined;
    let bestKey = '';
    for (const k of keys) {
      const s = this.#slots.get(k)!;
      if (!best || s.atBlock > best.atBlock || (s.atBlock === best.atBlock && s.fetchedAt > best.fetchedAt)) {
        best = s;
        bestKey = k;
      }
    }
    if (!best) return undefined;
    this.#touch(bestKey, best);
    return publicView(best);
  }

  /**
   * Stores an answer. Returns false (and stores nothing) when the value is larger than
   * `maxValueBytes`. An answer cached for the same key is replaced: a node's reads include the
   * pending block's changes, so a later answer at the same head block can be newer (a caller asks
   * again, `fresh`, only when told the cached one is out of date).
   */
  put(answer: CachedAnswer): boolean {
    const json = JSON.stringify(answer.value);
    if (json === undefined) return false;
    const bytes = Buffer.byteLength(json) + answer.query.length + answer.chainId.length + 32;
    if (bytes > this.maxValueBytes || bytes > this.maxBytes) return false;
    const key = entryKey(answer.chainId, answer.atBlock, answer.query);
    if (this.#slots.has(key)) this.#evict(key);
    const slot: Slot = { ...answer, value: JSON.parse(json), bytes };
    this.#slots.set(key, slot);
    this.#bytes += bytes;
    const sk = seriesKey(answer.chainId, answer.query);
    let set = this.#series.get(sk);
    if (!set) this.#series.set(sk, (set = new Set()));
    set.add(key);
    if (set.size > this.maxBlocksPerQuery) {
      let oldest: string | undefined;
      for (const k of set) if (!oldest || this.#slots.get(k)!.atBlock < this.#slots.get(oldest)!.atBlock) oldest = k;
      this.#evict(oldest!);
    }
    while (this.#slots.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.#evict(this.#slots.keys().next().value!);
    }
    this.#dirty = true;
    return true;
  }

  clear(): void {
    this.#slots.clear();
    this.#series.clear();
    this.#bytes = 0;
    this.#dirty = true;
  }

  /** Writes the snapshot atomically (no-op without a path or without changes). */
  async persist(): Promise<void> {
    if (!this.path || !this.#dirty) return;
    this.#dirty = false;
    const entries = [...this.#slots.values()].map(({ bytes: _b, ...a }) => a);
    const body = Buffer.from(JSON.stringify({ version: SNAPSHOT_VERSION, entries }), 'utf8');
    const hash = createHash('sha256').update(body).digest();
    try {
      await writeFileAtomic(this.path, Buffer.concat([SNAPSHOT_MAGIC, hash, body]));
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
  }

  #touch(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
  }

  #evict(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
    const sk = seriesKey(slot.chainId, slot.query);
    const set = this.#series.get(sk);
    set?.delete(key);
    if (set && set.size === 0) this.#series.delete(sk);
    this.#dirty = true;
  }

  #load(path: string): void {
    let data: Buffer;
    try {
      if (statSync(path).size > MAX_SNAPSHOT_FILE_BYTES) return this.#discard(path, `larger than ${MAX_SNAPSHOT_FILE_BYTES} bytes`);
      data = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      return this.#discard(path, `unreadable (${(err as Error).message})`);
    }
    if (data.length < SNAPSHOT_MAGIC.length + HASH_BYTES || !data.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
      return this.#discard(path, 'wrong magic: not a PeerOS cache snapshot');
    }
    const hash = data.subarray(SNAPSHOT_MAGIC.length, SNAPSHOT_MAGIC.length + HASH_BYTES);
    const body = data.subarray(SNAPSHOT_MAGIC.length + HASH_BYTES);
    if (!createHash('sha256').update(body).digest().equals(hash)) return this.#discard(path, 'checksum mismatch');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return this.#discard(path, 'body is not JSON');
    }
    const p = parsed as { version?: unknown; entries?: unknown };
    if (typeof parsed !== 'object' || parsed === null || p.version !== SNAPSHOT_VERSION || !Array.isArray(p.entries)) {
      return this.#discard(path, 'unknown snapshot version or shape');
    }
    for (const e of p.entries as unknown[]) {
      const a = e as Partial<CachedAnswer>;
      if (
        typeof a !== 'object' ||
        a === null ||
        typeof a.chainId !== 'string' ||
        !Number.isSafeInteger(a.atBlock) ||
        typeof a.query !== 'string' ||
        typeof a.fetchedAt !== 'number' ||
        !('value' in a)
      ) {
        this.clear();
        return this.#discard(path, 'malformed entry');
      }
      this.put(a as CachedAnswer);
    }
    this.#dirty = false;
  }

  #discard(path: string, why: string): void {
    this.#warn(`hybrid API cache ${path} discarded (${why}); starting with an empty cache`);
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
    this.#dirty = false;
  }
}

function publicView(slot: Slot): CachedAnswer {
  return { chainId: slot.chainId, atBlock: slot.atBlock, query: slot.query, value: structuredClone(slot.value), fetchedAt: slot.fetchedAt };
}
