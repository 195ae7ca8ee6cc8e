/**
 * msgpack (https://github.com/msgpack/msgpack/blob/master/spec.md) for `Value`, written for the
 * SDK: the encoder picks the shortest form of every int (those of 33..53 bits as float64, so that
 * msgpackr reads a JS number, not a BigInt), string, binary, array and map header and
 * writes floats as float64 (as msgpackr does); the decoder is depth-limited and never throws —
 * malformed input gives a `DecodeError` with a code and the byte offset where it failed.
 * Extension types (including timestamps) are rejected: the boundary carries plain data.
 */
import { Kind, Value } from "./value";

/** Nesting deeper than this is refused by default (the host applies its own limit too). */
export const DEFAULT_MAX_DEPTH: i32 = 64;

export enum DecodeErrorCode {
  /** The input ended inside a value. */
  Truncated = 1,
  /** A type byte that msgpack reserves (0xc1) or one this decoder does not accept (ext). */
  BadType = 2,
  /** Arrays/maps nested deeper than the limit. */
  TooDeep = 3,
  /** Bytes left over after the top-level value. */
  Trailing = 4,
  /** A length that cannot fit in memory. */
  TooLong = 5,
}

export class DecodeError {
  constructor(public code: DecodeErrorCode, public offset: i32, public message: string) {}
  toString(): string { return this.message + " at byte " + this.offset.toString(); }
}

/** Either a value or a decode error. */
export class Decoded {
  constructor(public value: Value | null, public error: DecodeError | null) {}
  get ok(): bool { return this.error == null; }
}

// ---------------------------------------------------------------- encoder

/** A growable byte sink. */
export class Writer {
  buf: Uint8Array;
  len: i32 = 0;
  constructor(capacity: i32 = 64) { this.buf = new Uint8Array(capacity > 8 ? capacity : 8); }

  @inline ensure(n: i32): void {
    if (this.len + n > this.buf.length) this.grow(n);
  }
  private grow(n: i32): void {
    let cap = this.buf.length << 1;
    while (cap < this.len + n) cap <<= 1;
    const nb = new Uint8Array(cap);
    memory.copy(nb.dataStart, this.buf.dataStart, this.len);
    this.buf = nb;
  }
  u8(b: u32): void { this.ensure(1); unchecked((this.buf[this.len++] = <u8>b)); }
  be16(v: u32): void { this.ensure(2); store<u16>(this.buf.dataStart + this.len, bswap<u16>(<u16>v)); this.len += 2; }
  be32(v: u32): void { this.ensure(4); store<u32>(this.buf.dataStart + this.len, bswap<u32>(v)); this.len += 4; }
  be64(v: u64): void { this.ensure(8); store<u64>(this.buf.dataStart + this.len, bswap<u64>(v)); this.len += 8; }
  bytes(src: usize, n: i32): void { this.ensure(n); memory.copy(this.buf.dataStart + this.len, src, n); this.len += n; }
  /** The written bytes (a copy sized exactly). */
  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}

/** Integers beyond 32 bits but within ±2^53 go out as float64, as msgpackr writes JS numbers. */
const SAFE_INT: i64 = 9007199254740992;

function writeInt(w: Writer, i: i64): void {
  if ((i > 0xffffffff || i < -2147483648) && i <= SAFE_INT && i >= -SAFE_INT) {
    w.u8(0xcb);
    w.be64(reinterpret<u64>(<f64>i));
    return;
  }
  if (i >= 0) {
    if (i < 128) w.u8(<u32>i);
    else if (i < 256) { w.u8(0xcc); w.u8(<u32>i); }
    else if (i < 65536) { w.u8(0xcd); w.be16(<u32>i); }
    else if (i < 4294967296) { w.u8(0xce); w.be32(<u32>i); }
    else { w.u8(0xcf); w.be64(<u64>i); }
  } else {
    if (i >= -32) w.u8(<u32>(<i32>i & 0xff));
    else if (i >= -128) { w.u8(0xd0); w.u8(<u32>(<i32>i & 0xff)); }
    else if (i >= -32768) { w.u8(0xd1); w.be16(<u32>(<i32>i & 0xffff)); }
    else if (i >= -2147483648) { w.u8(0xd2); w.be32(<u32>i); }
    else { w.u8(0xd3); w.be64(<u64>i); }
  }
}

