/**
 * Antelope `symbol`: a precision (0–18) in the low byte and a symbol code of 1–7 upper-case letters
 * in the 7 bytes above it (first letter lowest). `symbol_code` is the code alone (`raw >> 8`), the
 * primary key of eosio.token's tables.
 */
import { check } from "./check";

/** The u64 of a symbol code string, e.g. "RSN"; fails unless 1–7 letters A–Z. */
export function symbolCode(s: string): u64 {
  const n = s.length;
  check(n > 0 && n <= 7, "string is too long to be a valid symbol_code");
  let value: u64 = 0;
  for (let i = n - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    check(c >= 0x41 && c <= 0x5a, "only uppercase letters allowed in symbol_code string");
    value = (value << 8) | <u64>c;
  }
  return value;
}

/** Whether a symbol code is 1–7 letters A–Z with no gaps (Antelope's `symbol_code::is_valid`). */
export function isValidSymbolCode(code: u64): bool {
  let sym = code;
  for (let i = 0; i < 7; i++) {
    const c = sym & 0xff;
    if (!(c >= 0x41 && c <= 0x5a)) return false;
    sym >>= 8;
    if ((sym & 0xff) == 0) {
      do {
        sym >>= 8;
        if ((sym & 0xff) != 0) return false;
        i++;
      } while (i < 7);
    }
  }
  return true;
}

export function symbolCodeToString(code: u64): string {
  let out = "";
  let v = code;
  while (v != 0) {
    out += String.fromCharCode(<i32>(v & 0xff));
    v >>= 8;
  }
  return out;
}

export class AssetSymbol {
  constructor(public raw: u64 = 0) {}

  static of(code: string, precision: u8): AssetSymbol {
    return new AssetSymbol((symbolCode(code) << 8) | <u64>precision);
  }

  get precision(): u8 { return <u8>(this.raw & 0xff); }
  /** The symbol code as u64 (the tables' primary key). */
  get code(): u64 { return this.raw >> 8; }
  isValid(): bool { return isValidSymbolCode(this.code); }
  toString(): string { return this.precision.toString() + "," + symbolCodeToString(this.code); }

  @operator("==") eq(other: AssetSymbol): bool { return this.raw == other.raw; }
  @operator("!=") ne(other: AssetSymbol): bool { return this.raw != other.raw; }
}
