/**
 * The boundary msgpack codec: msgpackr configured so that what the host writes is plain msgpack
 * that the SDK's AssemblyScript decoder reads, and what it reads from a guest was scanned first.
 *
 * Settings and why:
 * - `useRecords: false`, no `structures`, `bundleStrings: false`, `moreTypes: false`: no msgpackr
 *   extensions on the wire (records, shared structures, bundled strings, typed arrays as ext).
 * - `mapsAsObjects: true`: maps decode to plain objects (keys become strings); msgpackr already
 *   maps a `__proto__` key to a harmless own property.
 * - `int64AsType: 'auto'`: 64-bit integers (0xcf/0xd3) decode to a `number` when they are safe
 *   integers and to a `bigint` otherwise, so nothing is rounded silently. A `bigint` packs as int64 /
 *   uint64; one outside 64 bits is an error (`largeBigIntToFloat: false`).
 * - `variableMapSize: true`: maps get the smallest header (fixmap/map16/map32), as any msgpack
 *   encoder would, rather than msgpackr's default of always map16.
 * - `useFloat32`: off — numbers that are not integers pack as float64.
 * - Extension types (timestamps included) are refused by the scanner: send times as integer ms.
 *
 * {@link unpackGuest} always runs {@link scanMsgpack} first ({@link checkGuestMsgpack}), so a
 * malformed or over-deep payload from a guest is a {@link BoundaryError} `MALFORMED_MSGPACK`, one
 * with more values than the caller's limit is `LIMIT_EXCEEDED`, never a msgpackr exception halfway
 * nor a decode that allocates without bound.
 */
import { Packr } from 'msgpackr';
import { BoundaryError } from '../boundary-errors.js';
import { scanMsgpack, scanStatusText, scanFailedAt, ScanStatus } from './scan.js';

const OPTIONS = {
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: false,
  bundleStrings: false,
  structuredClone: false,
  int64AsType: 'auto',
  largeBigIntToFloat: false,
  encodeUndefinedAsNil: true,
  variableMapSize: true,
} as const;

/** The one configured msgpackr instance of the boundary (it packs and unpacks). */
export const boundaryPackr = new Packr(OPTIONS as unknown as ConstructorParameters<typeof Packr>[0]);

/** Packs a host value for a guest. Returns a fresh `Uint8Array` (a Node `Buffer`). */
export function pack(value: unknown): Uint8Array {
  return boundaryPackr.pack(value);
}

/**
 * Checks that `bytes[start, stop)` is what {@link unpackGuest} accepts (well-formed, one value,
 * depth ≤ `maxDepth`, at most `maxValues` values, no extensions) without decoding it. Throws
 * {@link BoundaryError} `MALFORMED_MSGPACK`, or `LIMIT_EXCEEDED` past `maxValues`.
 */
export function checkGuestMsgpack(
  bytes: Uint8Array,
  maxDepth: number,
  what: string,
  maxValues?: number,
  start = 0,
  stop = bytes.length,
): void {
  const status = scanMsgpack(bytes, maxDepth, start, stop, maxValues);
  if (status === ScanStatus.OK) return;
  if (status === ScanStatus.TOO_MANY_VALUES) {
    throw new BoundaryError(
      'LIMIT_EXCEEDED',
      `${what} holds more than ${maxValues} msgpack values (the decoded-values limit per message); it was not decoded`,
    );
  }
  const at = status === ScanStatus.EMPTY ? '' : ` at byte ${scanFailedAt() - start}`;
  throw new BoundaryError('MALFORMED_MSGPACK', `${what} is not well-formed msgpack: ${scanStatusText(status)}${at}`);
}

/**
 * Unpacks bytes that came from a guest: {@link checkGuestMsgpack} first, and only then decodes.
 * Throws {@link BoundaryError} `MALFORMED_MSGPACK` or `LIMIT_EXCEEDED`.
 */
export function unpackGuest(bytes: Uint8Array, maxDepth: number, what = 'payload', maxValues?: number): unknown {
  checkGuestMsgpack(bytes, maxDepth, what, maxValues);
  try {
    return boundaryPackr.unpack(bytes);
  } catch (err) {
    // Not expected after a clean scan; kept typed all the same.
    throw new BoundaryError('MALFORMED_MSGPACK', `${what} could not be decoded: ${(err as Error).message}`);
  }
}

/** Unpacks bytes the host itself produced (trusted, still scanned with a generous depth). */
export function unpack(bytes: Uint8Array, maxDepth = 64): unknown {
  return unpackGuest(bytes, maxDepth);
}
