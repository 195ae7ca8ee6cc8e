/**
 * Byte-level generators shared by the targets: random bytes and mutations of valid seeds — bit
 * flips, interesting bytes, truncation, insertion, deletion, duplication, splicing with another
 * seed, length-field inflation (LEB128 varuints and big-endian u16/u32 set to their maximum) and
 * deep nesting (one prefix repeated thousands of times).
 */
import type { Prng } from './prng.js';

/** Largest input a generator makes (the decoders' own limits are far above or far below). */
export const MAX_INPUT_BYTES = 64 * 1024;

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xc0, 0xc1, 0x90, 0xdc, 0xdd, 0xde, 0xdf, 0x22, 0x5b, 0x7b];
/** Length fields at their extremes: LEB128 u32 max, LEB128 over-long, u32/u16 max, 2^31. */
const INFLATED_LENGTHS: readonly number[][] = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
  [0xff, 0xff, 0xff, 0xff],
  [0xff, 0xff],
  [0x80, 0x00, 0x00, 0x00],
  [0x7f, 0xff, 0xff, 0xff],
  [0xe8, 0x07],
  [0x80, 0x01],
];

/** `n` random bytes, `n` drawn small-biased up to `max`. */
export function randomBytes(r: Prng, max = 256): Uint8Array {
  const n = Math.floor((r.u32() / 4294967296) ** 2 * (max + 1));
  return r.bytes(n);
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One mutation of `b` (a new array; `b` is not changed). */
export function mutateOnce(r: Prng, b: Uint8Array, others: readonly Uint8Array[] = []): Uint8Array {
  const at = () => r.int(b.length + 1);
  switch (r.int(11)) {
    case 0: {
      // bit flip
      if (!b.length) return r.bytes(1);
      const out = Uint8Array.from(b);
      out[r.int(b.length)]! ^= 1 << r.int(8);
      return out; // r.int(n) < n
    }
    case 1: {
      // interesting byte
      if (!b.length) return Uint8Array.of(r.pick(INTERESTING_BYTES));
      const out = Uint8Array.from(b);
      out[r.int(b.length)] = r.pick(INTERESTING_BYTES);
      return out;
    }
    case 2: {
      // random byte
      if (!b.length) return r.bytes(1);
      const out = Uint8Array.from(b);
      out[r.int(b.length)] = r.int(256);
      return out;
    }
    case 3:
      return b.slice(0, r.int(b.length + 1)); // truncation
    case 4: {
      const p = at();
      return concat(b.subarray(0, p), r.bytes(r.range(1, 16)), b.subarray(p));
    } // insertion
    case 5: {
      const p = at();
      return concat(b.subarray(0, p), b.subarray(Math.min(b.length, p + r.range(1, 16))));
    } // deletion
    case 6: {
      // duplicate a range
      const p = at(),
        q = Math.min(b.length, p + r.range(1, 64));
      return concat(b.subarray(0, q), b.subarray(p, q), b.subarray(q));
    }
    case 7: {
      // splice with another seed
      const o = others.length ? r.pick(others) : r.bytes(32);
      const p = at(),
        s = r.int(o.length + 1);
      return concat(b.subarray(0, p), o.subarray(s, s + r.range(1, 256)), b.subarray(Math.min(b.length, p + r.int(64))));
    }
    case 8: {
      // length-field inflation: overwrite (or insert) an extreme length at a random offset
      const len = r.pick(INFLATED_LENGTHS),
        p = at();
      return r.bool()
        ? concat(b.subarray(0, p), len, b.subarray(Math.min(b.length, p + len.length)))
        : concat(b.subarray(0, p), len, b.subarray(p));
    }
    case 9: {
      // deep nesting: repeat a short prefix many times before the rest
      const p = at(),
        w = r.range(1, 3),
        times = r.pick([64, 129, 1000, 5000, 20000]);
      const unit = b.length ? b.subarray(p, Math.min(b.length, p + w)) : Uint8Array.of(r.pick(INTERESTING_BYTES));
      const rep = new Uint8Array(unit.length * times);
      for (let i = 0; i < times; i++) rep.set(unit, i * unit.length);
      return concat(b.subarray(0, p), rep, b.subarray(p)).subarray(0, MAX_INPUT_BYTES);
    }
    default: {
      // overwrite a run with one byte
      const p = at(),
        n = r.range(1, 32),
        out = Uint8Array.from(b);
      out.fill(r.pick(INTERESTING_BYTES), p, p + n);
      return out;
    }
  }
}

/** One to `max` stacked mutations of a seed picked from `seeds`. */
export function mutate(r: Prng, seeds: readonly Uint8Array[], max = 4): Uint8Array {
  let b = r.pick(seeds);
  const n = r.range(1, max);
  for (let i = 0; i < n; i++) b = mutateOnce(r, b, seeds);
  return b.length > MAX_INPUT_BYTES ? b.subarray(0, MAX_INPUT_BYTES) : b;
}
