/**
 * Reading AssemblyScript managed objects out of guest memory, bounded and checked, before anything
 * (the host, or `@assemblyscript/loader`, which trusts every header it reads) touches them.
 *
 * Every managed object is preceded by its runtime header; the last two u32s before the object are
 * its class id (`rtId`, at ptr − 8) and its payload size in bytes (`rtSize`, at ptr − 4). A string
 * is class id 2 with `rtSize` bytes of UTF-16. Array-like classes are described by a table of u32
 * flags per class id at `__rtti_base` (count first), whose bits the loader names the same way:
 * https://www.assemblyscript.org/runtime.html#memory-layout
 */
import { BoundaryError } from '../../abi/boundary-errors.js';
import type { GuestMemory } from '../../abi/guest-memory.js';

/** Class id of `String` in every AssemblyScript module. */
export const AS_STRING_ID = 2;

/** Runtime type flags (AssemblyScript `TypeinfoFlags`). */
export const RTTI = {
  ARRAYBUFFERVIEW: 1 << 0,
  ARRAY: 1 << 1,
  STATICARRAY: 1 << 2,
  SET: 1 << 3,
  MAP: 1 << 4,
  /** Value alignment, one-hot: bit VAL_ALIGN_OFFSET + log2(element size). */
  VAL_ALIGN_OFFSET: 6,
  VAL_SIGNED: 1 << 11,
  VAL_FLOAT: 1 << 12,
  VAL_MANAGED: 1 << 14,
} as const;

/** The flags that decide an array's element layout (kind, element size, signedness, float). */
export const RTTI_LAYOUT_MASK =
  RTTI.ARRAYBUFFERVIEW |
  RTTI.ARRAY |
  RTTI.STATICARRAY |
  RTTI.SET |
  RTTI.MAP |
  (31 << RTTI.VAL_ALIGN_OFFSET) |
  RTTI.VAL_SIGNED |
  RTTI.VAL_FLOAT |
  RTTI.VAL_MANAGED;

/** Class ids a module may declare: far above any real module (hundreds), bounds the table read. */
const MAX_RTTI_IDS = 1 << 16;

export interface AsObjectHeader {
  id: number;
  size: number;
}

/** The runtime header of the object at `ptr`, checked to lie, with its payload, inside memory. */
export function asObjectHeader(mem: GuestMemory, ptr: number, what: string): AsObjectHeader {
  if (ptr < 8 || ptr % 4 !== 0) throw new BoundaryError('BAD_POINTER', `${what}: ${ptr} is not the address of an AssemblyScript object`);
  mem.check(ptr - 8, 8, `${what} header`);
  const id = mem.dv.getUint32(ptr - 8, true);
  const size = mem.dv.getUint32(ptr - 4, true);
  mem.check(ptr, size, what);
  return { id, size };
}

export interface AsString {
  text: string;
  /** Length of the whole string in UTF-16 units (text holds at most the bound asked for). */
  units: number;
}

/**
 * The string at `ptr` (null for 0), at most `maxUnits` UTF-16 units of it. Lone surrogates are kept
 * as they are (AssemblyScript strings are WTF-16); printers escape them.
 */
export function readAsString(mem: GuestMemory, ptr: number, maxUnits: number, what: string): AsString | null {
  if (ptr === 0) return null;
  const { id, size } = asObjectHeader(mem, ptr, what);
  if (id !== AS_STRING_ID) throw new BoundaryError('INVALID_VALUE', `${what}: the object at ${ptr} is not a string (class id ${id})`);
  if (size % 2 !== 0) throw new BoundaryError('INVALID_VALUE', `${what}: a string of ${size} bytes (UTF-16 needs an even size)`);
  const units = size / 2;
  const n = Math.min(units, maxUnits);
  let text = '';
  for (let off = 0; off < n; off += 1024) {
    const end = Math.min(n, off + 1024);
    const codes = new Uint16Array(end - off);
    for (let i = off; i < end; i++) codes[i - off] = mem.dv.getUint16(ptr + 2 * i, true);
    text += String.fromCharCode(...codes);
  }
  return { text, units };
}

/** The runtime type table of a module built with `--exportRuntime`: flags by class id. */
export class RttiTable {
  constructor(
    readonly mem: GuestMemory,
    readonly base: number,
  ) {}

  get count(): number {
    const n = this.mem.readU32(this.base, 'runtime type table (__rtti_base)');
    if (n > MAX_RTTI_IDS) throw new BoundaryError('LIMIT_EXCEEDED', `runtime type table: ${n} class ids, above ${MAX_RTTI_IDS}`);
    this.mem.check(this.base + 4, n * 4, 'runtime type table');
    return n;
  }

  /** Flags of class `id`; INVALID_VALUE when the module has no such class. */
  flags(id: number): number {
    if (id >= this.count) throw new BoundaryError('INVALID_VALUE', `class id ${id} is not in the module's runtime type table`);
    return this.mem.dv.getUint32(this.base + 4 + 4 * id, true);
  }

  /** The first class id whose layout flags are exactly `layout` (same layout, same lowering), if any. */
  idWithLayout(layout: number): number | undefined {
    const n = this.count;
    for (let id = 0; id < n; id++) if ((this.mem.dv.getUint32(this.base + 4 + 4 * id, true) & RTTI_LAYOUT_MASK) === layout) return id;
    return undefined;
  }
}
