/**
 * Validation and preparation of a contract's wasm before it is compiled: what `setcode` checks and
 * what the VM runs. `prepareContract` refuses
 * - imports other than the Antelope intrinsics of module `env` with their exact signatures (the
 *   error names the import), and imports of memories, tables or globals;
 * - memories whose initial size is over 33 MiB, more than one memory, shared/64-bit memories;
 * - tables over `MAX_TABLE_ELEMENTS`, more than `MAX_GLOBALS` globals, code over `MAX_CODE_BYTES`;
 * - instructions outside the deterministic subset (see cpu-metering.ts);
 * - modules without an exported `apply(i64, i64, i64)`.
 * It returns a rewritten module that the VM can drive: the memory maximum clamped to 33 MiB, the
 * memory exported as `__peeros_memory` (CDT contracts do not export theirs), the gas counter and
 * call-depth globals exported as `__peeros_gas` and `__peeros_depth`, every function body metered, and the start function (AssemblyScript
 * contracts have one) turned into the export `__peeros_start`, so the VM runs it after instantiation
 * with the memory reachable and the CPU budget set, and every mutable global exported as
 * `__peeros_global_<i>` so the VM can snapshot and restore an instance. Custom sections are dropped.
 */
import { ContractError } from './contract-error.js';
import { INTRINSIC_TYPES, formatFuncType, type FuncType, type ValType } from './intrinsic-types.js';
import { SECTION, WasmReader, WasmWriter, readSections, writeModule, malformed, type Section } from './wasm-binary.js';
import { meterFunctionBody, skipImmediates } from './cpu-metering.js';
import { secondaryIntrinsicTypes } from './secondary-intrinsics.js';
import {
  DEFAULT_CPU_UNITS,
  MAX_CODE_BYTES,
  MAX_GLOBALS,
  MAX_MEMORY_PAGES,
  MAX_TABLE_ELEMENTS,
  WASM_PAGE_BYTES,
} from './contract-limits.js';

export const EXPORT_MEMORY = '__peeros_memory';
export const EXPORT_GAS = '__peeros_gas';
export const EXPORT_START = '__peeros_start';
export const EXPORT_DEPTH = '__peeros_depth';
/** Prefix of the exports of the contract's mutable globals (`__peeros_global_<index>`). */
export const EXPORT_GLOBAL_PREFIX = '__peeros_global_';

export interface PreparedContract {
  /** The rewritten module to compile. */
  wasm: Uint8Array;
  /** The intrinsics the contract imports, in import order. */
  imports: string[];
  /** Whether the contract had a wasm start function (now exported as `__peeros_start`). */
  hasStart: boolean;
  /** Always true: a contract without a memory gets an empty, exported one. */
  hasMemory: boolean;
  /** Export names of the contract's mutable globals (the VM snapshots and restores them). */
  mutableGlobals: string[];
}

const VALTYPES: Record<number, ValType | 'v128' | 'funcref' | 'externref'> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

function readTypes(body: Uint8Array): FuncType[] {
  const r = new WasmReader(body);
  const out: FuncType[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const at = r.pos;
    if (r.byte() !== 0x60) throw malformed('type is not a function type', at);
    const vec = (): ValType[] => {
      const v: ValType[] = [];
      for (let k = r.u32(); k > 0; k--) {
        const b = r.byte();
        const t = VALTYPES[b];
        if (!t) throw malformed(`unknown value type 0x${b.toString(16)}`, r.pos - 1);
        v.push(t as ValType);
      }
      return v;
    };
    const params = vec();
    out.push({ params, results: vec() });
  }
  return out;
}

const sameType = (a: FuncType, b: FuncType): boolean =>
  a.params.length === b.params.length &&
  a.results.length === b.results.length &&
  a.params.every((p, i) => p === b.params[i]) &&
  a.results.every((p, i) => p === b.results[i]);

export interface ContractModuleOptions {
  /** Accept the `db_idx*` secondary-index intrinsics (the host must implement them). Default false. */
  secondaryIndexes?: boolean;
}

const WITH_SECONDARY: Readonly<Record<string, FuncType>> = { ...INTRINSIC_TYPES, ...secondaryIntrinsicTypes() };

