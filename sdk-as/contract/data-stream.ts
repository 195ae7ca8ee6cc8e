/**
 * Antelope binary serialization (little-endian fixed-size integers, varuint32 lengths, UTF-8
 * strings): what action data, table rows and inline actions are made of. One class reads and
 * writes; reads past the end fail with "read past the end of the data stream" instead of reading
 * stray memory. Contract types implement `pack(ds)` / `unpack(ds)` with these primitives.
 */
import { check } from "./check";
import { Asset } from "./asset";
import { AssetSymbol } from "./symbol";
import { Checksum160, Checksum256, Checksum512, Float128, I128, U128 } from "./fixed-bytes";
import { KEY_TYPE_WA, PublicKey, Signature } from "./crypto-types";
import { ExtendedAsset } from "./extended-asset";

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
  readI8(): i8 { return load<i8>(this.need(1)); }
  readI16(): i16 { return load<i16>(this.need(2)); }
  readF32(): f32 { return load<f32>(this.need(4)); }
  readF64(): f64 { return load<f64>(this.need(8)); }

  /** A zig-zag varint32 (Antelope `varint32`). */
  readVarI32(): i32 {
    const z = this.readVarU32();
    return <i32>(z >>> 1) ^ -(<i32>(z & 1));
  }

  /** `n` raw bytes (checksums, keys, 128-bit numbers). */
  readFixed(n: u32): Uint8Array {
    const at = this.need(n);
    const out = new Uint8Array(<i32>n);
    memory.copy(out.dataStart, at, n);
    return out;
  }

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

  readExtendedAsset(): ExtendedAsset {
    const quantity = this.readAsset();
    return new ExtendedAsset(quantity, this.readName());
  }

  readChecksum160(): Checksum160 { const c = new Checksum160(); c.bytes = this.readFixed(20); return c; }
  readChecksum256(): Checksum256 { const c = new Checksum256(); c.bytes = this.readFixed(32); return c; }
  readChecksum512(): Checksum512 { const c = new Checksum512(); c.bytes = this.readFixed(64); return c; }
  readFloat128(): Float128 { const c = new Float128(); c.bytes = this.readFixed(16); return c; }
  readU128(): U128 { const lo = this.readU64(); return new U128(lo, this.readU64()); }
  readI128(): I128 { const lo = this.readU64(); return new I128(lo, this.readI64()); }

  /** A key: its type, then 33 bytes (K1, R1), or for WebAuthn 33 bytes, a presence byte and the rp id. */
  readPublicKey(): PublicKey {
    const type = this.readVarU32();
    const start = this.pos;
    this.need(33);
    if (type == KEY_TYPE_WA) { this.need(1); this.need(this.readVarU32()); }
    return new PublicKey(type, this.copyFrom(start));
  }

  /** A signature: its type, then 65 bytes (K1, R1), or for WebAuthn 65 bytes, authenticator data and client JSON. */
  readSignature(): Signature {
    const type = this.readVarU32();
    const start = this.pos;
    this.need(65);
    if (type == KEY_TYPE_WA) { this.need(this.readVarU32()); this.need(this.readVarU32()); }
    return new Signature(type, this.copyFrom(start));
  }

  private copyFrom(start: u32): Uint8Array {
    const out = new Uint8Array(<i32>(this.pos - start));
    memory.copy(out.dataStart, this.ptr + start, this.pos - start);
    return out;
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
  writeI8(v: i8): void { store<i8>(this.room(1), v); }
  writeI16(v: i16): void { store<i16>(this.room(2), v); }
  writeF32(v: f32): void { store<f32>(this.room(4), v); }
  writeF64(v: f64): void { store<f64>(this.room(8), v); }
  writeVarI32(v: i32): void { this.writeVarU32(<u32>((v << 1) ^ (v >> 31))); }
  /** The bytes of `b` without a length prefix. */
  writeFixed(b: Uint8Array): void { this.writeRaw(b.dataStart, <u32>b.length, false); }

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

  writeExtendedAsset(a: ExtendedAsset): void { this.writeAsset(a.quantity); this.writeName(a.contract); }
  writeChecksum160(c: Checksum160): void { this.writeFixed(c.bytes); }
  writeChecksum256(c: Checksum256): void { this.writeFixed(c.bytes); }
  writeChecksum512(c: Checksum512): void { this.writeFixed(c.bytes); }
  writeFloat128(c: Float128): void { this.writeFixed(c.bytes); }
  writeU128(v: U128): void { this.writeU64(v.lo); this.writeU64(v.hi); }
  writeI128(v: I128): void { this.writeU64(v.lo); this.writeI64(v.hi); }
  writePublicKey(k: PublicKey): void { this.writeVarU32(k.type); this.writeFixed(k.data); }
  writeSignature(s: Signature): void { this.writeVarU32(s.type); this.writeFixed(s.data); }
}
