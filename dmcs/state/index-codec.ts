/**
 * A secondary index in binary, header and every entry: the payload of a snapshot's INDEX section
 * (snapshot-format.ts) and the value of an index's key in the state store (table-store.ts).
 *
 *   string kind ‖ u64 code ‖ u64 scope ‖ u64 table ‖ u64 payer ‖ varuint32 n ‖
 *   n × (u64 primary ‖ secondary key (snapshot-format.ts) ‖ u64 payer)
 */
import { BinaryReader, type BinaryWriter } from '../../abi/antelope/index.js';
import type { SecondaryKey, SecondaryKind, SecondaryRow } from '../vm/contract-host.js';
import { SnapshotFormatError, readSecondaryKey, writeSecondaryKey } from './snapshot-format.js';

export const SECONDARY_KINDS: readonly SecondaryKind[] = ['idx64', 'idx128', 'idx256', 'idx_double'];

/** What identifies an index, and who paid for it. */
export interface IndexHeader {
  readonly kind: SecondaryKind;
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
  readonly payer: bigint;
}

/**
 * The byte after an empty entry list in an index's stored form: its entries are stored apart, each
 * under a key of its own (table-store.ts `ROWS_APART_MIN`; never in a snapshot).
 */
export const ENTRIES_APART = 1;

/**
 * The index's bytes in `w` (reset first); a view into `w`'s buffer until its next use. `apart`:
 * the stored form of an index whose entries are stored apart (no entry inline, then
 * `ENTRIES_APART` and `count`, so a miss reads this key alone).
 */
export function encodeIndex(w: BinaryWriter, ix: IndexHeader, entries: Iterable<SecondaryRow>, count: number, apart = false): Uint8Array {
  w.reset();
  w.string(ix.kind);
  w.u64(ix.code);
  w.u64(ix.scope);
  w.u64(ix.table);
  w.u64(ix.payer);
  w.varuint32(apart ? 0 : count);
  if (apart) {
    w.u8(ENTRIES_APART);
    w.varuint32(count);
    return w.peek();
  }
  for (const e of entries) {
    w.u64(e.primary);
    writeSecondaryKey(w, e.secondary);
    w.u64(e.payer);
  }
  return w.peek();
}

/** An entry stored apart (its primary is in its key): secondary key ‖ u64 payer, in `w` (reset first); a view of `w`'s buffer. */
export function encodeIndexEntry(w: BinaryWriter, e: SecondaryRow): Uint8Array {
  w.reset();
  writeSecondaryKey(w, e.secondary);
  w.u64(e.payer);
  return w.peek();
}

/** The width of each kind's secondary keys in bits (idx_double: a number, no width). */
const SECONDARY_BITS: Record<SecondaryKind, bigint> = { idx64: 64n, idx128: 128n, idx256: 256n, idx_double: 0n };

/**
 * Whether `k` can be a secondary key of an index of `kind`: a number, not NaN, for idx_double; a
 * non-negative integer of the kind's width otherwise (the store's order keys, store-keys.ts
 * `indexOrderKey`, write it in that width). Snapshots, the store and get_table_rows' bounds ask it.
 */
export function secondaryFits(kind: SecondaryKind, k: SecondaryKey): boolean {
  return kind === 'idx_double' ? typeof k === 'number' && !Number.isNaN(k) : typeof k === 'bigint' && k >> SECONDARY_BITS[kind] === 0n;
}

/**
 * A secondary key read for an index of `kind`: a number for idx_double (not NaN, which the VM
 * refuses and no order holds), an integer that fits the kind's width otherwise (the store's order
 * keys, store-keys.ts `indexOrderKey`, write it in that width); `SnapshotFormatError` for any other.
 */
function secondaryOf(kind: SecondaryKind, r: BinaryReader): SecondaryKey {
  const k = readSecondaryKey(r);
  if (!secondaryFits(kind, k))
    throw new SnapshotFormatError(`an ${kind} entry's secondary key ${String(k).slice(0, 80)} does not fit its kind`);
  return k;
}

/** An entry stored apart, from its primary and its value; `SnapshotFormatError` when malformed. */
export function decodeIndexEntry(kind: SecondaryKind, primary: bigint, bytes: Uint8Array): SecondaryRow {
  const r = new BinaryReader(bytes);
  const secondary = secondaryOf(kind, r);
  const e = { primary, secondary, payer: r.u64() };
  if (r.remaining !== 0) throw new SnapshotFormatError(`an index entry has ${r.remaining} byte(s) after its payer`);
  return e;
}

/** Reads the header; `SnapshotFormatError` on an unknown kind. */
export function decodeIndexHeader(r: BinaryReader): IndexHeader {
  const kind = r.string() as SecondaryKind;
  if (!SECONDARY_KINDS.includes(kind)) throw new SnapshotFormatError(`unknown index kind ${JSON.stringify(kind)}`);
  return { kind, code: r.u64(), scope: r.u64(), table: r.u64(), payer: r.u64() };
}

/** Reads the entries that follow the header of an index of `kind`, in the order written ((secondary, primary)). */
export function* decodeIndexEntries(kind: SecondaryKind, r: BinaryReader): Generator<SecondaryRow> {
  for (let i = r.varuint32(); i > 0; i--) {
    const primary = r.u64();
    const secondary = secondaryOf(kind, r);
    yield { primary, secondary, payer: r.u64() };
  }
}

/**
 * Header and entries of one encoded index; `apart`: the count of its entries when they are stored
 * apart (none inline then), else null.
 */
export function decodeIndex(bytes: Uint8Array): { header: IndexHeader; entries: SecondaryRow[]; apart: number | null } {
  const r = new BinaryReader(bytes);
  const header = decodeIndexHeader(r);
  const entries = [...decodeIndexEntries(header.kind, r)];
  if (r.remaining === 0) return { header, entries, apart: null };
  if (r.u8() !== ENTRIES_APART || entries.length > 0) throw new SnapshotFormatError('a malformed stored index');
  let count = 0;
  try {
    count = r.varuint32();
  } catch {
    /* truncated: malformed below */
  }
  if (r.remaining !== 0 || count === 0) throw new SnapshotFormatError('a malformed stored index'); // an emptied index is removed
  return { header, entries, apart: count };
}
