/**
 * A minimal host for testing SDK-built modules without the runtime: implements every ISA import
 * from `isa/generated/imports.ts` in plain JS (in-memory storage, a fixed account or none,
 * chain/dmcs UNAVAILABLE) and calls the command export the way CORE-ABI.md says the host does.
 * It checks the guest's pointers strictly, so SDK bugs show up as test failures.
 */
import { readFile } from 'node:fs/promises';
import { pack, unpack } from 'msgpackr';
import { COMMAND_EXPORT, COMMAND_POST_RETURN, ERROR_CODES, ISA_IMPORTS } from '../../isa/generated/imports.js';
import { validateViewBytes, UiError } from '../../runtime/ui/index.js';

export interface HarnessOptions {
  /** log.enabled answer; default true. */
  logEnabled?: boolean;
  account?: string | null;
  storage?: Map<string, Uint8Array>;
  /** Modules (`peeros:isa/x@0.1.0`) whose functions return `unavailable`; default chain, dmcs, fs, store and host (the main-thread services). */
  unavailable?: string[];
  nowMs?: bigint;
  /** Bytes returned by a host call at most (random.bytes above it: limit-exceeded). */
  maxBytes?: number;
}

export interface Guest {
  exports: WebAssembly.Exports;
  memory: WebAssembly.Memory;
  logs: Array<{ level: number; message: string }>;
  storage: Map<string, Uint8Array>;
  calls: Map<string, number>;
  /** Runs a command; returns the decoded ok value or throws an Error carrying `.appError`. */
  run(name: string, args?: unknown): unknown;
  /** Runs a command; returns the raw tag and bytes. */
  runRaw(name: string, args: Uint8Array): { tag: number; bytes: Uint8Array };
}

