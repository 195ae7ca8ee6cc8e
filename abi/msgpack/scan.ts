/**
 * A well-formedness scanner for msgpack (https://github.com/msgpack/msgpack/blob/master/spec.md),
 * run over guest bytes before anything unpacks them.
 *
 * It walks the encoding without building values and without allocating: it rejects truncated
 * data, the reserved byte 0xc1, extension types (the boundary codec has none — msgpackr's record
 * and structure extensions would otherwise be honoured), trailing bytes after the one top-level
 * value, and nesting deeper than `maxDepth` (arrays and maps count one level each; a scalar at the
 * top is depth 0), and map keys that are not scalars (str, int, float, bool, nil: maps decode to
 * plain objects, whose keys are strings). A map or array header claiming more items than there are bytes is caught
 * because every item takes at least one byte, so the walk is O(length) whatever the headers say.
 *
 * It also counts values (every scalar, array, map, and each map key) and stops at `maxValues`: the
 * wire size alone does not bound decoding, since one byte (0x80, an empty map) decodes to a whole
 * JS object (16 MiB of them was 16 million objects, 2.1 GB and 41 s of msgpackr). Strings and bins
 * decode to at most about twice their wire bytes, so values and wire size together bound the cost.
 */

/** Scan outcome: 0 is well-formed; anything else says why not. */
export const ScanStatus = {
  OK: 0,
  TRUNCATED: 1,
  RESERVED: 2,
  TRAILING: 3,
  TOO_DEEP: 4,
  EXTENSION: 5,
  EMPTY: 6,
  BAD_KEY: 7,
  TOO_MANY_VALUES: 8,
} as const;
export type ScanStatus = (typeof ScanStatus)[keyof typeof ScanStatus];

const REASONS = [
  'well-formed',
  'truncated (a value runs past the end)',
  'reserved byte 0xc1',
  'trailing bytes after the value',
  'nested deeper than the limit',
  'extension types are not part of the boundary codec',
  'empty input',
  'a map key is not a string, number, boolean or nil',
  'more values than the limit',
];

/** A human sentence for a non-zero {@link ScanStatus}. */
export function scanStatusText(status: number): string {
  return REASONS[status] ?? `status ${status}`;
}

// The walk keeps its error and position in module state so that the recursive scanner returns a
// plain number and allocates nothing.
let src: Uint8Array = new Uint8Array(0);
let end = 0;
let status: ScanStatus = ScanStatus.OK;
/** Where the failing value starts (for messages), set when status is not OK. */
let failedAt = 0;
/** Values the current scan may still meet. */
let valuesLeft = 0;

/**
 * Checks that `bytes[start, end)` holds exactly one well-formed msgpack value nested at most
 * `maxDepth` deep and made of at most `maxValues` values (unbounded by default: callers scanning
 * guest bytes pass their limit). Returns {@link ScanStatus.OK} (0) or the reason it is not.
 */
export function scanMsgpack(
  bytes: Uint8Array,
  maxDepth: number,
  start = 0,
  stop = bytes.length,
  maxValues = Number.MAX_SAFE_INTEGER,
): ScanStatus {
  if (stop <= start) return ScanStatus.EMPTY;
  src = bytes;
  end = stop;
  status = ScanStatus.OK;
  valuesLeft = maxValues;
  const pos = value(start, maxDepth);
  src = EMPTY;
  if (pos < 0) return status;
  if (pos !== stop) {
    failedAt = pos;
    return ScanStatus.TRAILING;
  }
  return ScanStatus.OK;
}

/** Offset of the failing value in the last scan that did not return OK. */
export function scanFailedAt(): number {
  return failedAt;
}

const EMPTY = new Uint8Array(0);

function fail(s: ScanStatus, at: number): number {
  status = s;
  failedAt = at;
  return -1;
}

function be16(p: number): number {
  return (src[p]! << 8) | src[p + 1]!;
}
function be32(p: number): number {
  return ((src[p]! << 24) >>> 0) + ((src[p + 1]! << 16) | (src[p + 2]! << 8) | src[p + 3]!);
}

/** Skips `n` bytes of payload after a header of `h` bytes at `p`. */
function skip(p: number, h: number, n: number): number {
  const q = p + h + n;
  return q > end ? fail(ScanStatus.TRUNCATED, p) : q;
}

