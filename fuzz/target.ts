/**
 * What a fuzz target is. A target pairs a generator (seeded PRNG → input bytes) with a decoder run
 * under oracles. The contract of {@link FuzzSession.run}: return `true` when the decoder accepted the
 * input and `false` when it refused it with its own typed error; throw for anything that is a bug —
 * an exception of another kind, or an oracle violation ({@link OracleViolation}: a round trip that
 * does not come back equal, a disagreement with an outside implementation). The runner adds the
 * oracles every target shares: a per-input time bound and a heap-growth bound.
 */
import type { Prng } from './prng.js';

export interface FuzzSession {
  /** One input from the input's own PRNG (see `inputSeed`); the same PRNG gives the same bytes. */
  generate(r: Prng): Uint8Array;
  /** Runs one input: true = accepted, false = refused with the decoder's typed error; throws on a bug. */
  run(input: Uint8Array): boolean | Promise<boolean>;
  close?(): Promise<void>;
}

export interface FuzzTarget {
  /** Short kebab-case name used by `npm run fuzz -- --target NAME`. */
  readonly name: string;
  /** The decoder(s) under test, one line. */
  readonly about: string;
  /** One input slower than this is a finding (rerun alone to rule out a loaded machine). */
  readonly maxInputMs: number;
  /** Inputs of the CI smoke run (`test/fuzz/fuzz-smoke.test.ts`): a few seconds at most. */
  readonly smokeInputs: number;
  open(): Promise<FuzzSession>;
}

/** A decoder answered, but the answer is wrong (round trip, cross-check, accept/reject model). */
export class OracleViolation extends Error {
  override readonly name = 'OracleViolation';
}

/** Throws an {@link OracleViolation} unless `ok`. */
export function oracle(ok: boolean, message: string): asserts ok {
  if (!ok) throw new OracleViolation(message);
}

/**
 * Runs `fn`; true when it returned, false when it threw an error `typed` accepts (the decoder's own
 * refusal). Any other exception propagates: that is a finding.
 */
export function accepts(typed: (e: unknown) => boolean, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (typed(e)) return false;
    throw e;
  }
}

/** Async {@link accepts}. */
export async function acceptsAsync(typed: (e: unknown) => boolean, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (typed(e)) return false;
    throw e;
  }
}

/**
 * Structural equality for decoded values (plain objects, arrays, typed arrays, bigint). NaN equals
 * NaN; -0 equals 0, as in JSON (msgpackr packs -0 as the integer 0: found by the msgpack target,
 * seed 20261202 index 2507, and harmless — byte-level oracles still see float signs).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object),
    kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
