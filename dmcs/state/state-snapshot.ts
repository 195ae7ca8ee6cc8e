/**
 * State snapshots: the chain state after block N in the binary format of snapshot-format.ts, so a
 * restart loads it and replays only the blocks after N. A snapshot is only a cache of what the log
 * implies: it is used only when the log's block N has the recorded id and the loaded state hashes
 * to the recorded state digest; otherwise the whole log is replayed.
 *
 * Taking one never stops block production: `StateSnapshot` opens a copy-on-write capture of the
 * state at N (snapshot-capture.ts) and `chunks()` walks it in slices of about `SNAPSHOT_CHUNK_BYTES`,
 * the consumer awaiting each write to disk, so blocks after N are produced between two slices.
 * Besides the records it carries each account's resource limits (beside the account, saved with it
 * by the capture), the producer schedules and Leap's block header state at N (both small, taken
 * when the snapshot starts).
 */
import { BinaryReader, BinaryWriter, bytesToHex, concatBytes, isCanonicalName, publicKeyOfId } from '../../abi/antelope/index.js';
import { terminalQuoted } from '../../lib/terminal-text.js';
import type { ChainState, AccountRecord } from './chain-state.js';
import type { StateCapture, Table } from './table-store.js';
import type { DbRow } from '../vm/contract-host.js';
import { decodeAccount, encodeAccount } from './account-codec.js';
import { decodeIndexEntries, decodeIndexHeader, encodeIndex } from './index-codec.js';
import type { AccountResourceLimits } from './resource-limits.js';
import { MAX_PRODUCERS, type ProducerAuthority, type Schedule } from './producer-schedule.js';
import type { BlockHeaderStateJSON } from '../block/block-header-state.js';
import { RecentCapture, type RecentId } from './recent-transactions.js';
import type { StoreView } from './ordered-store.js';
import {
  Section,
  SNAPSHOT_MAGIC,
  SNAPSHOT_VERSION,
  SnapshotFormatError,
  decodeHead,
  decodeLimits,
  encodeHead,
  encodeLimits,
  fileChecksum,
  splitSections,
  type SnapshotSection,
  writeSection,
  type SnapshotHead,
} from './snapshot-format.js';

export { SNAPSHOT_VERSION } from './snapshot-format.js';

/** How many recent block ids a snapshot keeps for TaPoS (older references fail after a restart). */
export const SNAPSHOT_SUMMARIES = 1024;

/** Bytes gathered before a slice is handed to the writer (and the event loop gets a turn). */
export const SNAPSHOT_CHUNK_BYTES = 256 * 1024;
/**
 * Most transaction ids per RECENT section (fewer when a slice is smaller): written in slices, like
 * the records. A batch is encoded whole before the slice's clock is looked at, so this bounds a
 * slice: 512 ids take well under a millisecond, where 4,096 once made the blocks they ran between
 * the slowest of a run (issue 19's stall).
 */
export const SNAPSHOT_RECENT_BATCH = 512;
/** Bytes one id takes in a RECENT section (id and expiration). */
const RECENT_ID_BYTES = 36;
/** A slice also ends after this long, so a block waits at most about this for the writer. */
export const SNAPSHOT_SLICE_MS = 4;
/**
 * The slice's clock is read every 32 objects or once this many bytes were written since the last
 * read, whichever comes first: an object of many ids or rows (a batch of 512 ids is 18 KiB) is
 * checked after it. Counted in objects alone, 32 batches of ids (16,384) ran between two reads,
 * and a slice of 4 ms took 7-15 ms of a block (issue 19's stall).
 */
const SLICE_CHECK_BYTES = 8 * 1024;

/** What a snapshot records besides the state: taken synchronously at block N (all small). */
export interface SnapshotMeta extends SnapshotHead {
  /**
   * Known transaction ids (hex) and their expirations (duplicate checks): a copy-on-write view of
   * them at N (recent-transactions.ts), walked while the file is written, or a list; with a state
   * store, the store's, read through the capture's view, those expiring after the block's second
   * (stored-recent.ts).
   */
  recent: RecentCapture | ReadonlyArray<readonly [string, number]> | StoredRecentAt;
  /** [block number, id, slot] of the last `SNAPSHOT_SUMMARIES` blocks (TaPoS). */
  summaries: Array<[number, Uint8Array, number]>;
  /** Leap's block header state after block N; a snapshot without it is not used by a chain. */
  blockHeaderState?: BlockHeaderStateJSON;
}

