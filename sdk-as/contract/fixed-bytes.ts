/**
 * Fixed-size byte values: `checksum160/256/512` (raw bytes on the wire) and the 128-bit numbers
 * `uint128`, `int128` and `float128` (16 little-endian bytes; the contract only carries them).
 */

export class FixedBytes {
  bytes: Uint8Array;
  constructor(size: i32) { this.bytes = new Uint8Array(size); }
  @operator("==") eq(other: FixedBytes): bool {
    if (this.bytes.length != other.bytes.length) return false;
    for (let i = 0; i < this.bytes.length; i++) if (unchecked(this.bytes[i]) != unchecked(other.bytes[i])) return false;
    return true;
  }
  @operator("!=") ne(other: FixedBytes): bool { return !this.eq(other); }
}

export class Checksum160 extends FixedBytes { constructor() { super(20); } }
export class Checksum256 extends FixedBytes { constructor() { super(32); } }
export class Checksum512 extends FixedBytes { constructor() { super(64); } }

/** `uint128`: low and high 64 bits. */
export class U128 {
  constructor(public lo: u64 = 0, public hi: u64 = 0) {}
}
/** `int128`: two's complement, low and high 64 bits. */
export class I128 {
  constructor(public lo: u64 = 0, public hi: i64 = 0) {}
}
/** `float128`: the 16 bytes of an IEEE binary128 (carried, not computed with). */
export class Float128 extends FixedBytes { constructor() { super(16); } }
