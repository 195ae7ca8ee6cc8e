/**
 * The bounded, persisted store behind the hybrid API: immutable answers keyed by (chain id, block,
 * query), at most `MAX_BLOCKS_PER_QUERY` blocks kept per query.
 *
 * Shares. One cache serves every app, and an answer is shared: the key has no app in it, so two
 * apps asking the same query of the same chain at the same block get the one answer. Each app that
 * stored or read an answer holds a claim on it (`HOST_CACHE_OWNER` for the host's own reads), and
 * the answer stays while any claim does. An app holds claims on at most `MAX_APP_CACHE_ENTRIES`
 * answers and `MAX_APP_CACHE_BYTES`: past that, it gives up its own least recently used claim. So no
 * app can evict another's answers, neither by flooding the cache with its own (before, with one LRU
 * for all, an app reading 5,000 distinct queries evicted every other app's answers, which those
 * apps need while offline) nor by storing another app's query first and then dropping it: the
 * other app's read of it is a claim of its own. The whole cache still holds at most
 * `MAX_CACHE_ENTRIES` and `MAX_CACHE_BYTES`: past that, the app holding the most claims gives up its
 * least recently used (with one app, plain LRU).
 *
 * Persistence is a whole snapshot replaced atomically (`writeFileAtomic`):
 *
 *     file = MAGIC ("PEEROSC1", 8 bytes) sha256(body) (32 bytes) body
 *     body = UTF-8 JSON {"version":2,"entries":[{chainId, atBlock, query, value, fetchedAt, owners}, …]}
 *            in least- to most-recently-used order
 *
 * A version-1 snapshot (written before shares, no `owner`) is read as the host's answers: its most
 * recently used `MAX_APP_CACHE_ENTRIES` stay.
 *
 * A snapshot that is missing, too large, has a wrong magic or checksum, or does not parse is a
 * lost cache, not an error: it is discarded with one warning and the host starts empty.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { entryKey, seriesKey } from './cache-key.js';
import { CacheOwners, type OwnerUsage } from './cache-owners.js';
import {
  MAX_APP_CACHE_BYTES,
  MAX_APP_CACHE_ENTRIES,
  MAX_BLOCKS_PER_QUERY,
  MAX_CACHE_BYTES,
  MAX_CACHE_ENTRIES,
  MAX_SNAPSHOT_FILE_BYTES,
  MAX_VALUE_BYTES,
} from './limits.js';

export const SNAPSHOT_MAGIC = Buffer.from('PEEROSC1', 'latin1');
const SNAPSHOT_VERSION = 2;
/** The snapshot written before shares: entries without an owner, read as the host's. */
const SNAPSHOT_VERSION_UNOWNED = 1;

/** The owner of the host's own reads (TaPoS, key lookups), and of a version-1 snapshot's answers:
 * not an app name (those start with a letter, `APP_NAME`). */
export const HOST_CACHE_OWNER = '@host';
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
  /** The apps (and the host) holding a claim on it; never empty while it is cached. */
  owners: Set<string>;
}

export interface CacheStoreOptions {
  /** Snapshot file; without it the store lives in memory only. */
  path?: string;
  maxEntries?: number;
  maxBytes?: number;
  maxValueBytes?: number;
  maxBlocksPerQuery?: number;
  /** Most answers one owner holds; default `MAX_APP_CACHE_ENTRIES`. */
  maxAppEntries?: number;
  /** Most bytes one owner holds; default `MAX_APP_CACHE_BYTES`. */
  maxAppBytes?: number;
  onWarning?: (message: string) => void;
}

export class CacheStore {
  readonly path: string | undefined;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxValueBytes: number;
  readonly maxBlocksPerQuery: number;
  readonly maxAppEntries: number;
  readonly maxAppBytes: number;
  /** Insertion order is recency order: the first key is the least recently used. */
  readonly #slots = new Map<string, Slot>();
  /** series key → keys of that query's answers, across blocks. */
  readonly #series = new Map<string, Set<string>>();
  readonly #owners = new CacheOwners();
  #bytes = 0;
  #dirty = false;
  readonly #warn: (message: string) => void;