/** An id as the state store keeps it: its 32 bytes and its expiration second. */
export interface StoredId {
  readonly id: Uint8Array;
  readonly exp: number;
}

/**
 * The ids of a snapshot with a state store: in the store, expiring after `nowSec` (block N's
 * second), read through the capture's view (stored-recent.ts `StoredRecent`).
 */
export interface StoredRecentAt {
  readonly stored: {
    snapshotIds(view: StoreView, nowSec: number, batch: number): Iterable<readonly StoredId[]>;
  };
  readonly nowSec: number;
}

/** The producer schedules as a snapshot stores them (`pending` is recomputed from the header state). */
export interface SnapshotProducers {
  active: Schedule;
  proposed: (Schedule & { blockNum: number }) | null;
}

export class StateSnapshot {
  private started = false;
  /** The schedules at N (replaced, never changed in place: keeping the objects is enough). */
  private readonly producers: SnapshotProducers;

  constructor(
    readonly meta: SnapshotMeta,
    private readonly state: ChainState,
    private readonly capture: StateCapture,
  ) {
    this.producers = { active: state.producers.active, proposed: state.producers.proposed };
  }

  get blockNum(): number {
    return this.meta.blockNum;
  }

  /** Gives up without writing (the capture's preimages are dropped). */
  abandon(): void {
    this.state.endCapture(this.capture);
    this.closeRecent();
  }

  private closeRecent(): void {
    const r = this.meta.recent;
    if (r instanceof RecentCapture) r.close();
  }

  /**
   * The RECENT sections' payloads at N (at least one, maybe of no id: a RECENT section is always
   * written); `view` is the capture's store view, with a state store.
   */
  private *recentSections(w: BinaryWriter, chunkBytes: number, view: StoreView | null): Generator<Uint8Array> {
    const r = this.meta.recent;
    const batch = Math.max(1, Math.min(SNAPSHOT_RECENT_BATCH, Math.floor(chunkBytes / RECENT_ID_BYTES)));
    let any = false;
    if (Array.isArray(r)) {
      any = true;
      yield encodeRecent(
        w,
        (r as ReadonlyArray<readonly [string, number]>).map(([id, exp]) => ({ id, exp })),
      );
    } else if (r instanceof RecentCapture) {
      for (const b of r.batches(batch)) {
        any = true;
        yield encodeRecent(w, b);
      }
    } else {
      if (view === null) throw new Error('snapshot: the store view of its ids is missing');
      const { stored, nowSec } = r as StoredRecentAt;
      for (const keys of stored.snapshotIds(view, nowSec, batch)) {
        any = true;
        yield encodeStoredIds(w, keys);
      }
    }
    if (!any) yield encodeRecent(w, []);
  }

