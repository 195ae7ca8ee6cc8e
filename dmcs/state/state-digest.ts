/**
 * The incremental state digest: every state record (an account with its permissions, links and
 * resource limits, a table, a row, a secondary index, an index entry, the producer schedules) is
 * hashed alone, with a tag byte per kind, and
 * the record hashes are summed modulo 2^256 (an additive multiset hash, "AdHash"). Adding a record
 * adds its hash; removing it subtracts the same hash; so the sum depends only on the set of
 * records, not on the order of the writes, and a write costs one or two sha256 of that record.
 * `digest()` is sha256(tag ‖ global sequence ‖ record count ‖ sum): O(1) once the sum is current.
 *
 * What it proves: that two states (a replayed one and a restored snapshot, two nodes of one chain)
 * hold the same records. It is a consistency check, not a commitment light clients rely on: an
 * additive hash over 256 bits can be attacked by someone choosing many records (Wagner's
 * generalized birthday), so it must not become a consensus value without moving to a
 * lattice hash (LtHash, 2048 bytes) or a merkle tree. A merkle root can be added beside it.
 */
import { BinaryWriter, sha256, sha256Into } from '../../abi/antelope/index.js';
import type { DbRow, SecondaryKey, SecondaryKind, SecondaryRow } from '../vm/contract-host.js';
import type { Schedule } from './producer-schedule.js';

/** Record kinds (the first byte hashed), so two kinds never share an encoding. Add at the end. */
export const RecordTag = {
  account: 1,
  table: 2,
  row: 3,
  index: 4,
  indexEntry: 5,
  /** The producer schedules (active and proposed): one record, rehashed when either is replaced. */
  producers: 6,
  /** The final digest over the sum. */
  digest: 0x7f,
} as const;

/** A 256-bit sum of record hashes (little-endian 32-bit words), with how many records it holds. */
export class HashAccumulator {
  private readonly words = new Uint32Array(8);
  /** Records currently summed. */
  count = 0;

  add(hash: Uint8Array): void {
    this.count++;
    let carry = 0;
    const w = this.words;
    for (let i = 0; i < 8; i++) {
      const j = 28 - 4 * i; // hash bytes are big-endian: the last 4 bytes are word 0
      const h = ((hash[j]! << 24) | (hash[j + 1]! << 16) | (hash[j + 2]! << 8) | hash[j + 3]!) >>> 0;
      const s = w[i]! + h + carry;
      w[i] = s >>> 0;
      carry = s > 0xffffffff ? 1 : 0;
    }
  }

  remove(hash: Uint8Array): void {
    this.count--;
    let borrow = 0;
    const w = this.words;
    for (let i = 0; i < 8; i++) {
      const j = 28 - 4 * i;
      const h = ((hash[j]! << 24) | (hash[j + 1]! << 16) | (hash[j + 2]! << 8) | hash[j + 3]!) >>> 0;
      const d = w[i]! - h - borrow;
      w[i] = d >>> 0;
      borrow = d < 0 ? 1 : 0;
    }
  }

  /** The sum as 32 big-endian bytes. */
  sum(): Uint8Array {
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.words[i]!;
      const j = 28 - 4 * i;
      out[j] = v >>> 24;
      out[j + 1] = (v >>> 16) & 0xff;
      out[j + 2] = (v >>> 8) & 0xff;
      out[j + 3] = v & 0xff;
    }
    return out;
  }

  /** Sets the sum (32 big-endian bytes, as `sum()` gives it) and the count (a state reopened from its store). */
  restore(sum: Uint8Array, count: number): void {
    if (sum.length !== 32) throw new RangeError('HashAccumulator.restore: a sum is 32 bytes');
    for (let i = 0; i < 8; i++) {
      const j = 28 - 4 * i;
      this.words[i] = ((sum[j]! << 24) | (sum[j + 1]! << 16) | (sum[j + 2]! << 8) | sum[j + 3]!) >>> 0;
    }
    this.count = count;
  }

  clear(): void {
    this.words.fill(0);
    this.count = 0;
  }
}

