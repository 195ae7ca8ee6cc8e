/**
 * Codecs for every Antelope builtin ABI type (Leap `abi_serializer::configure_built_in_types`):
 * JSON value ↔ binary. Encoders accept the JSON form (and our value classes); decoders return the
 * JSON form Leap prints: 64-bit integers as numbers when |v| ≤ 0xffffffff, else decimal strings;
 * 128-bit integers as decimal strings; bytes and checksums as hex; keys, names, assets as strings.
 */
import { AntelopeError, describe } from './error.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { Name } from './name.js';
import { Asset } from './asset.js';
import { AssetSymbol, SymbolCode } from './symbol.js';
import { ExtendedAsset } from './extended-asset.js';
import { PublicKey } from './public-key.js';
import { Signature } from './signature.js';
import { TimePoint } from './time-point.js';
import { TimePointSec } from './time-point-sec.js';
import { BlockTimestamp } from './block-timestamp.js';

/** A builtin type's codec. `minSize` is the fewest bytes one value can take. */
export interface BuiltinCodec {
  readonly name: string;
  readonly minSize: number;
  encode(w: BinaryWriter, v: unknown): void;
  decode(r: BinaryReader): unknown;
}

function bad(type: string, expected: string, v: unknown): AntelopeError {
  return new AntelopeError('INVALID_VALUE', `expected ${type} (${expected}), got ${describe(v)}`);
}

const INT_RE = /^-?\d+$/;

function smallInt(type: string, min: number, max: number) {
  return (v: unknown): number => {
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && INT_RE.test(v)) n = Number(v);
    else if (typeof v === 'bigint') n = Number(v);
    else throw bad(type, `integer ${min}..${max}`, v);
    if (!Number.isInteger(n) || n < min || n > max) throw bad(type, `integer ${min}..${max}`, v);
    return n;
  };
}

/** Parse an integer given as number, decimal (or 0x hex) string, or bigint, and range-check it. */
export function toBigInt(type: string, v: unknown, min: bigint, max: bigint): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw bad(type, 'a safe integer number, or a decimal string', v);
    n = BigInt(v);
  } else if (typeof v === 'string' && (INT_RE.test(v) || /^0x[0-9a-fA-F]+$/.test(v))) n = BigInt(v);
  else throw bad(type, `integer ${min}..${max}`, v);
  if (n < min || n > max) throw bad(type, `integer ${min}..${max}`, v);
  return n;
}

const U32_MAX_BIG = 0xffffffffn;
/** Leap's JSON rule for 64-bit integers: numbers within ±0xffffffff, strings beyond. */
function int64Json(v: bigint): number | string {
  return v <= U32_MAX_BIG && v >= -U32_MAX_BIG ? Number(v) : v.toString();
}

function toFloat(type: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (v === 'nan' || v === 'NaN') return NaN;
  if (v === 'inf' || v === 'Infinity') return Infinity;
  if (v === '-inf' || v === '-Infinity') return -Infinity;
  throw bad(type, 'a number', v);
}

function toRawBytes(type: string, v: unknown, size?: number): Uint8Array {
  let b: Uint8Array;
  if (v instanceof Uint8Array) b = v;
  else if (typeof v === 'string') {
    try {
      b = hexToBytes(v, type);
    } catch {
      throw bad(type, 'a hex string', v);
    }
  } else if (v && typeof v === 'object' && (v as { array?: unknown }).array instanceof Uint8Array) {
    b = (v as { array: Uint8Array }).array;
  } else throw bad(type, 'a hex string', v);
  if (size !== undefined && b.length !== size) throw bad(type, `${size} bytes of hex`, v);
  return b;
}

/** Wrap a value-class `from` so its own error becomes an INVALID_VALUE naming the ABI type. */
function via<T>(type: string, from: (v: never) => T): (v: unknown) => T {
  return (v: unknown) => {
    try {
      return from(v as never);
    } catch (e) {
      if (e instanceof AntelopeError)
        throw new AntelopeError(e.code === 'INVALID_VALUE' ? 'INVALID_VALUE' : e.code, `expected ${type}: ${e.message}`);
      throw e;
    }
  };
}

const toInt8 = smallInt('int8', -128, 127);
const toUint8 = smallInt('uint8', 0, 255);
const toInt16 = smallInt('int16', -32768, 32767);
const toUint16 = smallInt('uint16', 0, 65535);
const toInt32 = smallInt('int32', -2147483648, 2147483647);
const toUint32 = smallInt('uint32', 0, 4294967295);
const toVarint32 = smallInt('varint32', -2147483648, 2147483647);
const toVaruint32 = smallInt('varuint32', 0, 4294967295);
const I64_MIN = -(1n << 63n),
  I64_MAX = (1n << 63n) - 1n,
  U64_MAX = (1n << 64n) - 1n;
const I128_MIN = -(1n << 127n),
  I128_MAX = (1n << 127n) - 1n,
  U128_MAX = (1n << 128n) - 1n;
const toName = via('name', Name.from);
const toAsset = via('asset', Asset.from);
const toSymbol = via('symbol', AssetSymbol.from);
const toSymbolCode = via('symbol_code', SymbolCode.from);
const toExtendedAsset = via('extended_asset', ExtendedAsset.from);
const toPublicKey = via('public_key', PublicKey.from);
const toSignature = via('signature', Signature.from);
const toTimePoint = via('time_point', TimePoint.from);
const toTimePointSec = via('time_point_sec', TimePointSec.from);
const toBlockTimestamp = via('block_timestamp_type', BlockTimestamp.from);