  /**
   * The file's bytes in slices; the capture closes when the walk ends (or the consumer stops).
   * Between two slices the live state may change: the capture keeps what the walk still needs.
   */
  async *chunks(chunkBytes = SNAPSHOT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error('a snapshot is written once');
    this.started = true;
    const c = this.capture;
    const hash = fileChecksum();
    const out = new BinaryWriter(chunkBytes + 4096);
    let sliceStart = performance.now();
    let objects = 0;
    /** `out.pos` when the clock was last read. */
    let checkedAt = 0;
    const flush = (): Uint8Array => {
      const bytes = out.finish(); // a copy: the writer is reused for the next slice
      hash.update(bytes);
      out.reset();
      checkedAt = 0;
      return bytes;
    };
    /** Whether the slice is full: by size, or by time (read every 32 objects or `SLICE_CHECK_BYTES`). */
    const sliceDone = (): boolean => {
      if (out.pos >= chunkBytes) return true;
      if (++objects % 32 !== 0 && out.pos - checkedAt < SLICE_CHECK_BYTES) return false;
      checkedAt = out.pos;
      if (performance.now() - sliceStart < SNAPSHOT_SLICE_MS) return false;
      return out.pos > 0;
    };
    const nextSlice = (): Uint8Array => {
      const bytes = flush();
      sliceStart = performance.now();
      return bytes;
    };
    try {
      out.raw(SNAPSHOT_MAGIC);
      out.u32(SNAPSHOT_VERSION);
      writeSection(out, Section.head, encodeHead(this.meta));
      const w = new BinaryWriter(4096);
      // with a store, the accounts, tables and indexes at N are the store's, read through the view
      // of the commit made when the capture began (taken as it landed), each account followed by
      // the tables of its scope, then the indexes (the reader takes sections in any order);
      // without one, the live accounts, tables and indexes and the capture's preimages
      const view = this.state.captureView ? await this.state.captureView : null;
      for (const r of view ? this.state.stored(view) : []) {
        if (r.table) writeSection(out, Section.table, r.table);
        else if (r.index) writeSection(out, Section.index, r.index);
        else {
          writeSection(out, Section.account, r.account.record);
          if (r.account.limits) writeSection(out, Section.limits, encodeLimits(w, r.account.name, r.account.limits));
        }
        if (sliceDone()) yield nextSlice();
      }
      for (const a of this.state.accounts.persistent ? [] : this.state.accounts.values()) {
        if (c.handled(a)) continue;
        c.stamp(a);
        writeSection(out, Section.account, encodeAccount(a));
        const limits = this.state.resourceLimits.find(a.name);
        if (limits) writeSection(out, Section.limits, encodeLimits(w, a.name, limits));
        if (sliceDone()) yield nextSlice();
      }
      for (const [name, saved] of c.accounts) {
        writeSection(out, Section.account, saved.record);
        if (saved.limits) writeSection(out, Section.limits, encodeLimits(w, name, saved.limits));
      }
      for (const t of this.state.tables.persistent ? [] : this.state.tables.allTables()) {
        if (c.handled(t)) continue;
        c.stamp(t);
        writeSection(out, Section.table, encodeTable(w, t, t.rowList()));
        if (sliceDone()) yield nextSlice();
      }
      for (const [t, rows] of c.tables) writeSection(out, Section.table, encodeTable(w, t, rows));
      for (const ix of this.state.tables.persistent ? [] : this.state.tables.indexes.values()) {
        if (c.handled(ix)) continue;
        c.stamp(ix);
        writeSection(out, Section.index, encodeIndex(w, ix, ix.entries(), ix.size));
        if (sliceDone()) yield nextSlice();
      }
      for (const [ix, entries] of c.indexes) writeSection(out, Section.index, encodeIndex(w, ix, entries, entries.length));
      for (const payload of this.recentSections(w, chunkBytes, view)) {
        writeSection(out, Section.recent, payload);
        if (sliceDone()) yield nextSlice();
      }
      writeSection(out, Section.summaries, encodeSummaries(w, this.meta.summaries));
      writeSection(out, Section.producers, jsonBytes(this.producers));
      if (this.meta.blockHeaderState) writeSection(out, Section.headerState, jsonBytes(this.meta.blockHeaderState));
      const last = flush();
      const end = new BinaryWriter(64);
      writeSection(end, Section.end, hash.digest());
      yield concatBytes(last, end.finish());
    } finally {
      this.state.endCapture(c);
      this.closeRecent();
    }
  }

  /** The whole file in memory (tests, small states). */
  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const p of this.chunks()) parts.push(p);
    return concatBytes(...parts);
  }
}

function jsonBytes(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v));
}

function parseJson(payload: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    throw new SnapshotFormatError(`${what} section is not JSON (${(e as Error).message})`);
  }
}