/** Scans `count` values starting at `p` with `depth` levels left for them. */
function items(p: number, count: number, depth: number): number {
  for (let i = 0; i < count; i++) {
    if (p >= end) return fail(ScanStatus.TRUNCATED, p);
    p = value(p, depth);
    if (p < 0) return -1;
  }
  return p;
}

/** Scans one value at `p`; `depth` = how many container levels may still open. */
function value(p: number, depth: number): number {
  if (p >= end) return fail(ScanStatus.TRUNCATED, p);
  if (--valuesLeft < 0) return fail(ScanStatus.TOO_MANY_VALUES, p);
  const b = src[p]!;
  if (b <= 0x7f || b >= 0xe0) return p + 1; // positive / negative fixint
  if (b <= 0x8f) return map(p, 1, b & 0x0f, depth); // fixmap
  if (b <= 0x9f) return container(p, 1, b & 0x0f, depth); // fixarray
  if (b <= 0xbf) return skip(p, 1, b & 0x1f); // fixstr
  switch (b) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return p + 1; // nil, false, true
    case 0xc1:
      return fail(ScanStatus.RESERVED, p);
    case 0xc4:
    case 0xd9:
      return p + 2 > end ? fail(ScanStatus.TRUNCATED, p) : skip(p, 2, src[p + 1]!); // bin8, str8
    case 0xc5:
    case 0xda:
      return p + 3 > end ? fail(ScanStatus.TRUNCATED, p) : skip(p, 3, be16(p + 1)); // bin16, str16
    case 0xc6:
    case 0xdb:
      return p + 5 > end ? fail(ScanStatus.TRUNCATED, p) : skip(p, 5, be32(p + 1)); // bin32, str32
    case 0xc7:
    case 0xc8:
    case 0xc9: // ext8/16/32
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8: // fixext
      return fail(ScanStatus.EXTENSION, p);
    case 0xca:
      return skip(p, 1, 4); // float32
    case 0xcb:
      return skip(p, 1, 8); // float64
    case 0xcc:
    case 0xd0:
      return skip(p, 1, 1);
    case 0xcd:
    case 0xd1:
      return skip(p, 1, 2);
    case 0xce:
    case 0xd2:
      return skip(p, 1, 4);
    case 0xcf:
    case 0xd3:
      return skip(p, 1, 8);
    case 0xdc:
      return p + 3 > end ? fail(ScanStatus.TRUNCATED, p) : container(p, 3, be16(p + 1), depth); // array16
    case 0xdd:
      return p + 5 > end ? fail(ScanStatus.TRUNCATED, p) : container(p, 5, be32(p + 1), depth); // array32
    case 0xde:
      return p + 3 > end ? fail(ScanStatus.TRUNCATED, p) : map(p, 3, be16(p + 1), depth); // map16
    default:
      /* 0xdf */ return p + 5 > end ? fail(ScanStatus.TRUNCATED, p) : map(p, 5, be32(p + 1), depth); // map32
  }
}

/** Whether the value starting with byte `b` may be a map key (a scalar other than bin and ext). */
function scalarKey(b: number): boolean {
  return (
    b <= 0x7f ||
    b >= 0xe0 ||
    (b >= 0xa0 && b <= 0xbf) ||
    b === 0xc0 ||
    b === 0xc2 ||
    b === 0xc3 ||
    (b >= 0xca && b <= 0xd3) ||
    (b >= 0xd9 && b <= 0xdb)
  );
}

function map(p: number, header: number, pairs: number, depth: number): number {
  if (depth <= 0) return fail(ScanStatus.TOO_DEEP, p);
  if (pairs * 2 > end - p - header) return fail(ScanStatus.TRUNCATED, p);
  let q = p + header;
  for (let i = 0; i < pairs; i++) {
    if (q >= end) return fail(ScanStatus.TRUNCATED, q);
    if (!scalarKey(src[q]!)) return fail(ScanStatus.BAD_KEY, q);
    q = value(q, depth - 1);
    if (q < 0) return -1;
    if (q >= end) return fail(ScanStatus.TRUNCATED, q);
    q = value(q, depth - 1);
    if (q < 0) return -1;
  }
  return q;
}

function container(p: number, header: number, count: number, depth: number): number {
  if (depth <= 0) return fail(ScanStatus.TOO_DEEP, p);
  // Every item takes at least one byte: a count beyond the remaining bytes is truncation.
  if (count > end - p - header) return fail(ScanStatus.TRUNCATED, p);
  return items(p + header, count, depth - 1);
}
