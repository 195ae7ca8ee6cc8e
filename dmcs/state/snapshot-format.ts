/**
 * The state snapshot file format, version 3 (binary; version 1 was JSON; version 2 held an
 * account's permissions as JSON, and is still read). Layout:
 *
 *   magic "PEEROSST" (8 bytes) ‖ u32 version ‖ section* ‖ END section
 *   section = u8 tag ‖ u32 payload length ‖ payload
 *
 * Sections (Antelope binary encoding inside; u64 little-endian, varuint32 counts):
 *   HEAD      u32 block number ‖ 32 block id ‖ 32 state digest ‖ u64 global action sequence  (first)
 *   ACCOUNT   one account (account-codec.ts)
 *   TABLE     u64 code, scope, table, payer ‖ varuint32 n ‖ n × (u64 primary ‖ u64 payer ‖ bytes value)
 *   INDEX     string kind ‖ u64 code, scope, table, payer ‖ varuint32 n ‖ n × (u64 primary ‖ key ‖ u64 payer),
 *             key = u8 0 ‖ f64 (idx_double, idx_long_double) or u8 1 ‖ string hex (integer kinds)
 *   RECENT    varuint32 n ‖ n × (32 transaction id ‖ u32 expiration seconds); may repeat (a writer
 *             emits the ids in slices of `SNAPSHOT_RECENT_BATCH`), readers take the union
 *   SUMMARIES varuint32 n ‖ n × (u32 block number ‖ 32 block id ‖ u32 slot)
 *   LIMITS    string account ‖ i64 ram bytes ‖ i64 net weight ‖ i64 cpu weight  (after its ACCOUNT;
 *             only for accounts whose limits are not the default -1)
 *   PRODUCERS JSON { active, proposed }: the producer schedules (producer-schedule.ts); `pending` is
 *             not stored, the chain mirrors it from the header state
 *   HEADER    JSON of Leap's block header state after block N (block-header-state.ts toJSON); a
 *             snapshot without it is not used
 *   END       32 sha256 of every byte before this section (a torn or damaged file is refused)
 *
 * Readers skip sections with tags they do not know, so a section can be added (a blockroot merkle,
 * say) without a new version; changing an existing section's layout needs a new version.
 */
import { createHash } from 'node:crypto';
import { type BinaryReader, BinaryWriter } from '../../abi/antelope/index.js';
import type { SecondaryKey } from '../vm/contract-host.js';
import type { AccountResourceLimits } from './resource-limits.js';
import { CodedError } from '../../lib/coded-error.js';

export const SNAPSHOT_MAGIC = new TextEncoder().encode('PEEROSST');
/** The version written. */
export const SNAPSHOT_VERSION = 3;
/** The oldest version read (2: ACCOUNT's permissions as JSON, account-auth.ts `readAuthJson`). */
export const SNAPSHOT_VERSION_OLDEST = 2;

/** Whether this node reads snapshots of `version`. */
export function snapshotVersionRead(version: number): boolean {
  return version >= SNAPSHOT_VERSION_OLDEST && version <= SNAPSHOT_VERSION;
}

/** Section tags. Add at the end; never reuse a number. */
export const Section = {
  head: 1,
  account: 2,
  table: 3,
  index: 4,
  recent: 5,
  summaries: 6,
  limits: 7,
  producers: 8,
  headerState: 9,
  end: 0xff,
} as const;

/** Bytes of framing before a payload: tag and length. */
export const SECTION_HEADER_BYTES = 5;

/** Why a snapshot file was refused (the node then replays the whole log). */
export class SnapshotFormatError extends CodedError<'SNAPSHOT_FORMAT'> {
  override readonly name = 'SnapshotFormatError';
  constructor(message: string) {
    super('SNAPSHOT_FORMAT', `state snapshot: ${message}`);
  }
}

export interface SnapshotHead {
  blockNum: number;
  blockId: Uint8Array;
  stateDigest: Uint8Array;
  globalSequence: number;
}

/** Writes one section (tag, length, payload) into `out`. */
export function writeSection(out: BinaryWriter, tag: number, payload: Uint8Array): void {
  out.u8(tag);
  out.u32(payload.length);
  out.raw(payload);
}

export function encodeHead(h: SnapshotHead): Uint8Array {
  const w = new BinaryWriter(96);
  w.u32(h.blockNum);
  w.raw(h.blockId);
  w.raw(h.stateDigest);
  w.u64(BigInt(h.globalSequence));
  return w.finish();
}

export function decodeHead(r: BinaryReader): SnapshotHead {
  return { blockNum: r.u32(), blockId: r.raw(32).slice(), stateDigest: r.raw(32).slice(), globalSequence: Number(r.u64()) };
}

