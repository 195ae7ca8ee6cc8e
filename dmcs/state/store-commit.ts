/**
 * What the state store holds besides the records (accounts, tables, indexes: store-keys.ts): the commit record and
 * the unexpired transaction ids, written in the same LMDB transaction as the records they go with
 * (chain-state.ts `atSafePoint`), so a reopened store is the state after one block, whole.
 *
 *   'M'          the commit record: u32 format ‖ chain id ‖ u32 block number ‖ block id ‖ state
 *                digest ‖ the digest's record sum ‖ u64 record count ‖ u64 global action sequence ‖
 *                bytes producer schedules (JSON, as a snapshot's PRODUCERS) ‖ bytes Leap's block
 *                header state (JSON) ‖ varuint32 n ‖ n × (u32 block number ‖ block id ‖ u32 slot),
 *                the last `SNAPSHOT_SUMMARIES` blocks (TaPoS) ‖ u8 has block ‖ [bytes the head
 *                block, when the commit ran before its append to the log completed] ‖ sha256 of
 *                every byte before it
 *   'x' ‖ u32 expiration (seconds, big-endian) ‖ id    (empty value) one key per unexpired
 *                transaction id (the duplicate check), in expiry order: ids expire oldest first, so
 *                their removals touch the same few pages of the store instead of one random page
 *                each, and ids with a common lifetime are added near the end
 *
 * A restart opens the store at this block when the log holds it (chain.ts `openStore`) and replays
 * only the blocks after it.
 */
import { createHash } from 'node:crypto';
import { BinaryReader, BinaryWriter } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import type { BlockHeaderStateJSON } from '../block/block-header-state.js';
import { decodeProducers, type SnapshotProducers } from './state-snapshot.js';

/**
 * The layout version of the commit record and the records beside it; another version is not used
 * (the state is rebuilt). 2: an account's value carries its permissions and links in the digest's
 * form (account-store.ts). 3: transaction ids keyed by expiration first. 4: accounts and tables
 * keyed by account (or scope) first, each account's tables right after it (store-keys.ts). 5: an
 * account's permissions and links held once, in one form for the record and the digest (account-auth.ts).
 * 6: big tables and indexes with their rows and entries under keys of their own (table-store.ts
 * `ROWS_APART_MIN`), which an older node would read as empty. 7: such a table's stored header
 * counts its rows, so a miss reads the header and not the rows (stored-records.ts). 8: such an
 * index's entries also in its order (`'E'` keys, store-keys.ts) and its header counting them, so a
 * miss reads the header and a query reads the entries it needs.
 */
export const STORE_FORMAT = 8;

/**
 * A commit of the state to the store is due every this many blocks (and at a clean stop), so a
 * restart replays about this many blocks at most (more while a due commit is owed: one still in
 * flight, or the log lagging, chain-state.ts `STATE_COMMITS_IN_FLIGHT`). Commits also run while a snapshot is being written (its
 * writer reads the store through a view of its block, ordered-store.ts `view`), and sooner when many
 * records changed (chain-state.ts `STATE_COMMIT_MAX_CHANGES`).
 */
export const STATE_COMMIT_BLOCKS = 100;

export const COMMIT_KEY = new Uint8Array([0x4d]);
const RECENT_TAG = 0x78;
export const RECENT_KEY_FIRST = new Uint8Array([RECENT_TAG]);
export const RECENT_KEY_END = new Uint8Array([RECENT_TAG + 1]);

/** Why a store's commit record was not used (the state is then rebuilt from a snapshot or the log). */
export class StoreFormatError extends CodedError<'STATE_STORE_FORMAT'> {
  override readonly name = 'StoreFormatError';
  constructor(message: string) {
    super('STATE_STORE_FORMAT', `state store: ${message}`);
  }
}

