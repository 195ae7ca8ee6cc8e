/**
 * Growable little-endian byte sink for the Antelope wire format.
 * The buffer grows geometrically (doubling) so encoding is amortised O(n) with no per-byte
 * allocation; a writer can be `reset()` and reused across messages to avoid even that.
 */
import { AntelopeError } from './error.js';

const INITIAL_CAPACITY = 256; // most actions fit; doubling covers the rest

export class BinaryWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  pos = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  /** Bytes the writer can hold before it grows. */
  get capacity(): number {
    return this.buf.length;
  }

  /** A copy of the bytes written so far (safe to keep after `reset`). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** A view of the bytes written so far (valid only until the next write or `reset`). */
  peek(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }
  i8(v: number): void {
    this.u8(v & 0xff);
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf,
      p = this.pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.pos = p + 4;
  }
  i32(v: number): void {
    this.u32(v >>> 0);
  }
  /** Two 32-bit halves; the fast path for u64 values known as numbers. */
  u64parts(lo: number, hi: number): void {
    this.ensure(8);
    const b = this.buf,
      p = this.pos;
    b[p] = lo;
    b[p + 1] = lo >>> 8;
    b[p + 2] = lo >>> 16;
    b[p + 3] = lo >>> 24;
    b[p + 4] = hi;
    b[p + 5] = hi >>> 8;
    b[p + 6] = hi >>> 16;
    b[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }
  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }
  /** 128-bit two's complement (`v` already reduced to the unsigned range). */
  u128(v: bigint): void {
    this.ensure(16);
    this.view.setBigUint64(this.pos, v & 0xffffffffffffffffn, true);
    this.view.setBigUint64(this.pos + 8, v >> 64n, true);
    this.pos += 16;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  varuint32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new AntelopeError('INVALID_VALUE', `expected a varuint32 (0..4294967295), got ${v}`);
    }
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v = v >>> 7;
    }
    b[p++] = v;
    this.pos = p;
  }
  varint32(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new AntelopeError('INVALID_VALUE', `expected a varint32 (-2147483648..2147483647), got ${v}`);
    }
    this.varuint32(((v << 1) ^ (v >> 31)) >>> 0); // zigzag
  }
  /** Raw bytes, no length prefix. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  /** Raw bytes held as a latin1 string (one char per byte, each below 256), no length prefix. */
  rawLatin1(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    const at = this.pos;
    for (let i = 0; i < n; i++) b[at + i] = s.charCodeAt(i);
    this.pos = at + n;
  }
  /** varuint32 length followed by the bytes. */
  bytes(bytes: Uint8Array): void {
    this.varuint32(bytes.length);
    this.raw(bytes);
  }
  /** varuint32 UTF-8 length followed by the UTF-8 bytes. ASCII takes a copy-free fast path. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      this.ensure(n + 1);
      const b = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === n) {
        b[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.varuint32(len);
    this.ensure(len);
    const written = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length).write(s, this.pos, len, 'utf8');
    this.pos += written;
  }
}

/** Largest buffer kept for reuse: a big setcode transaction should not pin megabytes afterwards. */
const SCRATCH_KEEP_LIMIT = 64 * 1024;
let scratch: BinaryWriter | null = null;

/**
 * Run `fn` with a reusable writer and return a copy of what it wrote. Saves allocating and zeroing
 * a fresh buffer per message (the largest cost when encoding small transactions); a nested call
 * while the scratch writer is in use simply gets a writer of its own.
 */
export function encodeWith(fn: (w: BinaryWriter) => void): Uint8Array {
  const w = scratch ?? new BinaryWriter(1024);
  scratch = null;
  try {
    w.reset();
    fn(w);
    return w.finish();
  } finally {
    if (w.capacity <= SCRATCH_KEEP_LIMIT) scratch = w;
  }
}