const list: BuiltinCodec[] = [
  {
    name: 'bool',
    minSize: 1,
    encode(w, v) {
      if (v === true || v === 1) w.u8(1);
      else if (v === false || v === 0) w.u8(0);
      else throw bad('bool', 'true or false', v);
    },
    decode: (r) => r.bool(),
  },
  { name: 'int8', minSize: 1, encode: (w, v) => w.i8(toInt8(v)), decode: (r) => r.i8() },
  { name: 'uint8', minSize: 1, encode: (w, v) => w.u8(toUint8(v)), decode: (r) => r.u8() },
  { name: 'int16', minSize: 2, encode: (w, v) => w.i16(toInt16(v)), decode: (r) => r.i16() },
  { name: 'uint16', minSize: 2, encode: (w, v) => w.u16(toUint16(v)), decode: (r) => r.u16() },
  { name: 'int32', minSize: 4, encode: (w, v) => w.i32(toInt32(v)), decode: (r) => r.i32() },
  { name: 'uint32', minSize: 4, encode: (w, v) => w.u32(toUint32(v)), decode: (r) => r.u32() },
  { name: 'int64', minSize: 8, encode: (w, v) => w.i64(toBigInt('int64', v, I64_MIN, I64_MAX)), decode: (r) => int64Json(r.i64()) },
  {
    name: 'uint64',
    minSize: 8,
    encode(w, v) {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) w.u64parts(v, 0);
      else w.u64(toBigInt('uint64', v, 0n, U64_MAX));
    },
    decode: (r) => int64Json(r.u64()),
  },
  {
    name: 'int128',
    minSize: 16,
    encode: (w, v) => w.u128(BigInt.asUintN(128, toBigInt('int128', v, I128_MIN, I128_MAX))),
    decode: (r) => BigInt.asIntN(128, r.u128()).toString(),
  },
  { name: 'uint128', minSize: 16, encode: (w, v) => w.u128(toBigInt('uint128', v, 0n, U128_MAX)), decode: (r) => r.u128().toString() },
  { name: 'varint32', minSize: 1, encode: (w, v) => w.varint32(toVarint32(v)), decode: (r) => r.varint32() },
  { name: 'varuint32', minSize: 1, encode: (w, v) => w.varuint32(toVaruint32(v)), decode: (r) => r.varuint32() },
  { name: 'float32', minSize: 4, encode: (w, v) => w.f32(toFloat('float32', v)), decode: (r) => r.f32() },
  { name: 'float64', minSize: 8, encode: (w, v) => w.f64(toFloat('float64', v)), decode: (r) => r.f64() },
  {
    // Leap and wharfkit print float128 as 0x-prefixed hex of the 16 little-endian bytes
    name: 'float128',
    minSize: 16,
    encode: (w, v) => w.raw(toRawBytes('float128', typeof v === 'string' && v.startsWith('0x') ? v.slice(2) : v, 16)),
    decode: (r) => `0x${bytesToHex(r.raw(16))}`,
  },
  { name: 'time_point', minSize: 8, encode: (w, v) => toTimePoint(v).encode(w), decode: (r) => TimePoint.decode(r).toString() },
  { name: 'time_point_sec', minSize: 4, encode: (w, v) => toTimePointSec(v).encode(w), decode: (r) => TimePointSec.decode(r).toString() },
  {
    name: 'block_timestamp_type',
    minSize: 4,
    encode: (w, v) => toBlockTimestamp(v).encode(w),
    decode: (r) => BlockTimestamp.decode(r).toString(),
  },
  { name: 'name', minSize: 8, encode: (w, v) => toName(v).encode(w), decode: (r) => Name.decode(r).toString() },
  { name: 'bytes', minSize: 1, encode: (w, v) => w.bytes(toRawBytes('bytes', v)), decode: (r) => bytesToHex(r.raw(r.varuint32())) },
  {
    name: 'string',
    minSize: 1,
    encode(w, v) {
      if (typeof v !== 'string') throw bad('string', 'a string', v);
      w.string(v);
    },
    decode: (r) => r.string(),
  },
  { name: 'checksum160', minSize: 20, encode: (w, v) => w.raw(toRawBytes('checksum160', v, 20)), decode: (r) => bytesToHex(r.raw(20)) },
  { name: 'checksum256', minSize: 32, encode: (w, v) => w.raw(toRawBytes('checksum256', v, 32)), decode: (r) => bytesToHex(r.raw(32)) },
  { name: 'checksum512', minSize: 64, encode: (w, v) => w.raw(toRawBytes('checksum512', v, 64)), decode: (r) => bytesToHex(r.raw(64)) },
  { name: 'public_key', minSize: 34, encode: (w, v) => toPublicKey(v).encode(w), decode: (r) => PublicKey.decode(r).toString() },
  { name: 'signature', minSize: 66, encode: (w, v) => toSignature(v).encode(w), decode: (r) => Signature.decode(r).toString() },
  { name: 'symbol', minSize: 8, encode: (w, v) => toSymbol(v).encode(w), decode: (r) => AssetSymbol.decode(r).toString() },
  { name: 'symbol_code', minSize: 8, encode: (w, v) => toSymbolCode(v).encode(w), decode: (r) => SymbolCode.decode(r).toString() },
  { name: 'asset', minSize: 16, encode: (w, v) => toAsset(v).encode(w), decode: (r) => Asset.decode(r).toString() },
  {
    name: 'extended_asset',
    minSize: 24,
    encode: (w, v) => toExtendedAsset(v).encode(w),
    decode: (r) => ExtendedAsset.decode(r).toJSON(),
  },
];

/** Every builtin type by its ABI name. */
export const BUILTIN_TYPES: ReadonlyMap<string, BuiltinCodec> = new Map(list.map((c) => [c.name, c]));
