/**
 * Fixed-size digests: checksum160 (ripemd160), checksum256 (sha256: transaction ids, chain ids,
 * digests) and checksum512. JSON form is lower-case hex; binary form is the raw bytes.
 */
import { AntelopeError, describe } from './error.js';
import { bytesEqual, bytesToHex, hexToBytes } from './bytes.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';
import { ripemd160, sha256, sha512 } from './hash.js';

abstract class Checksum {
  readonly array: Uint8Array;
  protected constructor(array: Uint8Array, size: number, type: string) {
    if (array.length !== size) {
      throw new AntelopeError('INVALID_CHECKSUM', `${type}: expected ${size} bytes, got ${array.length}`);
    }
    this.array = array;
  }
  equals(other: Checksum | Uint8Array | string): boolean {
    const b = other instanceof Checksum ? other.array : other instanceof Uint8Array ? other : hexToBytes(other);
    return bytesEqual(this.array, b);
  }
  get hexString(): string {
    return bytesToHex(this.array);
  }
  toString(): string {
    return this.hexString;
  }
  toJSON(): string {
    return this.hexString;
  }
  encode(w: BinaryWriter): void {
    w.raw(this.array);
  }
}

function input(value: unknown, type: string): Uint8Array {
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value === 'string') return hexToBytes(value, type);
  throw new AntelopeError('INVALID_CHECKSUM', `${type}: expected hex string or bytes, got ${describe(value)}`);
}

export type Checksum160Type = Checksum160 | Uint8Array | string;
export class Checksum160 extends Checksum {
  static readonly size = 20;
  constructor(array: Uint8Array) {
    super(array, 20, 'checksum160');
  }
  static from(value: Checksum160Type): Checksum160 {
    return value instanceof Checksum160 ? value : new Checksum160(input(value, 'checksum160'));
  }
  static decode(r: BinaryReader): Checksum160 {
    return new Checksum160(r.raw(20).slice());
  }
  static hash(data: Uint8Array): Checksum160 {
    return new Checksum160(ripemd160(data));
  }
}

export type Checksum256Type = Checksum256 | Uint8Array | string;
export class Checksum256 extends Checksum {
  static readonly size = 32;
  constructor(array: Uint8Array) {
    super(array, 32, 'checksum256');
  }
  static from(value: Checksum256Type): Checksum256 {
    return value instanceof Checksum256 ? value : new Checksum256(input(value, 'checksum256'));
  }
  static decode(r: BinaryReader): Checksum256 {
    return new Checksum256(r.raw(32).slice());
  }
  static hash(data: Uint8Array): Checksum256 {
    return new Checksum256(sha256(data));
  }
}

export type Checksum512Type = Checksum512 | Uint8Array | string;
export class Checksum512 extends Checksum {
  static readonly size = 64;
  constructor(array: Uint8Array) {
    super(array, 64, 'checksum512');
  }
  static from(value: Checksum512Type): Checksum512 {
    return value instanceof Checksum512 ? value : new Checksum512(input(value, 'checksum512'));
  }
  static decode(r: BinaryReader): Checksum512 {
    return new Checksum512(r.raw(64).slice());
  }
  static hash(data: Uint8Array): Checksum512 {
    return new Checksum512(sha512(data));
  }
}
