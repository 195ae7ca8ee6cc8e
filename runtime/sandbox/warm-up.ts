/**
 * The warm-up of a pooled worker (warm-workers.ts): before it reports `warm`, the worker runs the
 * sandbox's call path once on a host-made module, so an app's first call does not pay for V8
 * compiling that JS (AppInstance, the ISA context, guest memory checks, the msgpack scan, the
 * result copy) on its path. The module is built here, imports nothing and holds nothing: memory,
 * `cabi_realloc` (always 1024), and `run`, which returns a fixed result (msgpack nil) through the
 * core ABI's return area. No app code runs and no app data exists in the worker yet.
 */
import { COMMAND_EXPORT } from '../../isa/generated/imports.js';
import { resolveLimits } from '../limits.js';
import { AppInstance } from './instance.js';
import { MEMORY_EXPORT, REALLOC_EXPORT } from './linker.js';
import { u32Leb, wasmName } from './wasm-encode.js';

/** Calls made by the warm-up (a few, so the path is past V8's first, interpreted runs). */
export const WARM_UP_CALLS = 3;

const RET_AREA = 16;
const RESULT = 64;
const MSGPACK_NIL = 0xc0;

const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
/** `i32.const n` for 0 <= n < 8192 (signed LEB128). */
function i32Const(n: number): number[] {
  return n < 64 ? [0x41, n] : [0x41, (n & 0x7f) | 0x80, n >>> 7];
}
const section = (id: number, body: number[]) => [id, ...u32Leb(body.length), ...body];
const vec = (items: number[][]) => [...u32Leb(items.length), ...items.flat()];

/** The warm-up module's bytes (tests validate them). */
export function warmUpModuleBytes(): Uint8Array {
  const I32 = 0x7f;
  const body = (code: number[]) => {
    const b = [0x00, ...code, 0x0b]; // no locals; code; end
    return [...u32Leb(b.length), ...b];
  };
  const area = [0, 0, 0, 0, ...u32le(RESULT), ...u32le(1)]; // tag 0 (ok), pad, ptr, len
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, 4, I32, I32, I32, I32, 1, I32]])), // (i32 i32 i32 i32) -> i32
    ...section(3, vec([[0], [0]])), // cabi_realloc, run
    ...section(5, vec([[0x01, 1, 1]])), // one page, at most one
    ...section(
      7,
      vec([
        [...wasmName(MEMORY_EXPORT), 0x02, 0],
        [...wasmName(REALLOC_EXPORT), 0x00, 0],
        [...wasmName(COMMAND_EXPORT), 0x00, 1],
      ]),
    ),
    ...section(10, vec([body(i32Const(1024)), body(i32Const(RET_AREA))])),
    ...section(
      11,
      vec([
        [0x00, ...i32Const(RET_AREA), 0x0b, ...u32Leb(area.length), ...area],
        [0x00, ...i32Const(RESULT), 0x0b, 1, MSGPACK_NIL],
      ]),
    ),
  ]);
}

/** Runs the call path WARM_UP_CALLS times on the warm-up module; false if anything failed (the worker still serves). */
export function warmUp(): boolean {
  try {
    const module = new WebAssembly.Module(warmUpModuleBytes());
    const env = { home: '', dataDir: '', logLevel: 4, logSink: () => {} };
    const args = new Uint8Array([0x80]); // msgpack {}
    for (let i = 0; i < WARM_UP_CALLS; i++) {
      const instance = AppInstance.create(module, [], '(warm-up)', {}, resolveLimits(undefined), env);
      const r = instance.run('warm-up', args);
      if (!r.ok || r.bytes.length !== 1 || r.bytes[0] !== MSGPACK_NIL) return false;
    }
    return true;
  } catch {
    return false;
  }
}
