/**
 * An app's private key/value store on disk: one append-only record log per app,
 * `<data dir>/store.log` (format in store-log.ts), and an in-memory index (key → where its value
 * is) rebuilt by scanning the log on open.
 *
 * Guarantees:
 * - Durable before acknowledged: `set` and `delete` return after their record is fdatasynced.
 * - A crash mid-append leaves a torn tail, which the next open cuts off (with a warning): the key
 *   keeps its old value, never a mix, never a failed open.
 * - Bounded disk: each key is charged `STORAGE_RECORD_OVERHEAD_BYTES` on top of key + value (more
 *   than its framing costs), so live records on disk ≤ the charged bytes ≤ the quota; the log is
 *   compacted (live records copied to a temp file, fsync, rename, fsync of the directory) once its
 *   dead bytes exceed the live bytes plus `STORAGE_COMPACT_SLACK_BYTES`, so the file stays under
 *   2 × quota + 4 KiB + one record, whatever the app writes.
 * - The old one-file-per-key layout (legacy-kv.ts) is migrated into a log on first open.
 *
 * One worker per app is the writer while a host runs. If the log changes under the store (another
 * process wrote or compacted it), the index is rebuilt before the next operation.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../lib/atomic-file.js';
import { MAX_STORAGE_KEY_BYTES, STORAGE_COMPACT_SLACK_BYTES, STORAGE_RECORD_OVERHEAD_BYTES } from '../limits.js';
import { encodeRecord, scanStoreLog, STORE_MAGIC, OP_DELETE, OP_PUT, type StoreLogScan } from './store-log.js';
import { readLegacyEntries } from './legacy-kv.js';
import { SortedChunks } from '../../lib/sorted-chunks.js';

/** File name of the log inside the app's data directory. */
export const STORE_LOG_NAME = 'store.log';