/** One reused writer: hashing is synchronous, nothing interleaves. */
const w = new BinaryWriter(1024);

/** One buffer for a record hash added to or removed from an accumulator at once (never kept). */
export const transientRecordHash = new Uint8Array(32);

/**
 * sha256 of what `w` holds: into `out` when given (a caller that adds or removes the hash at once
 * passes one reused buffer: a transfer changes two rows, four record hashes, and each new array was
 * garbage a moment later), else a new array.
 */
function digestOf(out: Uint8Array | undefined): Uint8Array {
  if (out === undefined) return sha256(w.peek());
  sha256Into(w.peek(), out, 0);
  return out;
}

/** What identifies a table or an index. */
interface TableName {
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
}

export function tableRecordHash(t: TableName & { readonly payer: bigint }, out?: Uint8Array): Uint8Array {
  w.reset();
  w.u8(RecordTag.table);
  w.u64(t.code);
  w.u64(t.scope);
  w.u64(t.table);
  w.u64(t.payer);
  return digestOf(out);
}

export function rowRecordHash(t: TableName, r: DbRow, out?: Uint8Array): Uint8Array {
  w.reset();
  w.u8(RecordTag.row);
  w.u64(t.code);
  w.u64(t.scope);
  w.u64(t.table);
  w.u64(r.primary);
  w.u64(r.payer);
  w.bytes(r.value);
  return digestOf(out);
}

export function indexRecordHash(ix: TableName & { readonly kind: SecondaryKind; readonly payer: bigint }, out?: Uint8Array): Uint8Array {
  w.reset();
  w.u8(RecordTag.index);
  w.string(ix.kind);
  w.u64(ix.code);
  w.u64(ix.scope);
  w.u64(ix.table);
  w.u64(ix.payer);
  return digestOf(out);
}

export function indexEntryRecordHash(ix: TableName & { readonly kind: SecondaryKind }, e: SecondaryRow, out?: Uint8Array): Uint8Array {
  w.reset();
  w.u8(RecordTag.indexEntry);
  w.string(ix.kind);
  w.u64(ix.code);
  w.u64(ix.scope);
  w.u64(ix.table);
  w.u64(e.primary);
  secondaryKey(e.secondary);
  w.u64(e.payer);
  return digestOf(out);
}

function secondaryKey(k: SecondaryKey): void {
  if (typeof k === 'number') {
    w.u8(0);
    w.f64(k === 0 ? 0 : k); // -0 and +0 are one key
  } else {
    w.u8(1);
    w.string(k.toString(16));
  }
}

/** The producer schedules record: the active schedule and the proposal (at most 125 producers each). */
export function producersRecordHash(active: Schedule, proposed: (Schedule & { readonly blockNum: number }) | null): Uint8Array {
  w.reset();
  w.u8(RecordTag.producers);
  schedule(active);
  w.bool(proposed !== null);
  if (proposed) {
    w.u32(proposed.blockNum);
    schedule(proposed);
  }
  return sha256(w.peek());
}

function schedule(s: Schedule): void {
  w.u32(s.version);
  w.varuint32(s.producers.length);
  for (const p of s.producers) {
    w.string(p.producerName);
    w.u32(p.authority.threshold);
    w.varuint32(p.authority.keys.length);
    for (const k of p.authority.keys) {
      w.string(k.key);
      w.u16(k.weight);
    }
  }
}

/** The digest over an accumulator and the global action sequence. */
export function stateDigestOf(acc: HashAccumulator, globalSequence: number): Uint8Array {
  w.reset();
  w.u8(RecordTag.digest);
  w.u64(BigInt(globalSequence));
  w.u64(BigInt(acc.count));
  w.raw(acc.sum());
  return sha256(w.peek());
}

/** The writer for an account record (chain-state.ts encodes accounts: it knows their fields). */
export function accountRecordWriter(): BinaryWriter {
  w.reset();
  w.u8(RecordTag.account);
  return w;
}
