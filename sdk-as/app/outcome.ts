/**
 * `Outcome`: what a command returns — a result `Value`, or a typed app error (`code` such as
 * "DIVISION_BY_ZERO", a human `message`, optional extra fields like `position`). Commands never
 * throw: the host receives errors as the msgpack map `{code, message, ...details}`.
 */
import { Value } from "./value";

export class Outcome {
  constructor(
    public value: Value,
    /** '' when ok. */
    public code: string,
    public message: string,
    /** A map merged into the error (after code and message), or null. */
    public details: Value | null,
  ) {}
  /** Set only by `rawOutcome` (tests of the host's defences). */
  raw: bool = false;
  rawTag: u8 = 0;
  rawPtr: usize = 0;
  rawLen: usize = 0;
  rawKeep: Uint8Array | null = null;

  get ok(): bool { return this.code.length == 0; }
}

/** A successful result. */
export function ok(v: Value): Outcome {
  return new Outcome(v, "", "", null);
}

/** A typed app error: `code` is an UPPER_SNAKE identifier, `message` one sentence. */
export function fail(code: string, message: string): Outcome {
  return new Outcome(Value.nil(), code.length ? code : "ERROR", message, null);
}

/** A typed app error with extra fields (a map, e.g. `{position: 4}`). */
export function failWith(code: string, message: string, details: Value): Outcome {
  return new Outcome(Value.nil(), code.length ? code : "ERROR", message, details);
}

/**
 * Returns the exact `(tag, ptr, len)` the host will read, bypassing the encoder. Only for test
 * fixtures that check the host's defences (malformed msgpack, out-of-bounds pointers).
 * `keep` keeps the pointed-to bytes alive until the host has read them.
 */
export function rawOutcome(tag: u8, ptr: usize, len: usize, keep: Uint8Array | null): Outcome {
  const o = new Outcome(Value.nil(), "", "", null);
  o.raw = true;
  o.rawTag = tag;
  o.rawPtr = ptr;
  o.rawLen = len;
  o.rawKeep = keep;
  return o;
}