interface Slot {
  /** Offset and size of the key's live frame. */
  offset: number;
  frameBytes: number;
  valueOffset: number;
  valueBytes: number;
  /** key + value + overhead: what the key costs against the quota. */
  charged: number;
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export class AppStore {
  /** What a key with this key and value costs against the quota. */
  static charge(keyBytes: number, valueBytes: number): number {
    return keyBytes + valueBytes + STORAGE_RECORD_OVERHEAD_BYTES;
  }

  readonly path: string;
  #index: Map<string, Slot> | undefined;
  /**
   * The index's keys in order, for `list`: built at the first `list` after the index was (re)built,
   * O(n log n) once, then kept by `set` and `delete` (O(log n) each), so a `list` walks only the keys
   * it answers. `#sortedOf` is the index it belongs to: a rebuilt index drops it.
   */
  #sorted: SortedChunks<string> | undefined;
  #sortedOf: Map<string, Slot> | undefined;
  /** Keys `list` looked at since this store was made (binary-search steps and keys walked): tests check a call's cost. */
  listSteps = 0;
  #generation = 0;
  #charged = 0;
  #liveBytes = 0;
  /** Size and inode of the log as this store last left it. */
  #size = 0;
  #ino = 0;
  /** Told about repairs (torn tail cut, migration); default stderr. */
  readonly onWarning: (message: string) => void;

  constructor(
    readonly dir: string,
    opts: { onWarning?: (message: string) => void } = {},
  ) {
    this.path = join(dir, STORE_LOG_NAME);
    this.onWarning = opts.onWarning ?? ((m) => process.stderr.write(`peeros storage: ${m}\n`));
  }

  /** Bytes charged against the quota: Σ key + value + overhead. */
  get usedBytes(): number {
    this.#load();
    return this.#charged;
  }

  /** What `key` is charged now, 0 when absent. */
  sizeOf(key: string): number {
    return this.#load().get(key)?.charged ?? 0;
  }

  /** Size of the log file (for tests and diagnostics). */
  get fileBytes(): number {
    this.#load();
    return this.#size;
  }

  get(key: string): Uint8Array | undefined {
    const slot = this.#load().get(key);
    if (!slot) return undefined;
    const out = Buffer.allocUnsafe(slot.valueBytes);
    const fd = openSync(this.path, 'r');
    try {
      readFully(fd, out, slot.valueOffset);
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** At most `len` bytes of `key`'s value from `offset` (the fs drive's range read); undefined when absent. */
  getRange(key: string, offset: number, len: number): Uint8Array | undefined {
    const slot = this.#load().get(key);
    if (!slot) return undefined;
    const start = Math.min(offset, slot.valueBytes);
    const out = Buffer.allocUnsafe(Math.min(len, slot.valueBytes - start));
    if (out.length === 0) return out;
    const fd = openSync(this.path, 'r');
    try {
      readFully(fd, out, slot.valueOffset + start);
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** Size of `key`'s value, undefined when absent. */
  valueBytes(key: string): number | undefined {
    return this.#load().get(key)?.valueBytes;
  }

  /**
   * Counts the times the index was rebuilt from the log (another process wrote it, or a compaction
   * moved offsets): a cache derived from the keys (the fs drive's folders) is stale when it changes.
   */
  get generation(): number {
    this.#load();
    return this.#generation;
  }

  /** Every key, unsorted (the fs drive builds its folder index from them). */
  keys(): IterableIterator<string> {
    return this.#load().keys();
  }

  set(key: string, value: Uint8Array): void {
    const index = this.#load();
    const k = Buffer.from(key, 'utf8');
    const frame = encodeRecord(OP_PUT, k, value);
    const offset = this.#append(frame);
    const old = index.get(key);
    const slot: Slot = {
      offset,
      frameBytes: frame.length,
      valueOffset: offset + frame.length - value.length,
      valueBytes: value.length,
      charged: AppStore.charge(k.length, value.length),
    };
    index.set(key, slot);
    if (!old) this.#sortedKeys(index, false)?.insert(key);
    this.#charged += slot.charged - (old?.charged ?? 0);
    this.#liveBytes += slot.frameBytes - (old?.frameBytes ?? 0);
    this.#maybeCompact();
  }

  /** Removes `key`; false when there was none. */
  delete(key: string): boolean {
    const index = this.#load();
    const old = index.get(key);
    if (!old) return false;
    this.#append(encodeRecord(OP_DELETE, Buffer.from(key, 'utf8'), null));
    index.delete(key);
    this.#sortedKeys(index, false)?.delete(key);
    this.#charged -= old.charged;
    this.#liveBytes -= old.frameBytes;
    this.#maybeCompact();
    return true;
  }

  /**
   * Keys starting with `prefix`, sorted by UTF-16 code units, at most `limit`: they are consecutive
   * in that order from the first key not below `prefix`, so this costs O(log n + limit).
   */
  list(prefix: string, limit: number): string[] {
    const keys: string[] = [];
    if (limit <= 0) return keys;
    const below = (k: string): boolean => {
      this.listSteps++;
      return k < prefix;
    };
    for (const k of this.#sortedKeys(this.#load(), true)!.walk(below)) {
      this.listSteps++;
      if (!k.startsWith(prefix)) break;
      keys.push(k);
      if (keys.length >= limit) break;
    }
    return keys;
  }

  /** The sorted keys of `index`; built now when `build`, else undefined until a `list` builds them. */
  #sortedKeys(index: Map<string, Slot>, build: boolean): SortedChunks<string> | undefined {
    if (this.#sortedOf === index) return this.#sorted;
    if (!build) return undefined;
    const sorted = new SortedChunks<string>((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of [...index.keys()].sort()) sorted.insert(k);
    this.#sorted = sorted;
    this.#sortedOf = index;
    return sorted;
  }

  /** Rewrites the log with only the live records now (normally automatic). */
  compact(): void {
    const index = this.#load();
    const tmp = join(this.dir, `.${STORE_LOG_NAME}.compact.tmp`);
    const src = openSync(this.path, 'r');
    let dst: number | undefined;
    try {
      dst = openSync(tmp, 'w', 0o600);
      writeFully(dst, STORE_MAGIC);
      let at = STORE_MAGIC.length;
      for (const slot of index.values()) {
        const frame = Buffer.allocUnsafe(slot.frameBytes);
        readFully(src, frame, slot.offset);
        writeFully(dst, frame);
        const shift = at - slot.offset;
        slot.offset += shift;
        slot.valueOffset += shift;
        at += slot.frameBytes;
      }
      fsyncSync(dst);
      closeSync(dst);
      dst = undefined;
      renameSync(tmp, this.path);
      syncDir(this.dir);
    } catch (err) {
      if (dst !== undefined) closeSync(dst);
      try {
        unlinkSync(tmp);
      } catch {
        /* not created */
      }
      this.#index = undefined; // offsets may have moved: rebuild from the log on the next call
      throw err;
    } finally {
      closeSync(src);
    }
    this.#remember();
  }

  #maybeCompact(): void {
    const dead = this.#size - STORE_MAGIC.length - this.#liveBytes;
    if (dead > this.#liveBytes + STORAGE_COMPACT_SLACK_BYTES) this.compact();
  }

  /** Appends one frame and fdatasyncs it; returns its offset. A failed write is cut off again. */
  #append(frame: Buffer): number {
    const offset = this.#size;
    const fd = openSync(this.path, 'r+');
    try {
      try {
        let off = 0;
        while (off < frame.length) off += writeSync(fd, frame, off, frame.length - off, offset + off);
        fdatasyncSync(fd);
      } catch (err) {
        // a half-written frame would hide every later record: cut it off (best effort; the next
        // open cuts a torn tail anyway)
        try {
          ftruncateSync(fd, offset);
          fdatasyncSync(fd);
        } catch {
          /* reported by the original error */
        }
        this.#index = undefined;
        throw err;
      }
      this.#size = offset + frame.length;
      this.#ino = fstatSync(fd).ino;
    } finally {
      closeSync(fd);
    }
    return offset;
  }

  /** The index of a log's bytes, built as its records are read (only the live ones are kept). */
  static #indexOf(data: Buffer): { index: Map<string, Slot>; charged: number; live: number; scan: StoreLogScan } {
    const index = new Map<string, Slot>();
    let charged = 0;
    let live = 0;
    const scan = scanStoreLog(data, MAX_STORAGE_KEY_BYTES, (r) => {
      const old = index.get(r.key);
      if (old) {
        charged -= old.charged;
        live -= old.frameBytes;
        index.delete(r.key);
      }
      if (r.op === OP_PUT) {
        const slot: Slot = {
          offset: r.offset,
          frameBytes: r.frameBytes,
          valueOffset: r.valueOffset,
          valueBytes: r.valueBytes,
          charged: AppStore.charge(utf8Bytes(r.key), r.valueBytes),
        };
        index.set(r.key, slot);
        charged += slot.charged;
        live += slot.frameBytes;
      }
    });
    return { index, charged, live, scan };
  }

  #remember(): void {
    const st = statSync(this.path);
    this.#size = st.size;
    this.#ino = st.ino;
  }

  /** The index, rebuilt from the log when first used or when the log changed under us. */
  #load(): Map<string, Slot> {
    if (this.#index) {
      const st = statSync(this.path, { throwIfNoEntry: false });
      if (st && st.ino === this.#ino && st.size === this.#size) return this.#index;
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.#removeTemps();
    if (!existsSync(this.path)) this.#create();
    let data = readFileSync(this.path);
    let built = AppStore.#indexOf(data);
    let scan = built.scan;
    if (scan.goodLength === 0) {
      // not a store log at all (never written by us: creation is atomic): keep it aside, start empty
      const aside = `${this.path}.damaged-${stamp()}`;
      renameSync(this.path, aside);
      this.onWarning(`${this.path}: ${scan.reason}; moved to ${aside}, the store starts empty`);
      this.#create();
      data = readFileSync(this.path);
      built = AppStore.#indexOf(data);
      scan = built.scan;
    } else if (scan.goodLength < data.length) {
      const fd = openSync(this.path, 'r+');
      try {
        ftruncateSync(fd, scan.goodLength);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.onWarning(
        `${this.path}: cut ${data.length - scan.goodLength} bytes after the last whole record ` +
          `(${scan.reason}; a write interrupted by a crash, never acknowledged); ${scan.count} records kept`,
      );
    }
    const { index, charged, live } = built;
    this.#index = index;
    this.#generation++;
    this.#charged = charged;
    this.#liveBytes = live;
    this.#remember();
    return index;
  }

  /** A new log, holding the old per-key files' entries when there are any, then removes those files. */
  #create(): void {
    const legacy = readLegacyEntries(this.dir);
    const frames = legacy.map((e) => encodeRecord(OP_PUT, Buffer.from(e.key, 'utf8'), e.value));
    writeFileAtomicSync(this.path, Buffer.concat([STORE_MAGIC, ...frames]));
    if (legacy.length === 0) return;
    for (const e of legacy) unlinkSync(join(this.dir, e.file));
    syncDir(this.dir);
    this.onWarning(`${this.dir}: migrated ${legacy.length} key(s) from one file per key to ${STORE_LOG_NAME}`);
  }

  /** Temp files of an interrupted compaction or creation, and per-key files already migrated. */
  #removeTemps(): void {
    const hasLog = existsSync(this.path);
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith(`.${STORE_LOG_NAME}.`) && f.endsWith('.tmp')) unlinkSync(join(this.dir, f));
    }
    // the log is renamed into place before the old files are removed: leftovers are copies
    if (hasLog) for (const e of readLegacyEntries(this.dir)) unlinkSync(join(this.dir, e.file));
  }
}

function readFully(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) throw new Error('the store log ended before a record it indexed (changed by another process?)');
    off += n;
  }
}

function writeFully(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
