/**
 * One instance of a plain AssemblyScript (or plain wasm) module run by `peeros invoke`, in its
 * worker. Its imports are only env.abort/trace/seed (as-env.ts); its strings and arrays are lowered
 * and lifted by `@assemblyscript/loader`, after the host has checked every header the loader would
 * trust (the loader reads lengths and class ids from guest memory without bounds), within the
 * host-call byte limit. The call path, spelled out in {@link InvokeInstance.call}:
 *
 *   lower each argument (numbers as such; strings with `__newString`, arrays with `__newArray`,
 *   each pinned with `__pin` so the next allocation cannot collect it)
 *   → call the export (through the loader's wrapper, which sets the optional-arguments count)
 *   → lift the result (header, class id and bounds checked, then `__getString` / `__get…Array`)
 *   → unpin the arguments.
 *
 * Any throw out of the guest leaves the instance unusable ({@link InvokeInstance.poisoned}).
 */
import { instantiateSync } from '@assemblyscript/loader';
import { BoundaryError } from '../../abi/boundary-errors.js';
import { GuestMemory } from '../../abi/guest-memory.js';
import { HostError } from '../errors.js';
import { isStackOverflow } from '../../lib/foreign-errors.js';
import type { AppLimits } from '../limits.js';
import { asObjectHeader, AS_STRING_ID, RttiTable, RTTI_LAYOUT_MASK } from './as-object.js';
import { createAsEnv, type TraceSink } from './as-env.js';
import { elementBytes, layoutFlags, typeName, type InvokeType } from './invoke-types.js';

/** One argument as it crosses to the worker: i64/u64 as decimal strings, NaN/±Infinity as strings, arrays of numbers. */
export type WireValue = number | string | (number | string)[] | null;

export interface InvokeCall {
  params: InvokeType[];
  result: InvokeType;
  args: WireValue[];
}

type Loaded = ReturnType<typeof instantiateSync>['exports'];
type Fn = (...args: unknown[]) => unknown;

/** Loader getters by typed array name (`__getInt32Array`, …). */
const GETTERS = {
  Int8Array: '__getInt8Array',
  Uint8Array: '__getUint8Array',
  Uint8ClampedArray: '__getUint8ClampedArray',
  Int16Array: '__getInt16Array',
  Uint16Array: '__getUint16Array',
  Int32Array: '__getInt32Array',
  Uint32Array: '__getUint32Array',
  Float32Array: '__getFloat32Array',
  Float64Array: '__getFloat64Array',
} as const;

/**
 * True when the loader can demangle `name` without reaching outside its own objects: its
 * demangling walks `.`- and `#`-separated parts as property names, so a part `constructor` would
 * lead it to `Object.prototype` and define the guest's function there.
 */
export function loaderSafeExportName(name: string): boolean {
  const [path = '', member] = name.split('#', 2);
  const parts = path.split('.');
  if (parts.some((p) => p === '__proto__' || p === 'prototype' || p === 'constructor')) return false;
  return member === undefined || !/(^|:)(__proto__|prototype)$/.test(member);
}

export class InvokeInstance {
  poisoned = false;
  readonly #exports: Loaded;
  readonly #raw: Record<string, unknown>;
  readonly #mem: GuestMemory;
  readonly #env: ReturnType<typeof createAsEnv>;
  #command = '(start)';

