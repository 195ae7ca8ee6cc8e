/**
 * The value types `peeros invoke` passes to and from an export: numbers as wasm passes them, and
 * the AssemblyScript objects `@assemblyscript/loader` lifts and lowers (strings, typed arrays,
 * arrays of numbers). Each type knows its core wasm type and how it is named in AssemblyScript's
 * bindings metadata (the `.d.ts` asc writes with `--bindings`) and on the command line.
 */
import { RTTI } from './as-object.js';
import type { ValType } from './wasm-sections.js';

export type NumberType = 'i32' | 'u32' | 'i64' | 'u64' | 'f32' | 'f64' | 'bool';
/** Element types of typed arrays and `Array<T>` the loader can copy (64-bit elements excluded: JS numbers). */
export type ElementType = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64';
export const TYPED_ARRAYS = {
  Int8Array: 'i8',
  Uint8Array: 'u8',
  Uint8ClampedArray: 'u8',
  Int16Array: 'i16',
  Uint16Array: 'u16',
  Int32Array: 'i32',
  Uint32Array: 'u32',
  Float32Array: 'f32',
  Float64Array: 'f64',
} as const satisfies Record<string, ElementType>;
export type TypedArrayName = keyof typeof TYPED_ARRAYS;

export type InvokeType =
  | { kind: 'number'; type: NumberType }
  | { kind: 'string' }
  | { kind: 'typed-array'; name: TypedArrayName; element: ElementType }
  | { kind: 'array'; element: ElementType }
  | { kind: 'void' };

const NUMBER_TYPES: readonly NumberType[] = ['i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'bool'];
const ELEMENTS: readonly ElementType[] = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'f32', 'f64'];
const ELEMENT_BYTES: Record<ElementType, number> = { i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, f32: 4, f64: 8 };

/** What the `--arg-types`/`--result-type` flags accept, for messages. */
export const TYPE_WORDS = `${NUMBER_TYPES.join(', ')}, string, ${Object.keys(TYPED_ARRAYS).join(', ')}, T[] for T in ${ELEMENTS.join(', ')}, void (result only)`;

/** The type a command-line word names (`i32`, `string`, `Int32Array`, `f64[]`), or undefined. */
export function typeFromWord(word: string): InvokeType | undefined {
  if ((NUMBER_TYPES as readonly string[]).includes(word)) return { kind: 'number', type: word as NumberType };
  if (word === 'string') return { kind: 'string' };
  if (word === 'void') return { kind: 'void' };
  if (Object.hasOwn(TYPED_ARRAYS, word))
    return { kind: 'typed-array', name: word as TypedArrayName, element: TYPED_ARRAYS[word as TypedArrayName] };
  const m = /^([a-z0-9]+)\[\]$/.exec(word);
  if (m && (ELEMENTS as readonly string[]).includes(m[1]!)) return { kind: 'array', element: m[1] as ElementType };
  return undefined;
}

/**
 * The type AssemblyScript's bindings metadata names (`i32`, `~lib/string/String`,
 * `~lib/typedarray/Int32Array`, `~lib/array/Array<i32>`, `void`), or undefined for one the loader
 * cannot lift (classes, maps, 64-bit arrays…). A nullable `T | null` is T (null passes as 0).
 */
export function typeFromBindings(name: string): InvokeType | undefined {
  const t = name.replace(/ \| null$/, '');
  if (t === 'isize' || t === 'usize') return { kind: 'number', type: t === 'isize' ? 'i32' : 'u32' };
  if (t === 'i8' || t === 'i16') return { kind: 'number', type: 'i32' };
  if (t === 'u8' || t === 'u16') return { kind: 'number', type: 'u32' };
  if (t === '~lib/string/String') return { kind: 'string' };
  const typed = /^~lib\/typedarray\/(\w+)$/.exec(t);
  if (typed) return typeFromWord(typed[1]!);
  const arr = /^~lib\/array\/Array<(\w+)>$/.exec(t);
  if (arr) return typeFromWord(`${arr[1]}[]`);
  if (t === 'void') return { kind: 'void' };
  const n = typeFromWord(t);
  return n?.kind === 'number' ? n : undefined;
}

/** The type a bare wasm value type stands for when nothing says more. */
export function typeFromValType(v: ValType): InvokeType | undefined {
  return v === 'i32' || v === 'i64' || v === 'f32' || v === 'f64' ? { kind: 'number', type: v } : undefined;
}

/** The core wasm type a value of `t` crosses the boundary as. */
export function coreType(t: InvokeType): ValType | undefined {
  switch (t.kind) {
    case 'number':
      return t.type === 'i64' || t.type === 'u64' ? 'i64' : t.type === 'f32' || t.type === 'f64' ? t.type : 'i32';
    case 'void':
      return undefined;
    default:
      return 'i32'; // a pointer
  }
}

/** True when `t` lives in guest memory (needs the AssemblyScript runtime exports to lift or lower). */
export function isManaged(t: InvokeType): boolean {
  return t.kind === 'string' || t.kind === 'typed-array' || t.kind === 'array';
}

export function typeName(t: InvokeType): string {
  switch (t.kind) {
    case 'number':
      return t.type;
    case 'typed-array':
      return t.name;
    case 'array':
      return `${t.element}[]`;
    default:
      return t.kind;
  }
}

export function elementBytes(e: ElementType): number {
  return ELEMENT_BYTES[e];
}

/** The runtime type flags (RTTI_LAYOUT_MASK bits) of a typed array or `Array<T>` of `e`. */
export function layoutFlags(t: InvokeType & { kind: 'typed-array' | 'array' }): number {
  const e = t.element;
  const align = 1 << (RTTI.VAL_ALIGN_OFFSET + Math.log2(ELEMENT_BYTES[e]));
  const signed = e === 'i8' || e === 'i16' || e === 'i32' || e === 'f32' || e === 'f64' ? RTTI.VAL_SIGNED : 0;
  const float = e === 'f32' || e === 'f64' ? RTTI.VAL_FLOAT : 0;
  return (t.kind === 'array' ? RTTI.ARRAY : RTTI.ARRAYBUFFERVIEW) | align | signed | float;
}

/** Inclusive range of an integer element or number type, for argument checks. */
export function integerRange(type: ElementType | NumberType): [bigint, bigint] | undefined {
  switch (type) {
    case 'i8':
      return [-128n, 127n];
    case 'u8':
      return [0n, 255n];
    case 'i16':
      return [-32768n, 32767n];
    case 'u16':
      return [0n, 65535n];
    case 'i32':
      return [-(1n << 31n), (1n << 31n) - 1n];
    case 'u32':
      return [0n, (1n << 32n) - 1n];
    case 'i64':
      return [-(1n << 63n), (1n << 63n) - 1n];
    case 'u64':
      return [0n, (1n << 64n) - 1n];
    case 'bool':
      return [0n, 1n];
    default:
      return undefined;
  }
}