  constructor(opts: CacheStoreOptions = {}) {
    this.path = opts.path;
    this.maxEntries = opts.maxEntries ?? MAX_CACHE_ENTRIES;
    this.maxBytes = opts.maxBytes ?? MAX_CACHE_BYTES;
    this.maxValueBytes = opts.maxValueBytes ?? MAX_VALUE_BYTES;
    this.maxBlocksPerQuery = opts.maxBlocksPerQuery ?? MAX_BLOCKS_PER_QUERY;
    this.maxAppEntries = opts.maxAppEntries ?? MAX_APP_CACHE_ENTRIES;
    this.maxAppBytes = opts.maxAppBytes ?? MAX_APP_CACHE_BYTES;
    this.#warn = opts.onWarning ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    for (const [k, v] of Object.entries({
      maxEntries: this.maxEntries,
      maxBytes: this.maxBytes,
      maxValueBytes: this.maxValueBytes,
      maxBlocksPerQuery: this.maxBlocksPerQuery,
      maxAppEntries: this.maxAppEntries,
      maxAppBytes: this.maxAppBytes,
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

  /** What `owner` holds (answers and their bytes). */
  usageOf(owner: string): OwnerUsage {
    return this.#owners.usage(owner);
  }

  /** True when there are changes not yet in the snapshot. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /**
   * The answer to `query` on `chainId` at exactly `atBlock`, marking it recently used; a `reader`
   * (an app's name, or `HOST_CACHE_OWNER`) takes a claim on it, counted in its share.
   */
  get(chainId: string, atBlock: number, query: string, reader?: string): CachedAnswer | undefined {
    const key = entryKey(chainId, atBlock, query);
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    this.#touch(key, slot, reader);
    return publicView(slot);
  }

  /** The answer to `query` on `chainId` at the highest block cached, marking it recently used (and
   * claimed by `reader`, as `get`). */
  newest(chainId: string, query: string, reader?: string): CachedAnswer | undefined {
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
    this.#touch(bestKey, best, reader);
    return publicView(best);
  }

  /**
   * Stores an answer read for `owner` (an app's name, or `HOST_CACHE_OWNER`), who takes a claim on
   * it. Returns false (and stores nothing) when the value is larger than `maxValueBytes`. An answer
   * cached for the same key is replaced, and its claims stay: a node's reads include the pending
   * block's changes, so a later answer at the same head block can be newer (a caller asks again,
   * `fresh`, only when told the cached one is out of date).
   */
  put(answer: CachedAnswer, owner: string = HOST_CACHE_OWNER): boolean {
    const json = JSON.stringify(answer.value);
    if (json === undefined) return false;
    const bytes = Buffer.byteLength(json) + answer.query.length + answer.chainId.length + 32;
    if (bytes > this.maxValueBytes || bytes > this.maxBytes || bytes > this.maxAppBytes) return false;
    const key = entryKey(answer.chainId, answer.atBlock, answer.query);
    const owners = new Set(this.#slots.get(key)?.owners);
    owners.add(owner);
    if (this.#slots.has(key)) this.#evict(key);
    const slot: Slot = {
      chainId: answer.chainId,
      atBlock: answer.atBlock,
      query: answer.query,
      value: JSON.parse(json),
      fetchedAt: answer.fetchedAt,
      bytes,
      owners,
    };
    this.#slots.set(key, slot);
    for (const o of owners) this.#owners.add(o, key, bytes);
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
    for (const o of owners) this.#keepShare(o);
    this.#fitCache();
    this.#dirty = true;
    return true;
  }

  /** Over its share, `owner` gives up its own least recently used claims, never another's. */
  #keepShare(owner: string): void {
    for (let u = this.#owners.usage(owner); u.entries > this.maxAppEntries || u.bytes > this.maxAppBytes; u = this.#owners.usage(owner)) {
      this.#release(this.#owners.oldest(owner)!, owner);
    }
  }

  /** Over the whole cache's bounds, the owner holding the most gives up its least recently used
   * claim (each step drops one claim, so this ends). */
  #fitCache(): void {
    while (this.#slots.size > this.maxEntries) {
      const owner = this.#owners.largest('entries')!;
      this.#release(this.#owners.oldest(owner)!, owner);
    }
    while (this.#bytes > this.maxBytes) {
      const owner = this.#owners.largest('bytes')!;
      this.#release(this.#owners.oldest(owner)!, owner);
    }
  }

  clear(): void {
    this.#slots.clear();
    this.#series.clear();
    this.#owners.clear();
    this.#bytes = 0;
    this.#dirty = true;
  }

  /** Writes the snapshot atomically (no-op without a path or without changes). */
  async persist(): Promise<void> {
    if (!this.path || !this.#dirty) return;
    this.#dirty = false;
    const entries = [...this.#slots.values()].map(({ bytes: _b, owners, ...a }) => ({ ...a, owners: [...owners] }));
    const body = Buffer.from(JSON.stringify({ version: SNAPSHOT_VERSION, entries }), 'utf8');
    const hash = createHash('sha256').update(body).digest();
    try {
      await writeFileAtomic(this.path, Buffer.concat([SNAPSHOT_MAGIC, hash, body]));
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
  }

  #touch(key: string, slot: Slot, reader: string | undefined): void {
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    if (reader === undefined) {
      for (const o of slot.owners) this.#owners.touch(o, key); // a read for no one in particular
      return;
    }
    if (slot.owners.has(reader)) {
      this.#owners.touch(reader, key);
      return;
    }
    slot.owners.add(reader);
    this.#owners.add(reader, key, slot.bytes);
    this.#keepShare(reader);
    this.#dirty = true;
  }

  /** `owner` gives up its claim on `key`; the answer goes with the last claim. */
  #release(key: string, owner: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    slot.owners.delete(owner);
    this.#owners.remove(owner, key);
    if (slot.owners.size === 0) this.#evict(key);
    else this.#dirty = true;
  }

  #evict(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    for (const o of slot.owners) this.#owners.remove(o, key);
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
    const owned = p?.version === SNAPSHOT_VERSION;
    if (typeof parsed !== 'object' || parsed === null || !(owned || p.version === SNAPSHOT_VERSION_UNOWNED) || !Array.isArray(p.entries)) {
      return this.#discard(path, 'unknown snapshot version or shape');
    }
    for (const e of p.entries as unknown[]) {
      const a = e as Partial<CachedAnswer> & { owners?: unknown };
      if (
        typeof a !== 'object' ||
        a === null ||
        typeof a.chainId !== 'string' ||
        !Number.isSafeInteger(a.atBlock) ||
        typeof a.query !== 'string' ||
        typeof a.fetchedAt !== 'number' ||
        !('value' in a) ||
        (owned && !(Array.isArray(a.owners) && a.owners.length > 0 && a.owners.every((o) => typeof o === 'string')))
      ) {
        this.clear();
        return this.#discard(path, 'malformed entry');
      }
      const answer: CachedAnswer = { chainId: a.chainId, atBlock: a.atBlock!, query: a.query, value: a.value, fetchedAt: a.fetchedAt };
      for (const o of owned ? (a.owners as string[]) : [HOST_CACHE_OWNER]) this.put(answer, o);
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
