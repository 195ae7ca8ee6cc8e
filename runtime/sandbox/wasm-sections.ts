/**
 * Reads the parts of a WebAssembly binary the sandbox needs before it compiles anything: the
 * sections, the function types, imports with their signatures, the memory limits and the exports
 * with their kinds and (for functions) signatures. V8 does not expose signatures to JS, and a JS
 * function imported into wasm accepts any signature, so the linker checks them from here.
 *
 * Spec: https://webassembly.github.io/spec/core/binary/modules.html
 */
import { HostError } from '../errors.js';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export interface FuncType {
  params: ValType[];
  results: ValType[];
}
export interface MemoryLimits {
  min: number;
  max?: number;
  shared: boolean;
  memory64: boolean;
}
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleImport {
  module: string;
  name: string;
  kind: ExternKind;
  type?: FuncType;
  memory?: MemoryLimits;
}
export interface ModuleExport {
  name: string;
  kind: ExternKind;
  index: number;
  type?: FuncType;
}

export interface Section {
  id: number /** offset of the section id byte */;
  start: number /** offset of the payload */;
  body: number;
  end: number;
}

export interface ModuleInfo {
  sections: Section[];
  types: FuncType[];
  imports: ModuleImport[];
  exports: ModuleExport[];
  /** Memories defined by the module (not imported). */
  memories: MemoryLimits[];
  /** Type of each function, imported ones first (function index space). */
  funcTypes: FuncType[];
}

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const KINDS: ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** A cursor over the binary; every read is checked against the end. */
export class WasmReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    public end = bytes.length,
  ) {}
  fail(what: string): never {
    throw new HostError('INVALID_MODULE', `not a valid WebAssembly module: ${what} at byte ${this.pos}`);
  }
  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      if (shift === 28 && b > 0x0f) this.fail('LEB128 u32 too large');
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  }
  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) this.fail('name past the end');
    let s: string;
    try {
      s = UTF8.decode(this.bytes.subarray(this.pos, this.pos + len));
    } catch {
      this.fail('a name is not valid UTF-8');
    }
    this.pos += len;
    return s;
  }
  valtype(): ValType {
    const b = this.u8();
    const t = VALTYPES[b];
    if (!t) this.fail(`unsupported value type 0x${b.toString(16)}`);
    return t;
  }
  limits(): MemoryLimits {
    const flags = this.u8();
    if (flags > 0x07) this.fail(`bad limits flags 0x${flags.toString(16)}`);
    const memory64 = (flags & 0x04) !== 0;
    const min = this.u32();
    const lim: MemoryLimits = { min, shared: (flags & 0x02) !== 0, memory64 };
    if (flags & 0x01) lim.max = this.u32();
    return lim;
  }
}

/** Parses the module structure. Throws HostError `INVALID_MODULE` on malformed input. */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  const r = new WasmReader(bytes);
  if (bytes.length < 8 || r.u8() !== 0 || r.u8() !== 0x61 || r.u8() !== 0x73 || r.u8() !== 0x6d) {
    throw new HostError('INVALID_MODULE', 'not a WebAssembly module (missing the \\0asm magic)');
  }
  if (r.u8() !== 1 || r.u8() !== 0 || r.u8() !== 0 || r.u8() !== 0)
    throw new HostError('INVALID_MODULE', 'unsupported WebAssembly binary version (expected 1)');
  const info: ModuleInfo = { sections: [], types: [], imports: [], exports: [], memories: [], funcTypes: [] };
  const localFuncs: number[] = [];
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const body = r.pos;
    const end = body + size;
    if (end > bytes.length) r.fail(`section ${id} runs past the end`);
    info.sections.push({ id, start, body, end });
    const s: WasmReader = new WasmReader(bytes, body, end); // typed: s.fail() narrows only through a declared type
    switch (id) {
      case 1: {
        // type
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          if (s.u8() !== 0x60) s.fail('only function types are supported');
          const params: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) params.push(s.valtype());
          const results: ValType[] = [];
          for (let k = s.u32(); k > 0; k--) results.push(s.valtype());
          info.types.push({ params, results });
        }
        break;
      }
      case 2: {
        // import
        const n = s.u32();
        for (let i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          const kindByte = s.u8();
          const kind = KINDS[kindByte];
          if (!kind) s.fail(`bad import kind ${kindByte}`);
          const imp: ModuleImport = { module, name, kind };
          if (kind === 'func') {
            const t = info.types[s.u32()];
            if (!t) s.fail(`import ${module}::${name} uses an unknown type`);
            imp.type = t;
            info.funcTypes.push(t);
          } else if (kind === 'table') {
            s.u8();
            s.limits();
          } else if (kind === 'memory') imp.memory = s.limits();
          else if (kind === 'global') {
            s.valtype();
            s.u8();
          } else {
            s.u8();
            s.u32();
          }
          info.imports.push(imp);
        }
        break;
      }
      case 3: {
        // function
        for (let n = s.u32(); n > 0; n--) localFuncs.push(s.u32());
        for (const ti of localFuncs) {
          const t = info.types[ti];
          if (!t) s.fail('function uses an unknown type');
          info.funcTypes.push(t);
        }
        break;
      }
      case 5: {
        // memory
        for (let n = s.u32(); n > 0; n--) info.memories.push(s.limits());
        break;
      }
      case 7: {
        // export
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kind = KINDS[s.u8()];
          if (!kind) s.fail('bad export kind');
          const index = s.u32();
          info.exports.push({ name, kind, index });
        }
        break;
      }
      default:
        break;
    }
    r.pos = end;
  }
  for (const e of info.exports)
    if (e.kind === 'func') {
      const t = info.funcTypes[e.index];
      if (t) e.type = t;
    }
  return info;
}

export function formatType(t: FuncType | undefined): string {
  if (!t) return '(unknown)';
  return `(${t.params.join(', ')}) -> (${t.results.join(', ')})`;
}

export function sameType(t: FuncType | undefined, params: readonly string[], results: readonly string[]): boolean {
  return (
    !!t &&
    t.params.length === params.length &&
    t.results.length === results.length &&
    t.params.every((p, i) => p === params[i]) &&
    t.results.every((p, i) => p === results[i])
  );
}