/** Checks `wasm` and returns the module the VM runs. Throws `ContractError` naming what is wrong. */
export function prepareContract(wasm: Uint8Array, opts: ContractModuleOptions = {}): PreparedContract {
  const known = opts.secondaryIndexes ? WITH_SECONDARY : INTRINSIC_TYPES;
  if (wasm.length > MAX_CODE_BYTES) {
    throw new ContractError('wasm_serialization_error', `contract code is ${wasm.length} bytes; the limit is ${MAX_CODE_BYTES}`);
  }
  const sections = readSections(wasm).filter((s) => s.id !== SECTION.custom);
  const get = (id: number): Section | undefined => sections.find((s) => s.id === id);
  const types = get(SECTION.type) ? readTypes(get(SECTION.type)!.body) : [];
  const typeAt = (i: number): FuncType => {
    const t = types[i];
    if (!t) throw new ContractError('wasm_serialization_error', `malformed wasm: type index ${i} out of range`);
    return t;
  };

  // Imports: only known env functions with their exact signatures.
  const imports: string[] = [];
  const funcTypes: number[] = [];
  const imp = get(SECTION.import);
  if (imp) {
    const r = new WasmReader(imp.body);
    for (let n = r.u32(); n > 0; n--) {
      const module = r.name();
      const name = r.name();
      const kind = r.byte();
      const label = `${module}.${name}`;
      if (kind !== 0)
        throw new ContractError(
          'wasm_serialization_error',
          `contract imports ${label}, which is not a function; only Antelope intrinsics from "env" may be imported`,
        );
      const typeIndex = r.u32();
      const expected = module === 'env' && Object.hasOwn(known, name) ? known[name] : undefined;
      if (!expected)
        throw new ContractError(
          'wasm_serialization_error',
          `contract imports unknown function ${label}; only Antelope intrinsics from "env" are provided`,
        );
      const actual = typeAt(typeIndex);
      if (!sameType(expected, actual)) {
        throw new ContractError(
          'wasm_serialization_error',
          `contract imports ${label} as ${formatFuncType(actual)}; the intrinsic is ${formatFuncType(expected)}`,
        );
      }
      imports.push(name);
      funcTypes.push(typeIndex);
    }
  }
  const importedFuncs = funcTypes.length;
  const fnSec = get(SECTION.function);
  if (fnSec) {
    const r = new WasmReader(fnSec.body);
    for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
  }

  // Tables: bounded.
  const tab = get(SECTION.table);
  if (tab) {
    const r = new WasmReader(tab.body);
    for (let n = r.u32(); n > 0; n--) {
      r.byte();
      const lim = r.limits();
      if (lim.min > MAX_TABLE_ELEMENTS)
        throw new ContractError('wasm_serialization_error', `table of ${lim.min} elements; the limit is ${MAX_TABLE_ELEMENTS}`);
    }
  }

  // Memory: at most one, initial ≤ 33 MiB, maximum clamped to 33 MiB.
  let memoryBody: Uint8Array;
  const mem = get(SECTION.memory);
  let hasMemory = false;
  {
    let min = 0,
      max = MAX_MEMORY_PAGES;
    if (mem) {
      const r = new WasmReader(mem.body);
      const n = r.u32();
      if (n > 1) throw new ContractError('wasm_serialization_error', `contract declares ${n} memories; at most one is allowed`);
      if (n === 1) {
        const lim = r.limits();
        hasMemory = true;
        min = lim.min;
        max = Math.min(lim.max ?? MAX_MEMORY_PAGES, MAX_MEMORY_PAGES);
        if (min > MAX_MEMORY_PAGES) {
          throw new ContractError(
            'page_memory_error',
            `contract asks for ${min * WASM_PAGE_BYTES} bytes of initial memory; the limit is ${MAX_MEMORY_PAGES * WASM_PAGE_BYTES} (33 MiB)`,
          );
        }
      }
    }
    if (!hasMemory) {
      min = 0;
      max = 0;
      hasMemory = true;
    } // a memoryless contract gets an empty one
    memoryBody = new WasmWriter().u32(1).byte(1).u32(min).u32(Math.max(min, max)).finish();
  }

  // Globals: append the gas counter.
  const glob = get(SECTION.global);
  let globalCount = 0;
  let globalEntries: Uint8Array = new Uint8Array(0);
  const mutableGlobals: number[] = [];
  if (glob) {
    const r = new WasmReader(glob.body);
    globalCount = r.u32();
    globalEntries = glob.body.subarray(r.pos);
    for (let i = 0; i < globalCount; i++) {
      r.byte();
      if (r.byte() === 1) mutableGlobals.push(i);
      for (let op = r.byte(); op !== 0x0b; op = r.byte()) skipImmediates(op, r, -1);
    }
  }
  // two globals are ours (gas counter and call depth)
  if (globalCount + 2 > MAX_GLOBALS)
    throw new ContractError('wasm_serialization_error', `contract declares ${globalCount} globals; the limit is ${MAX_GLOBALS - 2}`);
  const gasGlobal = globalCount; // no global imports are accepted, so defined globals start at 0
  const depthGlobal = globalCount + 1;
  const globalBody = new WasmWriter()
    .u32(globalCount + 2)
    .bytes(globalEntries)
    .byte(0x7e)
    .byte(1)
    .byte(0x42)
    .sleb(DEFAULT_CPU_UNITS)
    .byte(0x0b)
    .byte(0x7f)
    .byte(1)
    .byte(0x41)
    .byte(0x00)
    .byte(0x0b)
    .finish();

  // Exports: `apply` must be there; add ours.
  const exp = get(SECTION.export);
  const exportEntries = new WasmWriter();
  let exportCount = 0;
  let applyFound = false;
  if (exp) {
    const r = new WasmReader(exp.body);
    for (let n = r.u32(); n > 0; n--) {
      const name = r.name();
      const kind = r.byte();
      const index = r.u32();
      if (name.startsWith('__peeros_')) throw new ContractError('wasm_serialization_error', `contract exports the reserved name ${name}`);
      if (name === 'apply') {
        const ti = funcTypes[index];
        if (kind !== 0 || ti === undefined || !sameType(typeAt(ti), { params: ['i64', 'i64', 'i64'], results: [] })) {
          throw new ContractError(
            'wasm_serialization_error',
            'contract exports `apply` with the wrong type; expected a function (i64, i64, i64) -> ()',
          );
        }
        applyFound = true;
      }
      exportEntries.name(name).byte(kind).u32(index);
      exportCount++;
    }
  }
  if (!applyFound) throw new ContractError('wasm_serialization_error', 'contract does not export `apply(receiver, code, action)`');
  exportEntries.name(EXPORT_GAS).byte(3).u32(gasGlobal);
  exportEntries.name(EXPORT_DEPTH).byte(3).u32(depthGlobal);
  exportCount += 2;
  for (const g of mutableGlobals) {
    exportEntries
      .name(EXPORT_GLOBAL_PREFIX + g)
      .byte(3)
      .u32(g);
    exportCount++;
  }
  if (hasMemory) {
    exportEntries.name(EXPORT_MEMORY).byte(2).u32(0);
    exportCount++;
  }
  const start = get(SECTION.start);
  let hasStart = false;
  if (start) {
    const startIndex = new WasmReader(start.body).u32();
    exportEntries.name(EXPORT_START).byte(0).u32(startIndex);
    exportCount++;
    hasStart = true;
  }
  const exportBody = new WasmWriter().u32(exportCount).bytes(exportEntries.finish()).finish();

  // Code: meter every body. A body is wrapped in a block yielding the function's results; a
  // function with several results needs a `[] -> results` type, appended when missing.
  const extraTypes: FuncType[] = [];
  const VALTYPE_BYTE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };
  const blockTypeOf = (ft: FuncType): Uint8Array => {
    if (ft.results.length === 0) return new Uint8Array([0x40]);
    if (ft.results.length === 1) return new Uint8Array([VALTYPE_BYTE[ft.results[0]!]!]);
    const want: FuncType = { params: [], results: ft.results };
    let index = types.findIndex((t) => sameType(t, want));
    if (index < 0) {
      index = extraTypes.findIndex((t) => sameType(t, want));
      if (index < 0) {
        extraTypes.push(want);
        index = extraTypes.length - 1;
      }
      index += types.length;
    }
    return new WasmWriter().sleb(index).finish();
  };
  const code = get(SECTION.code);
  const codeOut = new WasmWriter();
  if (code) {
    const r = new WasmReader(code.body);
    const n = r.u32();
    codeOut.u32(n);
    for (let i = 0; i < n; i++) {
      const body = r.take(r.u32());
      const ti = funcTypes[importedFuncs + i];
      if (ti === undefined)
        throw new ContractError('wasm_serialization_error', 'malformed wasm: more function bodies than declared functions');
      const metered = meterFunctionBody(body, { gasGlobal, depthGlobal, resultBlockType: blockTypeOf(typeAt(ti)), fn: importedFuncs + i });
      codeOut.u32(metered.length).bytes(metered);
    }
  }
  let typeBody = get(SECTION.type)?.body;
  if (extraTypes.length) {
    const tw = new WasmWriter().u32(types.length + extraTypes.length);
    if (typeBody) {
      const tr = new WasmReader(typeBody);
      tr.u32();
      tw.bytes(typeBody.subarray(tr.pos));
    }
    for (const t of extraTypes) {
      tw.byte(0x60).u32(0).u32(t.results.length);
      for (const v of t.results) tw.byte(VALTYPE_BYTE[v]!);
    }
    typeBody = tw.finish();
  }

  const out: Section[] = [];
  const push = (id: number, body: Uint8Array | undefined): void => {
    if (body) out.push({ id, body });
  };
  push(SECTION.type, typeBody);
  push(SECTION.import, get(SECTION.import)?.body);
  push(SECTION.function, get(SECTION.function)?.body);
  push(SECTION.table, get(SECTION.table)?.body);
  push(SECTION.memory, memoryBody);
  push(SECTION.tag, get(SECTION.tag)?.body);
  push(SECTION.global, globalBody);
  push(SECTION.export, exportBody);
  push(SECTION.element, get(SECTION.element)?.body);
  push(SECTION.dataCount, get(SECTION.dataCount)?.body);
  push(SECTION.code, code ? codeOut.finish() : undefined);
  push(SECTION.data, get(SECTION.data)?.body);
  return { wasm: writeModule(out), imports, hasStart, hasMemory, mutableGlobals: mutableGlobals.map((g) => EXPORT_GLOBAL_PREFIX + g) };
}
