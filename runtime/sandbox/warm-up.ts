/**
 * The warm-up of a pooled worker (warm-workers.ts): before it reports `warm`, the worker runs the
 * sandbox's call path once on a host-made module, so an app's first call does not pay for V8
 * compiling that JS (AppInstance, the ISA context, guest memory checks, the msgpack scan, the
 * result copy) on its path. The module is built here and holds nothing: memory, `cabi_realloc`
 * (always 1024), and `run`, which asks `ual.account` (the ISA's import glue, the session file's
 * read, the ok or error return area: what most first calls do, e.g. dPay's `whoami`) and returns a
 * fixed result (a one-entry msgpack map) through the core ABI's return area. No app code runs and
 * no app data exists in the worker yet; the session file it reads is the host's (the same for
 * every app of the host), and the answer is dropped.
 */
import { COMMAND_EXPORT } from '../../isa/generated/imports.js';
import { resolveLimits } from '../limits.js';
import { AppInstance } from './instance.js';
import { MEMORY_EXPORT, REALLOC_EXPORT, findIsaImport } from './linker.js';
import { u32Leb, wasmName } from './wasm-encode.js';

/** Calls made by the warm-up (a few, so the path is past V8's first, interpreted runs). */
export const WARM_UP_CALLS = 3;

/** The ISA function the warm-up calls (the first call of most apps asks who is logged in). */
const UAL_ACCOUNT = findIsaImport('peeros:isa/ual@0.1.0', 'account')!;

const RET_AREA = 16;
const UAL_AREA = 32;
const RESULT = 64;
/** The fixed result: msgpack {"account": "x"} (a map and two strings for the result's scan). */
const WARM_UP_RESULT: readonly number[] = [0x81, 0xa7, ...Buffer.from('account', 'latin1'), 0xa1, 0x78];

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
  const CALL = 0x10;
  const body = (code: number[]) => {
    const b = [0x00, ...code, 0x0b]; // no locals; code; end
    return [...u32Leb(b.length), ...b];
  };
  const area = [0, 0, 0, 0, ...u32le(RESULT), ...u32le(WARM_UP_RESULT.length)]; // tag 0 (ok), pad, ptr, len
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    // type 0: (i32 i32 i32 i32) -> i32 (cabi_realloc, run); type 1: (i32) -> () (ual.account)
    ...section(
      1,
      vec([
        [0x60, 4, I32, I32, I32, I32, 1, I32],
        [0x60, 1, I32, 0],
      ]),
    ),
    ...section(2, vec([[...wasmName(UAL_ACCOUNT.module), ...wasmName(UAL_ACCOUNT.name), 0x00, 1]])), // func 0
    ...section(3, vec([[0], [0]])), // func 1: cabi_realloc, func 2: run
    ...section(5, vec([[0x01, 1, 1]])), // one page, at most one
    ...section(
      7,
      vec([
        [...wasmName(MEMORY_EXPORT), 0x02, 0],
        [...wasmName(REALLOC_EXPORT), 0x00, 1],
        [...wasmName(COMMAND_EXPORT), 0x00, 2],
      ]),
    ),
    ...section(10, vec([body(i32Const(1024)), body([...i32Const(UAL_AREA), CALL, 0, ...i32Const(RET_AREA)])])),
    ...section(
      11,
      vec([
        [0x00, ...i32Const(RET_AREA), 0x0b, ...u32Leb(area.length), ...area],
        [0x00, ...i32Const(RESULT), 0x0b, ...u32Leb(WARM_UP_RESULT.length), ...WARM_UP_RESULT],
      ]),
    ),
  ]);
}

/**
 * Runs the call path WARM_UP_CALLS times on the warm-up module, `ual.account` reading the session of
 * `home` (the host's); false if anything failed (the worker still serves).
 */
export function warmUp(home: string): boolean {
  try {
    const module = new WebAssembly.Module(warmUpModuleBytes());
    const env = { home, dataDir: '', logLevel: 4, logSink: () => {} };
    const args = new Uint8Array([0x80]); // msgpack {}
    const expected = Buffer.from(WARM_UP_RESULT);
    for (let i = 0; i < WARM_UP_CALLS; i++) {
      const instance = AppInstance.create(module, [UAL_ACCOUNT], '(warm-up)', { ual: {} }, resolveLimits(undefined), env);
      const r = instance.run('warm-up', args);
      if (!r.ok || !expected.equals(r.bytes)) return false;
    }
    return true;
  } catch {
    return false;
  }
}
