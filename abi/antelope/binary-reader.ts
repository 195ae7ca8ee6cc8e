/**
 * Bounds-checked little-endian reader for the Antelope wire format. Every read checks the
 * remaining length first and throws `DECODE_EOF` naming what it wanted; nothing reads past the end.
 */
import { AntelopeError } from './error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class BinaryReader {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  /**
   * varuint32s read so far in a longer spelling than needed (`80 00` for 0): accepted, as Leap
   * accepts them, but their bytes are not what re-serializing writes (the id covers the latter).
   */
  nonMinimalVaruints = 0;

  constructor(bytes: Uint8Array) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new AntelopeError(
        'DECODE_EOF',
        `expected ${n} byte(s) for ${what} at offset ${this.pos}, only ${this.buf.length - this.pos} left`,
      );
    }
  }

  u8(): number {
    this.need(1, 'uint8');
    return this.buf[this.pos++]!;
  }
  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new AntelopeError('DECODE_INVALID', `expected bool 0 or 1, got ${v}`);
    return v === 1;
  }
  i8(): number {
    this.need(1, 'int8');
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2, 'uint16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(): number {
    this.need(2, 'int16');
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, 'uint32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4, 'int32');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8, 'uint64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8, 'int64');
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** Low and high 32-bit halves of a u64, without bigint. */
  u64parts(): [number, number] {
    this.need(8, 'uint64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return [lo, hi];
  }
  u128(): bigint {
    this.need(16, 'uint128');
    const lo = this.view.getBigUint64(this.pos, true);
    const hi = this.view.getBigUint64(this.pos + 8, true);
    this.pos += 16;
    return (hi << 64n) | lo;
  }
  f32(): number {
    this.need(4, 'float32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8, 'float64');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  varuint32(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (shift >= 35) throw new AntelopeError('DECODE_INVALID', `varuint32 longer than 5 bytes at offset ${this.pos}`);
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (b === 0 && shift > 7) this.nonMinimalVaruints++; // a last byte of zero bits after the first
        break;
      }
    }
    if (v > 0xffffffff) throw new AntelopeError('DECODE_INVALID', `varuint32 out of range: ${v}`);
    return v;
  }
  varint32(): number {
    const v = this.varuint32();
    return (v >>> 1) ^ -(v & 1);
  }
  /** `n` raw bytes as a view into the input (no copy). */
  raw(n: number): Uint8Array {
    this.need(n, `${n} raw bytes`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** varuint32 length then bytes (copied, so the result outlives the input). */
  bytes(): Uint8Array {
    const n = this.varuint32();
    return this.raw(n).slice();
  }
  string(): string {
    const n = this.varuint32();
    this.need(n, 'string');
    const start = this.pos;
    const b = this.buf;
    let ascii = n <= 64;
    if (ascii) {
      for (let i = 0; i < n; i++)
        if (b[start + i]! >= 0x80) {
          ascii = false;
          break;
        }
    }
    this.pos += n;
    if (ascii) return String.fromCharCode.apply(null, b.subarray(start, start + n) as unknown as number[]);
    try {
      return utf8.decode(b.subarray(start, start + n));
    } catch {
      throw new AntelopeError('DECODE_INVALID', `string at offset ${start} is not valid UTF-8`);
    }
  }
}