export class AppErrorResult extends Error {
  constructor(readonly appError: { code: string; message: string; [k: string]: unknown }) {
    super(`${appError.code}: ${appError.message}`);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export async function loadGuest(wasmPath: string, opts: HarnessOptions = {}): Promise<Guest> {
  const module = await WebAssembly.compile(await readFile(wasmPath));
  return instantiateGuest(module, opts);
}

export async function instantiateGuest(module: WebAssembly.Module, opts: HarnessOptions = {}): Promise<Guest> {
  const storage = opts.storage ?? new Map<string, Uint8Array>();
  const logs: Array<{ level: number; message: string }> = [];
  const calls = new Map<string, number>();
  const unavailable = new Set(
    opts.unavailable ?? [
      'peeros:isa/chain@0.1.0',
      'peeros:isa/dmcs@0.1.0',
      'peeros:isa/fs@0.1.0',
      'peeros:isa/store@0.1.0',
      'peeros:isa/host@0.1.0',
    ],
  );
  const maxBytes = opts.maxBytes ?? 1 << 20;
  let exportsRef: WebAssembly.Exports | null = null;
  const mem = (): WebAssembly.Memory => exportsRef!.memory as WebAssembly.Memory;
  const view = (): DataView => new DataView(mem().buffer);
  const bytesAt = (ptr: number, len: number): Uint8Array => {
    const buf = mem().buffer;
    if (ptr < 0 || len < 0 || ptr + len > buf.byteLength)
      throw new RangeError(`guest pointer ${ptr}+${len} outside memory of ${buf.byteLength} bytes`);
    return new Uint8Array(buf, ptr, len).slice();
  };
  const alloc = (bytes: Uint8Array): number => {
    const realloc = exportsRef!.cabi_realloc as (a: number, b: number, c: number, d: number) => number;
    const ptr = realloc(0, 0, 1, bytes.length) >>> 0;
    new Uint8Array(mem().buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };
  const okBytes = (ret: number, bytes: Uint8Array): void => {
    const ptr = alloc(bytes);
    const dv = view();
    dv.setUint8(ret, 0);
    dv.setUint32(ret + 4, ptr, true);
    dv.setUint32(ret + 8, bytes.length, true);
  };
  const errBytes = (ret: number, code: string): void => {
    const dv = view();
    dv.setUint8(ret, 1);
    dv.setUint8(ret + 4, ERROR_CODES[code]!);
  };
  const unit = (ret: number, code: string | null): void => {
    const dv = view();
    dv.setUint8(ret, code ? 1 : 0);
    if (code) dv.setUint8(ret + 1, ERROR_CODES[code]!);
  };
  const str = (p: number, l: number): string => dec.decode(bytesAt(p, l));

  const impl: Record<string, (...a: any[]) => unknown> = {
    'log.enabled': () => ((opts.logEnabled ?? true) ? 1 : 0),
    'log.write': (lvl: number, p: number, l: number) => {
      logs.push({ level: lvl, message: str(p, l) });
    },
    'clock.now-ms': () => opts.nowMs ?? BigInt(Date.now()),
    'clock.monotonic-ns': () => process.hrtime.bigint(),
    'random.bytes': (len: number, ret: number) => {
      if (len >>> 0 > maxBytes) return errBytes(ret, 'limit-exceeded');
      const b = new Uint8Array(len >>> 0);
      for (let i = 0; i < b.length; i++) b[i] = (Math.random() * 256) | 0;
      okBytes(ret, b);
    },
    'storage.get': (kp: number, kl: number, ret: number) => {
      const v = storage.get(str(kp, kl));
      if (!v) errBytes(ret, 'not-found');
      else okBytes(ret, v);
    },
    'storage.set': (kp: number, kl: number, vp: number, vl: number, ret: number) => {
      storage.set(str(kp, kl), bytesAt(vp, vl));
      unit(ret, null);
    },
    'storage.delete': (kp: number, kl: number, ret: number) => {
      unit(ret, storage.delete(str(kp, kl)) ? null : 'not-found');
    },
    'storage.list': (pp: number, pl: number, limit: number, ret: number) => {
      const prefix = str(pp, pl);
      const keys = [...storage.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort()
        .slice(0, limit >>> 0);
      okBytes(ret, pack(keys));
    },
    'ual.account': (ret: number) => {
      if (opts.account) okBytes(ret, enc.encode(opts.account));
      else errBytes(ret, 'no-session');
    },
    'chain.get-info': (ret: number) => okBytes(ret, pack({ chain_id: 'test' })),
    'chain.get-account': (_p: number, _l: number, ret: number) => okBytes(ret, pack({})),
    'chain.get-table-rows': (_p: number, _l: number, ret: number) => okBytes(ret, pack({ rows: [] })),
    'dmcs.push': (_p: number, _l: number, ret: number) => okBytes(ret, pack({ status: 'queued' })),
    'diag.echo': (p: number, l: number, ret: number) => {
      const b = bytesAt(p, l);
      try {
        unpack(b);
      } catch {
        return errBytes(ret, 'invalid-argument');
      }
      okBytes(ret, b);
    },
    // the host's own view rule (runtime/ui/view-tree.ts), so SDK-built screens are checked as the host checks them
    'ui.check': (p: number, l: number, ret: number) => {
      try {
        validateViewBytes(bytesAt(p, l));
      } catch (e) {
        if (!(e instanceof UiError)) throw e;
        return unit(
          ret,
          ['VIEW_TOO_LARGE', 'VIEW_TOO_DEEP', 'VIEW_STRING_TOO_LONG'].includes(e.code) ? 'limit-exceeded' : 'invalid-argument',
        );
      }
      unit(ret, null);
    },
  };
  const imports: Record<string, Record<string, (...a: any[]) => unknown>> = {};
  for (const imp of ISA_IMPORTS) {
    const key = `${imp.interface}.${imp.func}`;
    const f = impl[key];
    if (!f && !unavailable.has(imp.module)) throw new Error(`harness has no implementation of ${key}`);
    const retptr = imp.shape.startsWith('result');
    const wrapped = (...a: any[]): unknown => {
      calls.set(key, (calls.get(key) ?? 0) + 1);
      if (unavailable.has(imp.module) && retptr) {
        const ret = a[a.length - 1] as number;
        return imp.shape === 'result-unit' ? unit(ret, 'unavailable') : errBytes(ret, 'unavailable');
      }
      return f!(...a);
    };
    (imports[imp.module] ??= {})[imp.name] = wrapped;
  }
  const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  exportsRef = instance.exports;
  const run = instance.exports[COMMAND_EXPORT] as (a: number, b: number, c: number, d: number) => number;
  const post = instance.exports[COMMAND_POST_RETURN] as ((r: number) => void) | undefined;
  const runRaw = (name: string, args: Uint8Array): { tag: number; bytes: Uint8Array } => {
    const n = enc.encode(name);
    const np = alloc(n);
    const ap = alloc(args);
    const ret = run(np, n.length, ap, args.length) >>> 0;
    const dv = view();
    const tag = dv.getUint8(ret);
    const bytes = bytesAt(dv.getUint32(ret + 4, true), dv.getUint32(ret + 8, true));
    post?.(ret);
    return { tag, bytes };
  };
  return {
    exports: instance.exports,
    memory: instance.exports.memory as WebAssembly.Memory,
    logs,
    storage,
    calls,
    runRaw,
    run(name: string, args: unknown = {}): unknown {
      const { tag, bytes } = runRaw(name, pack(args));
      const v = unpack(bytes);
      if (tag !== 0) throw new AppErrorResult(v as { code: string; message: string });
      return v;
    },
  };
}