const isUint = (v: unknown, bits: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** bits;

/** Whether `v` is a key id the schedule can sign with (publicKeyOfId reads it back). */
function isKeyId(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    publicKeyOfId(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `v` is a producer of a schedule as the state keeps it: a name and a block signing authority
 * (a u32 threshold, keys as key ids with u16 weights). The digest and block production read every
 * field, so a section of the right outline with a producer short of one failed there (a TypeError
 * out of the restart) rather than as a refused snapshot.
 */
function isProducer(v: unknown): v is ProducerAuthority {
  const p = v as ProducerAuthority | null;
  const a = p?.authority as Partial<ProducerAuthority['authority']> | undefined;
  return (
    typeof p === 'object' &&
    p !== null &&
    isCanonicalName(p.producerName) &&
    typeof a === 'object' &&
    a !== null &&
    isUint(a.threshold, 32) &&
    Array.isArray(a.keys) &&
    a.keys.every((k) => typeof k === 'object' && k !== null && isKeyId(k.key) && isUint(k.weight, 16)) &&
    Array.isArray(a.accounts) &&
    Array.isArray(a.waits)
  );
}

function isSchedule(v: unknown): v is Schedule {
  const s = v as Schedule | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    isUint(s.version, 32) &&
    Array.isArray(s.producers) &&
    s.producers.length <= MAX_PRODUCERS &&
    s.producers.every(isProducer)
  );
}

export function decodeProducers(payload: Uint8Array): SnapshotProducers {
  const p = parseJson(payload, 'producers') as Partial<SnapshotProducers> | null;
  const proposed = p?.proposed;
  if (!isSchedule(p?.active) || (proposed !== null && !(isSchedule(proposed) && Number.isInteger(proposed.blockNum))))
    throw new SnapshotFormatError('producers section: not a schedule');
  return { active: p.active, proposed };
}

function encodeTable(w: BinaryWriter, t: Table, rows: DbRow[]): Uint8Array {
  w.reset();
  w.u64(t.code);
  w.u64(t.scope);
  w.u64(t.table);
  w.u64(t.payer);
  w.varuint32(rows.length);
  for (const r of rows) {
    w.u64(r.primary);
    w.u64(r.payer);
    w.bytes(r.value);
  }
  return w.peek();
}

/** One id's bytes, reused: each id is copied into the section at once. */
const idBytes = Buffer.alloc(32);

function encodeRecent(w: BinaryWriter, recent: readonly RecentId[]): Uint8Array {
  w.reset();
  w.varuint32(recent.length);
  for (const { id, exp } of recent) {
    // the node's own ids (hex of a digest): decoded in place, without the strict parser's pattern
    // and a buffer per id, yet still refused unless 64 hex digits
    if (id.length !== 64 || idBytes.write(id, 0, 32, 'hex') !== 32)
      throw new Error(`snapshot: not a transaction id: ${terminalQuoted(id, 80)}`);
    w.raw(idBytes);
    w.u32(exp);
  }
  return w.peek();
}

/** A RECENT payload from ids read out of the state store. */
function encodeStoredIds(w: BinaryWriter, ids: readonly StoredId[]): Uint8Array {
  w.reset();
  w.varuint32(ids.length);
  for (const { id, exp } of ids) {
    w.raw(id);
    w.u32(exp);
  }
  return w.peek();
}

function encodeSummaries(w: BinaryWriter, summaries: Array<[number, Uint8Array, number]>): Uint8Array {
  w.reset();
  w.varuint32(summaries.length);
  for (const [num, id, slot] of summaries) {
    w.u32(num);
    w.raw(id);
    w.u32(slot);
  }
  return w.peek();
}

/** A snapshot file's head, checked for format and checksum, with what `loadSnapshot` needs. */
export interface SnapshotFile {
  head: SnapshotHead;
  recent: Array<[string, number]>;
  summaries: Array<[number, Uint8Array, number]>;
  /** Leap's block header state at N, as JSON (checked by the chain), or null when the file has none. */
  blockHeaderState: BlockHeaderStateJSON | null;
  /** Loads the state sections into `st` (genesis-only, outside any undo checkpoint). */
  loadInto(st: ChainState): void;
}

/** Parses a snapshot file; throws `SnapshotFormatError` when it is not a sound file of a version this node reads. */
export function parseSnapshot(bytes: Uint8Array): SnapshotFile {
  const { version, head: headSection, sections } = splitSections(bytes);
  const recent: Array<[string, number]> = [];
  const summaries: Array<[number, Uint8Array, number]> = [];
  let blockHeaderState: BlockHeaderStateJSON | null = null;
  const head = asFormatError(() => {
    const h = decodeHead(new BinaryReader(headSection.payload));
    for (const s of sections) {
      const r = new BinaryReader(s.payload);
      if (s.tag === Section.recent) for (let i = r.varuint32(); i > 0; i--) recent.push([bytesToHex(r.raw(32)), r.u32()]);
      if (s.tag === Section.summaries) for (let i = r.varuint32(); i > 0; i--) summaries.push([r.u32(), r.raw(32).slice(), r.u32()]);
      if (s.tag === Section.headerState) blockHeaderState = parseJson(s.payload, 'block header state') as BlockHeaderStateJSON;
    }
    return h;
  });
  const loadInto = (st: ChainState): void => asFormatError(() => loadSections(st, head, version, sections));
  return { head, recent, summaries, blockHeaderState, loadInto };
}

/** `f()`, with what a section's decoder throws on bytes that do not decode (a read past its end, a bad varint) refused as `SnapshotFormatError`. */
function asFormatError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof SnapshotFormatError ? e : new SnapshotFormatError(`malformed section (${(e as Error).message})`);
  }
}