/** Writes a string header + UTF-8 bytes. */
export function writeStr(w: Writer, s: string): void {
  const n = String.UTF8.byteLength(s);
  if (n < 32) w.u8(0xa0 | n);
  else if (n < 256) { w.u8(0xd9); w.u8(n); }
  else if (n < 65536) { w.u8(0xda); w.be16(n); }
  else { w.u8(0xdb); w.be32(n); }
  w.ensure(n);
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, w.buf.dataStart + w.len);
  w.len += n;
}

/** Writes a binary header + bytes. */
export function writeBin(w: Writer, b: Uint8Array): void {
  const n = b.length;
  if (n < 256) { w.u8(0xc4); w.u8(n); }
  else if (n < 65536) { w.u8(0xc5); w.be16(n); }
  else { w.u8(0xc6); w.be32(n); }
  w.bytes(b.dataStart, n);
}

function writeArrayHeader(w: Writer, n: i32): void {
  if (n < 16) w.u8(0x90 | n);
  else if (n < 65536) { w.u8(0xdc); w.be16(n); }
  else { w.u8(0xdd); w.be32(n); }
}

function writeMapHeader(w: Writer, n: i32): void {
  if (n < 16) w.u8(0x80 | n);
  else if (n < 65536) { w.u8(0xde); w.be16(n); }
  else { w.u8(0xdf); w.be32(n); }
}

export function writeValue(w: Writer, v: Value): void {
  switch (v.kind) {
    case Kind.Nil: w.u8(0xc0); break;
    case Kind.Bool: w.u8(v.b ? 0xc3 : 0xc2); break;
    case Kind.Int: writeInt(w, v.i); break;
    case Kind.Float: w.u8(0xcb); w.be64(reinterpret<u64>(v.f)); break;
    case Kind.Str: writeStr(w, v.s); break;
    case Kind.Bin: writeBin(w, v.bin!); break;
    case Kind.Array: {
      const it = v.items!;
      writeArrayHeader(w, it.length);
      for (let n = 0; n < it.length; n++) writeValue(w, unchecked(it[n]));
      break;
    }
    default: {
      const ks = v.items!;
      const vs = v.vals!;
      writeMapHeader(w, ks.length);
      for (let n = 0; n < ks.length; n++) { writeValue(w, unchecked(ks[n])); writeValue(w, unchecked(vs[n])); }
    }
  }
}

/** Encodes `v` as msgpack. */
export function encode(v: Value): Uint8Array {
  const w = new Writer(64);
  writeValue(w, v);
  return w.finish();
}

// ---------------------------------------------------------------- decoder

class Reader {
  pos: i32 = 0;
  err: DecodeError | null = null;
  constructor(public ptr: usize, public len: i32, public maxDepth: i32) {}

  fail(code: DecodeErrorCode, message: string): Value {
    if (!this.err) this.err = new DecodeError(code, this.pos, message);
    return Value.nil();
  }
  need(n: i64): bool {
    if (<i64>this.pos + n > <i64>this.len) {
      this.fail(n > <i64>this.len ? DecodeErrorCode.TooLong : DecodeErrorCode.Truncated, "msgpack input ends early");
      return false;
    }
    return true;
  }
  u8(): u32 { const b = <u32>load<u8>(this.ptr + this.pos); this.pos += 1; return b; }
  be16(): u32 { const b = <u32>bswap<u16>(load<u16>(this.ptr + this.pos)); this.pos += 2; return b; }
  be32(): u32 { const b = bswap<u32>(load<u32>(this.ptr + this.pos)); this.pos += 4; return b; }
  be64(): u64 { const b = bswap<u64>(load<u64>(this.ptr + this.pos)); this.pos += 8; return b; }

  str(n: i64): Value {
    if (!this.need(n)) return Value.nil();
    const s = String.UTF8.decodeUnsafe(this.ptr + this.pos, <usize>n);
    this.pos += <i32>n;
    return Value.str(s);
  }
  bin(n: i64): Value {
    if (!this.need(n)) return Value.nil();
    const b = new Uint8Array(<i32>n);
    memory.copy(b.dataStart, this.ptr + this.pos, <usize>n);
    this.pos += <i32>n;
    return Value.bin(b);
  }
  array(n: i64, depth: i32): Value {
    if (depth >= this.maxDepth) return this.fail(DecodeErrorCode.TooDeep, "msgpack nesting deeper than " + this.maxDepth.toString());
    // every item takes at least one byte: a count beyond the remaining input is malformed
    if (!this.need(n)) return Value.nil();
    const items = new Array<Value>(<i32>n);
    for (let k = 0; k < <i32>n; k++) {
      unchecked((items[k] = this.value(depth + 1)));
      if (this.err) return Value.nil();
    }
    return Value.array(items);
  }
  map(n: i64, depth: i32): Value {
    if (depth >= this.maxDepth) return this.fail(DecodeErrorCode.TooDeep, "msgpack nesting deeper than " + this.maxDepth.toString());
    if (!this.need(n * 2)) return Value.nil();
    const v = Value.map();
    const ks = v.items!;
    const vs = v.vals!;
    for (let k = 0; k < <i32>n; k++) {
      ks.push(this.value(depth + 1));
      if (this.err) return Value.nil();
      vs.push(this.value(depth + 1));
      if (this.err) return Value.nil();
    }
    return v;
  }

