/**
 * Antelope `name`: up to 13 characters of `.12345a-z` packed into a u64 (5 bits per character,
 * 4 for the 13th). Contracts mostly handle names as plain u64; `N("alice")` converts a literal.
 */
import { check } from "./check";

const CHARMAP = ".12345abcdefghijklmnopqrstuvwxyz";

function charToSymbol(c: i32): u64 {
  if (c >= 0x61 && c <= 0x7a) return <u64>(c - 0x61 + 6);
  if (c >= 0x31 && c <= 0x35) return <u64>(c - 0x31 + 1);
  if (c == 0x2e) return 0;
  check(false, "character is not in allowed character set for names");
  return 0;
}

/** The u64 value of a name string; fails on strings Antelope would refuse. */
export function N(s: string): u64 {
  const n = s.length;
  check(n <= 13, "string is too long to be a valid name");
  let value: u64 = 0;
  for (let i = 0; i < n; i++) {
    let c = charToSymbol(s.charCodeAt(i));
    if (i < 12) {
      value |= (c & 0x1f) << (64 - 5 * (i + 1));
    } else {
      check(c <= 0x0f, "thirteenth character in name cannot be a letter that comes after j");
      value |= c;
    }
  }
  return value;
}

/** The string form of a name value (trailing dots trimmed). */
export function nameToString(value: u64): string {
  let out = "";
  let tmp = value;
  const chars = new Array<string>(13);
  for (let i = 0; i <= 12; i++) {
    const c = <i32>(tmp & (i == 0 ? 0x0f : 0x1f));
    chars[12 - i] = CHARMAP.charAt(c);
    tmp >>= i == 0 ? 4 : 5;
  }
  let end = 13;
  while (end > 0 && chars[end - 1] == ".") end--;
  for (let i = 0; i < end; i++) out += chars[i];
  return out;
}

/** A name as a value object, for code that prefers `Name.from("alice").toString()`. */
export class Name {
  constructor(public value: u64 = 0) {}
  static from(s: string): Name { return new Name(N(s)); }
  toString(): string { return nameToString(this.value); }
  @operator("==") eq(other: Name): bool { return this.value == other.value; }
  @operator("!=") ne(other: Name): bool { return this.value != other.value; }
}