function loadSections(st: ChainState, head: SnapshotHead, version: number, sections: Iterable<SnapshotSection>): void {
  const rams: Array<[AccountRecord, number]> = [];
  const limits: Array<[string, AccountResourceLimits]> = [];
  let producers: SnapshotProducers | null = null;
  for (const s of sections) {
    const r = new BinaryReader(s.payload);
    if (s.tag === Section.account) {
      const a = decodeAccount(r, version);
      const owner = a.permissions.find((p) => p.name === 'owner');
      const active = a.permissions.find((p) => p.name === 'active');
      if (!owner || !active) throw new SnapshotFormatError(`account ${a.name} lacks owner or active`);
      const acct = st.getAccount(a.name) ?? st.createAccount(a.name, owner.auth, active.auth, a.creation, a.privileged);
      acct.privileged = a.privileged;
      acct.code = a.code;
      acct.codeHash = a.codeHash;
      acct.codeHashHex = a.code === null ? '' : bytesToHex(a.codeHash);
      acct.lastCodeUpdate = a.lastCodeUpdate;
      acct.codeSequence = a.codeSequence;
      acct.abi = a.abi;
      acct.abiSequence = a.abiSequence;
      acct.recvSequence = a.recvSequence;
      acct.authSequence = a.authSequence;
      acct.auth = null;
      acct.permissions.clear();
      for (const p of a.permissions) acct.permissions.set(p.name, p);
      acct.links.clear();
      for (const [k, v] of a.links) acct.links.set(k, v);
      rams.push([acct, a.ramUsage]);
    } else if (s.tag === Section.table) {
      const code = r.u64();
      const scope = r.u64();
      const table = r.u64();
      const t = st.tables.createTable(code, scope, table, r.u64());
      for (let i = r.varuint32(); i > 0; i--) {
        const primary = r.u64();
        const payer = r.u64();
        t.store(payer, primary, r.bytes());
      }
    } else if (s.tag === Section.index) {
      const h = decodeIndexHeader(r);
      const ix = st.tables.createIndex(h.kind, h.code, h.scope, h.table, h.payer);
      for (const e of decodeIndexEntries(h.kind, r)) ix.store(e.payer, e.primary, e.secondary);
    } else if (s.tag === Section.limits) {
      limits.push(decodeLimits(r));
    } else if (s.tag === Section.producers) {
      producers = decodeProducers(s.payload);
    }
  }
  for (const [name, l] of limits) {
    if (!st.getAccount(name)) throw new SnapshotFormatError(`limits of unknown account ${name}`);
    st.resourceLimits.set(name, l);
  }
  if (producers) {
    st.producers.active = producers.active;
    st.producers.proposed = producers.proposed;
  }
  // RAM was charged again while rebuilding; the snapshot holds the true figures
  for (const [acct, ram] of rams) {
    acct.ramUsage = ram;
    st.touch(acct.name); // fields were set directly: rehash at the next digest
  }
  st.globalSequence = head.globalSequence;
}

/** The state digest a snapshot promises, as hex. */
export function snapshotDigestHex(f: SnapshotFile): string {
  return bytesToHex(f.head.stateDigest);
}