  value(depth: i32): Value {
    if (!this.need(1)) return Value.nil();
    const t = this.u8();
    return this.typed(t, depth);
  }

  typed(t: u32, depth: i32): Value {
    if (t < 0x80) return Value.int(<i64>t);
    if (t >= 0xe0) return Value.int(<i64>(<i8>t));
    if (t < 0x90) return this.map(<i64>(t & 0x0f), depth);
    if (t < 0xa0) return this.array(<i64>(t & 0x0f), depth);
    if (t < 0xc0) return this.str(<i64>(t & 0x1f));
    switch (t) {
      case 0xc0: return Value.nil();
      case 0xc2: return Value.bool(false);
      case 0xc3: return Value.bool(true);
      case 0xc4: return this.need(1) ? this.bin(<i64>this.u8()) : Value.nil();
      case 0xc5: return this.need(2) ? this.bin(<i64>this.be16()) : Value.nil();
      case 0xc6: return this.need(4) ? this.bin(<i64>this.be32()) : Value.nil();
      case 0xca: return this.need(4) ? Value.float(<f64>reinterpret<f32>(this.be32())) : Value.nil();
      case 0xcb: return this.need(8) ? Value.float(reinterpret<f64>(this.be64())) : Value.nil();
      case 0xcc: return this.need(1) ? Value.int(<i64>this.u8()) : Value.nil();
      case 0xcd: return this.need(2) ? Value.int(<i64>this.be16()) : Value.nil();
      case 0xce: return this.need(4) ? Value.int(<i64>this.be32()) : Value.nil();
      case 0xcf: return this.need(8) ? this.u64() : Value.nil();
      case 0xd0: return this.need(1) ? Value.int(<i64>(<i8>this.u8())) : Value.nil();
      case 0xd1: return this.need(2) ? Value.int(<i64>(<i16>this.be16())) : Value.nil();
      case 0xd2: return this.need(4) ? Value.int(<i64>(<i32>this.be32())) : Value.nil();
      case 0xd3: return this.need(8) ? Value.int(<i64>this.be64()) : Value.nil();
      case 0xd9: return this.need(1) ? this.str(<i64>this.u8()) : Value.nil();
      case 0xda: return this.need(2) ? this.str(<i64>this.be16()) : Value.nil();
      case 0xdb: return this.need(4) ? this.str(<i64>this.be32()) : Value.nil();
      case 0xdc: return this.need(2) ? this.array(<i64>this.be16(), depth) : Value.nil();
      case 0xdd: return this.need(4) ? this.array(<i64>this.be32(), depth) : Value.nil();
      case 0xde: return this.need(2) ? this.map(<i64>this.be16(), depth) : Value.nil();
      case 0xdf: return this.need(4) ? this.map(<i64>this.be32(), depth) : Value.nil();
    }
    this.pos -= 1;
    return this.fail(DecodeErrorCode.BadType, "msgpack type 0x" + t.toString(16) + " is not accepted");
  }

  u64(): Value {
    const u = this.be64();
    // above i64's range: kept as the nearest float rather than wrapped to a negative int
    return u > <u64>i64.MAX_VALUE ? Value.float(<f64>u) : Value.int(<i64>u);
  }
}

/** Decodes exactly one msgpack value from `len` bytes at `ptr`. */
export function decodeRaw(ptr: usize, len: i32, maxDepth: i32 = DEFAULT_MAX_DEPTH): Decoded {
  const r = new Reader(ptr, len, maxDepth);
  const v = r.value(0);
  if (!r.err && r.pos != len) r.fail(DecodeErrorCode.Trailing, "bytes after the msgpack value");
  return r.err ? new Decoded(null, r.err) : new Decoded(v, null);
}

/** Decodes exactly one msgpack value from `bytes`. */
export function decode(bytes: Uint8Array, maxDepth: i32 = DEFAULT_MAX_DEPTH): Decoded {
  return decodeRaw(bytes.dataStart, bytes.length, maxDepth);
}