export interface StoreCommit {
  chainId: Uint8Array;
  blockNum: number;
  blockId: Uint8Array;
  stateDigest: Uint8Array;
  /** The state digest's record sum and count (state-digest.ts `HashAccumulator`). */
  recordSum: Uint8Array;
  recordCount: number;
  globalSequence: number;
  producers: SnapshotProducers;
  blockHeaderState: BlockHeaderStateJSON;
  /** [block number, id, slot] of the last blocks (TaPoS). */
  summaries: Array<[number, Uint8Array, number]>;
  /**
   * The head block (serialized) when the commit ran before the block log had it: a crash before
   * the append completes leaves the log one block short, and the restart appends it from here.
   */
  headBlock: Uint8Array | null;
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

export function encodeCommit(c: StoreCommit): Uint8Array {
  const w = new BinaryWriter(4096 + 40 * c.summaries.length);
  w.u32(STORE_FORMAT);
  w.raw(c.chainId);
  w.u32(c.blockNum);
  w.raw(c.blockId);
  w.raw(c.stateDigest);
  w.raw(c.recordSum);
  w.u64(BigInt(c.recordCount));
  w.u64(BigInt(c.globalSequence));
  w.bytes(json(c.producers));
  w.bytes(json(c.blockHeaderState));
  w.varuint32(c.summaries.length);
  for (const [num, id, slot] of c.summaries) {
    w.u32(num);
    w.raw(id);
    w.u32(slot);
  }
  w.bool(c.headBlock !== null);
  if (c.headBlock) w.bytes(c.headBlock);
  w.raw(createHash('sha256').update(w.peek()).digest());
  return w.finish();
}

/** The commit record; `StoreFormatError` when it is damaged or of another format. */
export function decodeCommit(bytes: Uint8Array): StoreCommit {
  if (bytes.length < 36) throw new StoreFormatError('commit record truncated');
  const body = bytes.subarray(0, bytes.length - 32);
  const sum = createHash('sha256').update(body).digest();
  if (!sum.equals(bytes.subarray(bytes.length - 32))) throw new StoreFormatError('commit record damaged (checksum mismatch)');
  const r = new BinaryReader(body);
  try {
    const format = r.u32();
    if (format !== STORE_FORMAT) throw new StoreFormatError(`commit record format ${format}, this node reads ${STORE_FORMAT}`);
    const c: StoreCommit = {
      chainId: r.raw(32).slice(),
      blockNum: r.u32(),
      blockId: r.raw(32).slice(),
      stateDigest: r.raw(32).slice(),
      recordSum: r.raw(32).slice(),
      recordCount: Number(r.u64()),
      globalSequence: Number(r.u64()),
      producers: decodeProducers(r.bytes()),
      blockHeaderState: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.bytes())) as BlockHeaderStateJSON,
      summaries: [],
      headBlock: null,
    };
    for (let i = r.varuint32(); i > 0; i--) c.summaries.push([r.u32(), r.raw(32).slice(), r.u32()]);
    if (r.bool()) c.headBlock = r.bytes().slice();
    if (r.remaining !== 0) throw new StoreFormatError('bytes after the commit record');
    return c;
  } catch (e) {
    if (e instanceof StoreFormatError) throw e;
    throw new StoreFormatError(`commit record malformed (${(e as Error).message})`);
  }
}

const RECENT_KEY_BYTES = 1 + 4 + 32;
/** An id's key has no value: the key says all. */
export const RECENT_VALUE = new Uint8Array(0);

/** One id's bytes, reused: `recentKey` decodes into it and copies them on at once. */
const idScratch = Buffer.alloc(32);

/**
 * 'x' ‖ u32 expiration ‖ the 32-byte transaction id. The id (the node's own hex of a digest) is
 * decoded in place, not through the strict parser: a pushed transaction's duplicate check builds
 * one key (1.1 µs with the parser's pattern and array); still refused unless 64 hex digits.
 */
export function recentKey(idHex: string, exp: number): Uint8Array {
  if (idHex.length !== 64 || idScratch.write(idHex, 0, 32, 'hex') !== 32) throw new StoreFormatError('not a transaction id');
  const k = recentPrefix(RECENT_KEY_BYTES, exp);
  k.set(idScratch, 5);
  return k;
}

/** `bytes` bytes starting 'x' ‖ u32 `exp` (big-endian: keys sort by expiration). */
function recentPrefix(bytes: number, exp: number): Uint8Array {
  const k = new Uint8Array(bytes);
  k[0] = RECENT_TAG;
  k[1] = exp >>> 24;
  k[2] = (exp >>> 16) & 0xff;
  k[3] = (exp >>> 8) & 0xff;
  k[4] = exp & 0xff;
  return k;
}

/** The first key of expiration second `sec`: the ids of earlier seconds sort before it. */
export function recentSecondKey(sec: number): Uint8Array {
  return recentPrefix(5, sec);
}

/** An id's key back as its 32 bytes (a view of the key) and its expiration second; `StoreFormatError` when malformed. */
export function recentKeyParts(key: Uint8Array): { id: Uint8Array; exp: number } {
  if (key.length !== RECENT_KEY_BYTES) throw new StoreFormatError('a transaction id entry is malformed');
  // a plain view (a Buffer's `subarray` makes a Buffer: a third of a snapshot's walk of the ids)
  return {
    id: new Uint8Array(key.buffer, key.byteOffset + 5, 32),
    exp: ((key[1]! << 24) | (key[2]! << 16) | (key[3]! << 8) | key[4]!) >>> 0,
  };
}