  private constructor(
    readonly name: string,
    readonly limits: AppLimits,
    module: WebAssembly.Module,
    sink: TraceSink,
  ) {
    let mem: GuestMemory | undefined;
    this.#env = createAsEnv(
      () => {
        // during the start function the exports (memory) are not there yet: text reads fail softly
        const m = mem ?? new GuestMemory(new WebAssembly.Memory({ initial: 0 }));
        m.refresh();
        return m;
      },
      sink,
      name,
      () => this.#command,
    );
    const { exports, instance } = instantiateSync(module, { env: { ...this.#env.imports } });
    this.#exports = exports;
    this.#raw = instance.exports as Record<string, unknown>;
    const memory = this.#raw.memory;
    this.#mem = mem = new GuestMemory(memory instanceof WebAssembly.Memory ? memory : new WebAssembly.Memory({ initial: 0 }));
  }

  /** Instantiates `module` (already inspected: imports, memory cap, export names). */
  static create(module: WebAssembly.Module, name: string, limits: AppLimits, sink: TraceSink): InvokeInstance {
    try {
      return new InvokeInstance(name, limits, module, sink);
    } catch (err) {
      if (err instanceof WebAssembly.LinkError) throw HostError.linkError(`${name}: ${err.message}`, name);
      throw HostError.fromThrown(err, name, '(start)');
    }
  }

  /** Ends the trace budget of the call; the note about dropped lines, if any. */
  endCall(): string | undefined {
    return this.#env.endCall();
  }

  /** Calls export `fn`; the result as JSON-able data (i64 as a decimal string, arrays as number arrays). */
  call(fn: string, c: InvokeCall): unknown {
    if (this.poisoned) throw new HostError('INTERNAL', `${this.name}: instance is unusable after an earlier failure`);
    this.#command = fn;
    const pinned: number[] = [];
    try {
      const f = this.#callable(fn);
      const args = c.params.map((t, i) => this.#lowered(t, c.args[i] ?? null, i, pinned));
      const out = f(...args);
      this.#mem.refresh();
      const value = this.#lift(c.result, out);
      const unpin = this.#exports.__unpin as (p: number) => void;
      for (const p of pinned) unpin(p);
      return value;
    } catch (err) {
      this.poisoned = true;
      throw HostError.fromThrown(err, this.name, fn);
    }
  }

  #callable(fn: string): Fn {
    const raw = Object.hasOwn(this.#raw, fn) ? this.#raw[fn] : undefined;
    if (typeof raw !== 'function') throw new HostError('UNKNOWN_COMMAND', `${this.name} exports no function '${fn}'`);
    // the loader's wrapper of a top-level function sets `__argumentsLength` (optional parameters)
    const wrapped = (this.#exports as Record<string, unknown>)[fn];
    return (typeof wrapped === 'function' && (wrapped as { original?: unknown }).original === raw ? wrapped : raw) as Fn;
  }

  #need(name: string): Fn {
    const f = (this.#raw as Record<string, unknown>)[name];
    if (typeof f !== 'function')
      throw new HostError(
        'LINK_ERROR',
        `${this.name}: strings and arrays need the AssemblyScript runtime exports (build with --exportRuntime); '${name}' is missing`,
      );
    return f as Fn;
  }

  #rtti(): RttiTable {
    const base = this.#raw.__rtti_base;
    if (!(base instanceof WebAssembly.Global))
      throw new HostError(
        'LINK_ERROR',
        `${this.name}: arrays need the AssemblyScript runtime exports (build with --exportRuntime); '__rtti_base' is missing`,
      );
    return new RttiTable(this.#mem, Number(base.value) >>> 0);
  }

  /**
   * {@link #lower}, with the loader's own failures typed: it writes through views of guest memory at
   * the address the guest's `__new` returned, and a view past memory throws a plain RangeError.
   * Aborts and traps from the guest's runtime pass as they are.
   */
  #lowered(t: InvokeType, v: WireValue, i: number, pinned: number[]): unknown {
    try {
      return this.#lower(t, v, i, pinned);
    } catch (err) {
      if (err instanceof HostError || err instanceof BoundaryError || err instanceof WebAssembly.RuntimeError || isStackOverflow(err))
        throw err;
      throw new BoundaryError(
        'INVALID_VALUE',
        `argument ${i + 1}: the module's runtime gave an unusable allocation (${(err as Error).message})`,
      );
    }
  }

  #lower(t: InvokeType, v: WireValue, i: number, pinned: number[]): unknown {
    switch (t.kind) {
      case 'number':
        if (t.type === 'i64' || t.type === 'u64') return BigInt.asIntN(64, BigInt(v as string));
        return Number(v); // NaN and ±Infinity cross as strings
      case 'string': {
        this.#need('__new');
        const s = v as string;
        if (s.length * 2 > this.limits.hostCallBytes)
          throw new BoundaryError(
            'LIMIT_EXCEEDED',
            `argument ${i + 1} is ${s.length * 2} bytes, above the host-call limit of ${this.limits.hostCallBytes}`,
          );
        const ptr = this.#exports.__newString(s) >>> 0;
        // the loader writes through a view and silently skips what falls outside memory: check the allocation it used
        this.#mem.check(ptr, s.length * 2, `argument ${i + 1}: the string the module's __new allocated`);
        return this.#pin(ptr, pinned);
      }
      case 'typed-array':
      case 'array': {
        this.#need('__new');
        const values = (v as (number | string)[]).map(Number);
        const bytes = values.length * elementBytes(t.element);
        if (bytes > this.limits.hostCallBytes)
          throw new BoundaryError(
            'LIMIT_EXCEEDED',
            `argument ${i + 1} is ${bytes} bytes, above the host-call limit of ${this.limits.hostCallBytes}`,
          );
        const id = this.#rtti().idWithLayout(layoutFlags(t));
        if (id === undefined)
          throw new HostError(
            'INVALID_VALUE',
            `${this.name}: argument ${i + 1} is a ${typeName(t)}, a type the module never uses (it is not in its runtime type table)`,
          );
        return this.#pin(this.#exports.__newArray(id, values), pinned);
      }
      default:
        return undefined;
    }
  }

  #pin(ptr: number, pinned: number[]): number {
    (this.#need('__pin') as (p: number) => number)(ptr);
    pinned.push(ptr);
    return ptr;
  }

  #lift(t: InvokeType, out: unknown): unknown {
    const limit = this.limits.hostCallBytes;
    switch (t.kind) {
      case 'void':
        return null;
      case 'number': {
        if (t.type === 'i64') return BigInt.asIntN(64, out as bigint).toString();
        if (t.type === 'u64') return BigInt.asUintN(64, out as bigint).toString();
        if (t.type === 'u32') return (out as number) >>> 0;
        if (t.type === 'bool') return (out as number) !== 0;
        const n = out as number;
        return Number.isFinite(n) ? n : String(n);
      }
      case 'string': {
        const ptr = (out as number) >>> 0;
        if (ptr === 0) return null;
        const { id, size } = asObjectHeader(this.#mem, ptr, 'result');
        if (id !== AS_STRING_ID) throw new BoundaryError('INVALID_VALUE', `result: the object at ${ptr} is not a string (class id ${id})`);
        if (size > limit) throw new BoundaryError('LIMIT_EXCEEDED', `result is ${size} bytes, above the host-call limit of ${limit}`);
        if (size % 2) throw new BoundaryError('INVALID_VALUE', `result: a string of ${size} bytes (UTF-16 needs an even size)`);
        return this.#exports.__getString(ptr);
      }
      case 'typed-array':
      case 'array': {
        const ptr = (out as number) >>> 0;
        if (ptr === 0) return null;
        const { id, size } = asObjectHeader(this.#mem, ptr, 'result');
        const flags = this.#rtti().flags(id) & RTTI_LAYOUT_MASK;
        if (flags !== layoutFlags(t))
          throw new BoundaryError('INVALID_VALUE', `result: the object at ${ptr} (class id ${id}) is not a ${typeName(t)}`);
        const head = t.kind === 'array' ? 16 : 12;
        if (size < head) throw new BoundaryError('INVALID_VALUE', `result: a ${typeName(t)} of ${size} bytes`);
        const dv = this.#mem.dv;
        const start = dv.getUint32(ptr + 4, true);
        const byteLength = dv.getUint32(ptr + 8, true);
        const width = elementBytes(t.element);
        const used = t.kind === 'array' ? dv.getUint32(ptr + 12, true) * width : byteLength;
        if (used > byteLength) throw new BoundaryError('INVALID_VALUE', `result: an array of ${used} bytes in a buffer of ${byteLength}`);
        if (used > limit) throw new BoundaryError('LIMIT_EXCEEDED', `result is ${used} bytes, above the host-call limit of ${limit}`);
        this.#mem.check(start, byteLength, 'result elements');
        if (start % width) throw new BoundaryError('BAD_POINTER', `result elements: ${start} is not ${width}-byte aligned`);
        if (t.kind === 'array') return this.#exports.__getArray(ptr);
        return Array.from(this.#exports[GETTERS[t.name]](ptr) as ArrayLike<number>);
      }
    }
  }
}