export function encodeLimits(w: BinaryWriter, account: string, l: AccountResourceLimits): Uint8Array {
  w.reset();
  w.string(account);
  w.i64(l.ramBytes);
  w.i64(l.netWeight);
  w.i64(l.cpuWeight);
  return w.peek();
}

export function decodeLimits(r: BinaryReader): [string, AccountResourceLimits] {
  return [r.string(), { ramBytes: r.i64(), netWeight: r.i64(), cpuWeight: r.i64() }];
}

export function writeSecondaryKey(w: BinaryWriter, k: SecondaryKey): void {
  if (typeof k === 'number') {
    w.u8(0);
    w.f64(k);
  } else {
    w.u8(1);
    w.string(k.toString(16));
  }
}

export function readSecondaryKey(r: BinaryReader): SecondaryKey {
  const t = r.u8();
  if (t === 0) return r.f64();
  if (t !== 1) throw new SnapshotFormatError(`secondary key type ${t}`);
  const hex = r.string();
  if (!/^[0-9a-f]{1,64}$/.test(hex)) throw new SnapshotFormatError('secondary key is not hex');
  return BigInt(`0x${hex}`);
}

/**
 * The END section's hash: sha256 through OpenSSL (node:crypto), because it runs over the whole file
 * (tens of MB) and the JS sha256 is about ten times slower on bulk data. The same bytes as any sha256.
 */
export function fileChecksum(): { update(b: Uint8Array): { digest(): Uint8Array } } & { digest(): Uint8Array } {
  return createHash('sha256');
}

/** One section of a file, its payload as a view into the file. */
export interface SnapshotSection {
  tag: number;
  payload: Uint8Array;
}

/** A whole file's version and sections. */
export interface SnapshotSections {
  version: number;
  /** The first section (the HEAD). */
  head: SnapshotSection;
  /**
   * The sections before END in file order, views into the file made as each is reached, again at
   * each walk: no array of them (a file of millions of empty sections, 5 bytes each, ran an array of
   * views, ~100 bytes each, out of memory).
   */
  sections: Iterable<SnapshotSection>;
  /** How many sections there are before END. */
  count: number;
}

/** Where the sections start: after the magic and the version. */
const SECTIONS_AT = SNAPSHOT_MAGIC.length + 4;

/**
 * Checks magic, version, the framing of every section and the END checksum of a whole file;
 * returns its version and sections (walked as views into `bytes`) without decoding them. Holds
 * nothing per section, so its memory does not grow with their number.
 */
export function splitSections(bytes: Uint8Array): SnapshotSections {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < SECTIONS_AT) throw new SnapshotFormatError('truncated or malformed (shorter than a header)');
  if (!SNAPSHOT_MAGIC.every((b, i) => b === bytes[i])) throw new SnapshotFormatError('not a snapshot file (bad magic)');
  const version = view.getUint32(SNAPSHOT_MAGIC.length, true);
  if (!snapshotVersionRead(version))
    throw new SnapshotFormatError(`version ${version}, this node reads ${SNAPSHOT_VERSION_OLDEST}-${SNAPSHOT_VERSION}`);
  /** The section at `at`: its tag and payload's bounds (throws when it runs past the file). */
  const sectionAt = (at: number): { tag: number; start: number; end: number } => {
    if (bytes.length - at < SECTION_HEADER_BYTES) throw new SnapshotFormatError(`truncated or malformed (no section header at byte ${at})`);
    const start = at + SECTION_HEADER_BYTES;
    const end = start + view.getUint32(at + 1, true);
    if (end > bytes.length) throw new SnapshotFormatError(`truncated or malformed (the section at byte ${at} runs past the end)`);
    return { tag: bytes[at]!, start, end };
  };
  let count = 0;
  let at = SECTIONS_AT;
  for (let s = sectionAt(at); s.tag !== Section.end; s = sectionAt(at)) {
    count++;
    at = s.end;
  }
  const end = sectionAt(at);
  const sum = fileChecksum().update(bytes.subarray(0, at)).digest();
  const payload = bytes.subarray(end.start, end.end);
  if (payload.length !== 32 || !payload.every((b, i) => b === sum[i])) throw new SnapshotFormatError('checksum mismatch (damaged file)');
  if (end.end !== bytes.length) throw new SnapshotFormatError('bytes after the end section');
  if (count === 0 || bytes[SECTIONS_AT] !== Section.head) throw new SnapshotFormatError('no head section');
  const endAt = at;
  const sections: Iterable<SnapshotSection> = {
    *[Symbol.iterator]() {
      for (let p = SECTIONS_AT; p < endAt; ) {
        const s = sectionAt(p);
        yield { tag: s.tag, payload: bytes.subarray(s.start, s.end) };
        p = s.end;
      }
    },
  };
  const first = sectionAt(SECTIONS_AT);
  return { version, head: { tag: first.tag, payload: bytes.subarray(first.start, first.end) }, sections, count };
}
