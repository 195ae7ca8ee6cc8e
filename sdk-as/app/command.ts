/**
 * Commands: an app registers plain functions by name at top level (`register("add", add)`),
 * and the SDK's `run` export (core name `peeros:isa/command@0.1.0#run`, renamed by the app
 * compiler) decodes the msgpack args, dispatches, and encodes the `Outcome`.
 *
 * Errors the SDK itself reports: UNKNOWN_COMMAND (no such name), INVALID_ARGS (args are not
 * well-formed msgpack, with the byte offset).
 */
import { adoptString, release, releaseStray } from "./boundary";
import { decodeRaw, encode, Writer, writeStr, writeValue, DEFAULT_MAX_DEPTH } from "./msgpack";
import { Outcome, failWith } from "./outcome";
import { Value } from "./value";

export type Command = (args: Value) => Outcome;

const names: string[] = [];
const fns: Command[] = [];
let argsMaxDepth: i32 = DEFAULT_MAX_DEPTH;

/** Declares command `name`. Registering a name twice replaces the earlier function. */
export function register(name: string, fn: Command): void {
  for (let i = 0; i < names.length; i++) {
    if (unchecked(names[i]) == name) { unchecked((fns[i] = fn)); return; }
  }
  names.push(name);
  fns.push(fn);
}

/** Nesting limit for decoding command args (default 64). */
export function setArgsMaxDepth(depth: i32): void { argsMaxDepth = depth; }

/** The registered command names, in registration order. */
export function commandNames(): string[] { return names.slice(0); }

// The run return area (12 bytes: tag, ptr, len) and the result bytes it points to, kept
// reachable until `cabi_post_…#run` (or the next run).
const RUN_RET: usize = memory.data(16, 8);
let lastResult: Uint8Array | null = null;
let lastRaw: Uint8Array | null = null;

/** Extra fields an error map may carry (a fixmap holds 15 entries: code, message and 13 more). */
const MAX_ERROR_DETAILS = 13;

function errorBytes(o: Outcome): Uint8Array {
  const w = new Writer(64);
  const d = o.details;
  // details other than code/message, at most MAX_ERROR_DETAILS of them
  const keep: i32[] = [];
  if (d && d.isMap) {
    for (let i = 0; i < d.length && keep.length < MAX_ERROR_DETAILS; i++) {
      const k = d.keyAt(i)!;
      if (k.isStr && (k.s == "code" || k.s == "message")) continue;
      keep.push(i);
    }
  }
  w.u8(0x80 | (2 + keep.length));
  writeStr(w, "code"); writeStr(w, o.code);
  writeStr(w, "message"); writeStr(w, o.message);
  for (let n = 0; n < keep.length; n++) {
    writeValue(w, d!.keyAt(keep[n])!);
    writeValue(w, d!.valueAt(keep[n])!);
  }
  return w.finish();
}

function dispatch(name: string, args: Value): Outcome {
  for (let i = 0; i < names.length; i++) {
    if (unchecked(names[i]) == name) return unchecked(fns[i])(args);
  }
  return failWith("UNKNOWN_COMMAND", "no command named '" + name + "'", Value.map().set("commands", namesValue()));
}

function namesValue(): Value {
  const a = Value.array();
  for (let i = 0; i < names.length; i++) a.push(Value.str(unchecked(names[i])));
  return a;
}

/** Core export `peeros:isa/command@0.1.0#run` (renamed at build time). */
export function peeros_run(namePtr: usize, nameLen: usize, argsPtr: usize, argsLen: usize): usize {
  const name = adoptString(namePtr, nameLen);
  const decoded = decodeRaw(argsPtr, <i32>argsLen, argsMaxDepth);
  if (argsPtr != 0) release(argsPtr);
  releaseStray();
  lastRaw = null;
  let out: Outcome;
  if (!decoded.ok) {
    const e = decoded.error!;
    out = failWith("INVALID_ARGS", "command args are not valid msgpack: " + e.message, Value.map().setInt("offset", e.offset));
  } else {
    out = dispatch(name, decoded.value!);
  }
  if (out.raw) {
    lastRaw = out.rawKeep;
    lastResult = null;
    store<u8>(RUN_RET, out.rawTag);
    store<u32>(RUN_RET, <u32>out.rawPtr, 4);
    store<u32>(RUN_RET, <u32>out.rawLen, 8);
    return RUN_RET;
  }
  const bytes = out.ok ? encode(out.value) : errorBytes(out);
  lastResult = bytes;
  store<u8>(RUN_RET, out.ok ? 0 : 1);
  store<u32>(RUN_RET, <u32>bytes.dataStart, 4);
  store<u32>(RUN_RET, <u32>bytes.length, 8);
  return RUN_RET;
}

/** Core export `cabi_post_peeros:isa/command@0.1.0#run`: the host has copied the result out. */
export function peeros_run_post(retptr: usize): void {
  lastResult = null;
  lastRaw = null;
}
