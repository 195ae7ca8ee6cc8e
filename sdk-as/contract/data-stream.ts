/**
 * Antelope binary serialization (little-endian fixed-size integers, varuint32 lengths, UTF-8
 * strings): what action data, table rows and inline actions are made of. One class reads and
 * writes; reads past the end fail with "read past the end of the data stream" instead of reading
 * stray memory. Contract types implement `pack(ds)` / `unpack(ds)` with these primitives.
 */
import { check } from "./check";
import { Asset } from "./asset";
import { AssetSymbol } from "./symbol";

export class DataStream {
  /** Bytes owned by the stream; `pos` is the read or write position. */
  buffer: ArrayBuffer;
  pos: u32 = 0;
  /** Readable end (reading) or bytes written so far (writing). */
  end: u32;

  constructor(buffer: ArrayBuffer = new ArrayBuffer(64), end: u32 = 0) {
    this.buffer = buffer;
    this.end = end;
  }

  /** A stream for reading `buffer` whole. */
  static reading(buffer: ArrayBuffer): DataStream {
    return new DataStream(buffer, <u32>buffer.byteLength);
  }

  get ptr(): usize { return changetype<usize>(this.buffer); }
  get remaining(): u32 { return this.end - this.pos; }

  // ---- reading
  private need(n: u32): usize {
    check(this.end - this.pos >= n, "read past the end of the data stream");
    const at = this.ptr + this.pos;
    this.pos += n;
    return at;
  }

  readU8(): u8 { return load<u8>(this.need(1)); }
  readBool(): bool { return load<u8>(this.need(1)) != 0; }
  readU16(): u16 { return load<u16>(this.need(2)); }
  readU32(): u32 { return load<u32>(this.need(4)); }
  readI32(): i32 { return load<i32>(this.need(4)); }
  readU64(): u64 { return load<u64>(this.need(8)); }
  readI64(): i64 { return load<i64>(this.need(8)); }
  readName(): u64 { return this.readU64(); }

  readVarU32(): u32 {
    let value: u32 = 0, shift: u32 = 0, b: u8;
    do {
      check(shift < 35, "varuint32 too long");
      b = this.readU8();
      value |= (<u32>(b & 0x7f)) << shift;
      shift += 7;
    } while (b & 0x80);
    return value;
  }

  readString(): string {
    const n = this.readVarU32();
    const at = this.need(n);
    return String.UTF8.decodeUnsafe(at, n);
  }

  readBytes(): ArrayBuffer {
    const n = this.readVarU32();
    const at = this.need(n);
    const out = new ArrayBuffer(<i32>n);
    memory.copy(changetype<usize>(out), at, n);
    return out;
  }

  readSymbol(): AssetSymbol { return new AssetSymbol(this.readU64()); }

  readAsset(): Asset {
    const amount = this.readI64();
    return new Asset(amount, this.readSymbol());
  }

  // ---- writing
  private room(n: u32): usize {
    const want = this.pos + n;
    const cap = <u32>this.buffer.byteLength;
    if (want > cap) {
      let size = cap * 2;
      if (size < want) size = want;
      const next = new ArrayBuffer(<i32>size);
      memory.copy(changetype<usize>(next), this.ptr, this.pos);
      this.buffer = next;
    }
    const at = this.ptr + this.pos;
    this.pos = want;
    if (want > this.end) this.end = want;
    return at;
  }

  writeU8(v: u8): void { store<u8>(this.room(1), v); }
  writeBool(v: bool): void { store<u8>(this.room(1), v ? 1 : 0); }
  writeU16(v: u16): void { store<u16>(this.room(2), v); }
  writeU32(v: u32): void { store<u32>(this.room(4), v); }
  writeI32(v: i32): void { store<i32>(this.room(4), v); }
  writeU64(v: u64): void { store<u64>(this.room(8), v); }
  writeI64(v: i64): void { store<i64>(this.room(8), v); }
  writeName(v: u64): void { this.writeU64(v); }

  writeVarU32(v: u32): void {
    do {
      let b = <u8>(v & 0x7f);
      v >>= 7;
      if (v != 0) b |= 0x80;
      this.writeU8(b);
    } while (v != 0);
  }

  writeString(s: string): void {
    const bytes = String.UTF8.encode(s);
    this.writeRaw(changetype<usize>(bytes), <u32>bytes.byteLength, true);
  }

  writeBytes(b: ArrayBuffer): void { this.writeRaw(changetype<usize>(b), <u32>b.byteLength, true); }

  /** Appends `len` bytes at `src`, with a varuint32 length prefix when `prefixed`. */
  writeRaw(src: usize, len: u32, prefixed: bool = false): void {
    if (prefixed) this.writeVarU32(len);
    const at = this.room(len);
    memory.copy(at, src, len);
  }

  writeSymbol(s: AssetSymbol): void { this.writeU64(s.raw); }

  writeAsset(a: Asset): void {
    this.writeI64(a.amount);
    this.writeU64(a.symbol.raw);
  }
}
