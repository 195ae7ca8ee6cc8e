/**
 * A secondary index in binary, header and every entry: the payload of a snapshot's INDEX section
 * (snapshot-format.ts) and the value of an index's key in the state store (table-store.ts).
 *
 *   string kind ‖ u64 code ‖ u64 scope ‖ u64 table ‖ u64 payer ‖ varuint32 n ‖
 *   n × (u64 primary ‖ secondary key (snapshot-format.ts) ‖ u64 payer)
 */
import { BinaryReader, type BinaryWriter } from '../../abi/antelope/index.js';
import type { SecondaryKind, SecondaryRow } from '../vm/contract-host.js';
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

/** The index's bytes in `w` (reset first); a view into `w`'s buffer until its next use. */
export function encodeIndex(w: BinaryWriter, ix: IndexHeader, entries: Iterable<SecondaryRow>, count: number): Uint8Array {
  w.reset();
  w.string(ix.kind);
  w.u64(ix.code);
  w.u64(ix.scope);
  w.u64(ix.table);
  w.u64(ix.payer);
  w.varuint32(count);
  for (const e of entries) {
    w.u64(e.primary);
    writeSecondaryKey(w, e.secondary);
    w.u64(e.payer);
  }
  return w.peek();
}

/** Reads the header; `SnapshotFormatError` on an unknown kind. */
export function decodeIndexHeader(r: BinaryReader): IndexHeader {
  const kind = r.string() as SecondaryKind;
  if (!SECONDARY_KINDS.includes(kind)) throw new SnapshotFormatError(`unknown index kind ${JSON.stringify(kind)}`);
  return { kind, code: r.u64(), scope: r.u64(), table: r.u64(), payer: r.u64() };
}

/** Reads the entries that follow the header, in the order written ((secondary, primary)). */
export function* decodeIndexEntries(r: BinaryReader): Generator<SecondaryRow> {
  for (let i = r.varuint32(); i > 0; i--) {
    const primary = r.u64();
    const secondary = readSecondaryKey(r);
    yield { primary, secondary, payer: r.u64() };
  }
}

/** Header and entries of one encoded index. */
export function decodeIndex(bytes: Uint8Array): { header: IndexHeader; entries: SecondaryRow[] } {
  const r = new BinaryReader(bytes);
  const header = decodeIndexHeader(r);
  return { header, entries: [...decodeIndexEntries(r)] };
}
