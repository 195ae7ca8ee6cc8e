/**
 * Antelope `name`: up to 13 characters of `.12345a-z` packed into a u64 (5 bits per character,
 * 4 for the 13th). Contracts mostly handle names as plain u64; `N("alice")` converts a literal.
 */
import { check } from "./check";

const CHARMAP = ".12345abcdefghijklmnopqrstuvwxyz";

/** The u64 value of a name string; fails on strings Antelope would refuse. */
export function N(s: string): u64 {
  const n = s.length;
  let value: u64 = 0;
  let bad = n > 13;
  let tooHigh = false;
  const base = changetype<usize>(s);
  // one tight loop (the CPU metering charges a loop's whole body per iteration); errors reported after
  for (let i = 0; i < n && i < 13; i++) {
    const c = <u32>load<u16>(base + (<usize>i << 1));
    let v: u64 = 0;
    if (c - 0x61 < 26) v = <u64>(c - 0x61 + 6);
    else if (c - 0x31 < 5) v = <u64>(c - 0x30);
    else bad = bad || c != 0x2e;
    if (i < 12) value |= v << (59 - 5 * <u64>i);
    else { tooHigh = v > 15; value |= v; }
  }
  if (bad || tooHigh) nameError(s, tooHigh);
  return value;
}

function nameError(s: string, tooHigh: bool): void {
  check(s.length <= 13, "string is too long to be a valid name");
  check(!tooHigh, "thirteenth character in name cannot be a letter that comes after j");
  check(false, "character is not in allowed character set for names");
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

/**
 * A name as the contract SDK passes it: the u64 itself, so intrinsics take it unchanged. The
 * contract transform reads the written type `Name` and declares the field `name` in the ABI.
 */
export type Name = u64;
