/**
 * Antelope `name`: up to 13 characters from `.12345abcdefghijklmnopqrstuvwxyz` packed into a u64,
 * 5 bits per character for the first 12 and 4 bits for the 13th (so it is limited to `.1-5a-j`).
 * Like Leap, we refuse strings that would not round-trip ("not properly normalized"): upper case,
 * other characters, more than 13 characters, a 13th character past `j`, or trailing dots.
 * The u64 is kept as two 32-bit halves so the hot path never touches bigint.
 */
import { AntelopeError, describe } from './error.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

const CHARMAP = '.12345abcdefghijklmnopqrstuvwxyz';
const SYMBOL = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARMAP.length; i++) SYMBOL[CHARMAP.charCodeAt(i)] = i;

const CACHE_LIMIT = 8192; // names repeat (accounts, actions, permissions); bounded so input cannot grow it
const cache = new Map<string, Name>();
/** Slots of `fromParts`'s table (a power of two): bounded, a miss only rebuilds the text. */
export const NAME_PARTS_SLOTS = 1024;
const partsCache: Array<Name | undefined> = new Array(NAME_PARTS_SLOTS);

export type NameType = Name | string | bigint;

/** An account name as `newaccount` accepts it: 1–12 of a–z, 1–5 and '.', not ending with '.' (a
 * 13-character `name` is valid, but never an account). Also the shape of action names apps use. */
export const ACCOUNT_NAME_PATTERN = /^[a-z1-5.]{0,11}[a-z1-5]$/;

export class Name {
  /** Low and high 32 bits of the u64 value. */
  readonly lo: number;
  readonly hi: number;
  private readonly text: string;

  private constructor(text: string, lo: number, hi: number) {
    this.text = text;
    this.lo = lo;
    this.hi = hi;
  }

  static from(value: NameType): Name {
    if (value instanceof Name) return value;
    if (typeof value === 'string') return Name.fromString(value);
    if (typeof value === 'bigint') return Name.fromU64(value);
    throw new AntelopeError('INVALID_NAME', `name: expected a string, got ${describe(value)}`);
  }

  static fromString(s: string): Name {
    const hit = cache.get(s);
    if (hit) return hit;
    const n = s.length;
    if (n > 13) throw new AntelopeError('INVALID_NAME', `name: expected at most 13 characters, got ${n} in ${JSON.stringify(s)}`);
    let lo = 0,
      hi = 0;
    for (let i = 0; i < n; i++) {
      const code = s.charCodeAt(i);
      const c = code < 128 ? SYMBOL[code]! : -1;
      if (c < 0) {
        throw new AntelopeError(
          'INVALID_NAME',
          `name: character ${JSON.stringify(s[i])} at ${i} of ${JSON.stringify(s)} is not one of ".12345a-z"`,
        );
      }
      if (i === 12) {
        if (c > 15)
          throw new AntelopeError(
            'INVALID_NAME',
            `name: 13th character must be one of ".12345a-j", got ${JSON.stringify(s[i])} in ${JSON.stringify(s)}`,
          );
        lo |= c;
        continue;
      }
      const p = 59 - 5 * i;
      if (p >= 32) hi |= c << (p - 32);
      else if (p + 5 <= 32) lo |= c << p;
      else {
        lo |= c << p;
        hi |= c >>> (32 - p);
      }
    }
    if (n > 0 && s.charCodeAt(n - 1) === 46) {
      throw new AntelopeError('INVALID_NAME', `name: ${JSON.stringify(s)} is not normalised (trailing dots)`);
    }
    const name = new Name(s, lo >>> 0, hi >>> 0);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(s, name);
    return name;
  }

  static fromParts(lo: number, hi: number): Name {
    lo >>>= 0;
    hi >>>= 0;
    // decoding meets the same few names over and over (every action's account, name, actor,
    // permission): a direct-mapped table of the last name per slot spares building the text again
    const slot = (Math.imul(hi, 0x9e3779b1) ^ lo) & (NAME_PARTS_SLOTS - 1);
    const hit = partsCache[slot];
    if (hit !== undefined && hit.lo === lo && hit.hi === hi) return hit;
    const name = Name.textOf(lo, hi);
    partsCache[slot] = name;
    return name;
  }

  private static textOf(lo: number, hi: number): Name {
    let out = '';
    for (let i = 0; i < 13; i++) {
      let c: number;
      if (i === 12) c = lo & 0x0f;
      else {
        const p = 59 - 5 * i;
        if (p >= 32) c = (hi >>> (p - 32)) & 0x1f;
        else if (p + 5 <= 32) c = (lo >>> p) & 0x1f;
        else c = ((lo >>> p) | (hi << (32 - p))) & 0x1f;
      }
      out += CHARMAP[c];
    }
    let end = 13;
    while (end > 0 && out.charCodeAt(end - 1) === 46) end--;
    return new Name(out.slice(0, end), lo, hi);
  }

  static fromU64(v: bigint): Name {
    if (v < 0n || v > 0xffffffffffffffffn) throw new AntelopeError('INVALID_NAME', `name: u64 value out of range: ${v}`);
    return Name.fromParts(Number(v & 0xffffffffn), Number(v >> 32n));
  }

  static decode(r: BinaryReader): Name {
    const [lo, hi] = r.u64parts();
    return Name.fromParts(lo, hi);
  }

  /** The u64 value. */
  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  equals(other: NameType): boolean {
    const o = Name.from(other);
    return o.lo === this.lo && o.hi === this.hi;
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
  encode(w: BinaryWriter): void {
    w.u64parts(this.lo, this.hi);
  }
}

/**
 * Whether `v` is a name's canonical text: it parses and prints back the same (no upper case, no
 * 13th character past 'j', no trailing dots). The empty string is the empty name. For text from
 * outside (a DMCS's JSON, a snapshot) where a name must go.
 */
export function isCanonicalName(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 13) return false;
  try {
    return Name.fromString(v).toString() === v;
  } catch {
    return false;
  }
}
