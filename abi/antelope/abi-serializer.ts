/**
 * The ABI-driven serializer: JSON ↔ Antelope binary for any type an ABI defines — structs (with
 * base structs), type aliases, variants, arrays `T[]`, optionals `T?`, binary extensions `T$` and
 * every builtin. Types are resolved once into a graph of codecs and cached per serializer, so
 * repeated encoding does no name lookups. Decoding untrusted input is bounded: nesting depth is
 * capped, array counts are checked against the bytes left (each element type's fewest bytes,
 * computed once per codec), the structs, variants and array elements one decode makes are capped
 * by its input's length (`decodeValueBudget`), and every error names the field path (e.g.
 * `transfer.quantity: expected asset …`). Anyone can set an ABI, and the chain API decodes with it
 * what anyone sends: before these bounds a 2 KB ABI made a 1-byte action take seconds (each level
 * of shared nested structs doubled the fewest-bytes walk) and 301 bytes decode to 650 MB (arrays of
 * arrays of empty structs).
 */
import { AntelopeError, describe } from './error.js';
import { encodeWith, type BinaryWriter } from './binary-writer.js';
import { BinaryReader } from './binary-reader.js';
import { Abi, type AbiType } from './abi-def.js';
import { BUILTIN_TYPES } from './builtin-types.js';
import type { Name } from './name.js';
import { PublicKey } from './public-key.js';
import { KeyType } from './key-type.js';

/** Leap's abi_serializer max_recursion_depth: deeper input is refused, not followed. */
export const MAX_DECODE_DEPTH = 32;
/** Arrays of zero-size elements cannot be bounded by the input length; cap them outright. */
export const MAX_ZERO_SIZE_ELEMENTS = 65536;
/**
 * Structs, variants and array elements one decode may make per byte of its input, beyond
 * `DECODED_VALUES_ALLOWANCE`: an array element of one byte that is a struct in a struct counts three.
 */
export const DECODED_VALUES_PER_BYTE = 4;
/**
 * What one decode may make whatever its length: an array of 8,192 empty structs (each an element and
 * a struct), about 5 ms of making objects. Leap bounds a decode by time instead (15 ms by default).
 */
export const DECODED_VALUES_ALLOWANCE = 16_384;

/** What one decode may still make (structs, variants, array elements); shared by every codec it reaches. */
export interface DecodeBudget {
  values: number;
}

/** The budget of one decode of `bytes` bytes of input. */
export function decodeValueBudget(bytes: number): DecodeBudget {
  return { values: DECODED_VALUES_ALLOWANCE + DECODED_VALUES_PER_BYTE * bytes };
}

/** Spends `n` values of `budget`; throws once it is exhausted. */
function spendValues(budget: DecodeBudget, n: number, what: string): void {
  budget.values -= n;
  if (budget.values < 0)
    throw new AntelopeError('DECODE_INVALID', `${what}: more values than the input's length allows (DECODED_VALUES_PER_BYTE)`);
}

/** A resolved type. */
export abstract class TypeCodec {
  constructor(readonly name: string) {}
  abstract encode(w: BinaryWriter, v: unknown, depth: number): void;
  abstract decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown;
  /** Fewest bytes a value can take (cycle-safe; used to bound array counts). */
  abstract minSize(seen: Set<TypeCodec>): number;
}

function tooDeep(depth: number): AntelopeError {
  return new AntelopeError('DECODE_DEPTH', `nesting deeper than ${MAX_DECODE_DEPTH} levels (at ${depth})`);
}

function located(e: unknown, segment: string): unknown {
  return e instanceof AntelopeError ? e.withPath(segment) : e;
}

class BuiltinTypeCodec extends TypeCodec {
  constructor(
    private readonly c: { name: string; minSize: number; encode(w: BinaryWriter, v: unknown): void; decode(r: BinaryReader): unknown },
  ) {
    super(c.name);
  }
  encode(w: BinaryWriter, v: unknown): void {
    this.c.encode(w, v);
  }
  decode(r: BinaryReader): unknown {
    return this.c.decode(r);
  }
  minSize(): number {
    return this.c.minSize;
  }
}

class OptionalCodec extends TypeCodec {
  constructor(
    name: string,
    readonly inner: TypeCodec,
  ) {
    super(name);
  }
  encode(w: BinaryWriter, v: unknown, depth: number): void {
    if (v === null || v === undefined) {
      w.u8(0);
      return;
    }
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    w.u8(1);
    this.inner.encode(w, v, depth + 1);
  }
  decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown {
    const flag = r.u8();
    if (flag === 0) return null;
    if (flag !== 1) throw new AntelopeError('DECODE_INVALID', `expected optional flag 0 or 1, got ${flag}`);
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    return this.inner.decode(r, depth + 1, budget);
  }
  minSize(): number {
    return 1;
  }
}

class ArrayCodec extends TypeCodec {
  constructor(
    name: string,
    readonly inner: TypeCodec,
  ) {
    super(name);
  }
  encode(w: BinaryWriter, v: unknown, depth: number): void {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    if (!Array.isArray(v)) {
      // bytes-like input for uint8[]/int8[] is common in JSON produced by other tools
      if (v instanceof Uint8Array && (this.inner.name === 'uint8' || this.inner.name === 'int8')) {
        w.varuint32(v.length);
        w.raw(v);
        return;
      }
      throw new AntelopeError('INVALID_VALUE', `expected an array of ${this.inner.name}, got ${describe(v)}`);
    }
    w.varuint32(v.length);
    const inner = this.inner;
    for (let i = 0; i < v.length; i++) {
      try {
        inner.encode(w, v[i], depth + 1);
      } catch (e) {
        throw located(e, `[${i}]`);
      }
    }
  }
  decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    const n = r.varuint32();
    const min = this.inner.minSize(new Set());
    if (min === 0 ? n > MAX_ZERO_SIZE_ELEMENTS : n * min > r.remaining) {
      throw new AntelopeError('DECODE_INVALID', `array of ${this.inner.name}: count ${n} does not fit in the ${r.remaining} byte(s) left`);
    }
    spendValues(budget, n, `array of ${this.inner.name}`);
    const out = new Array<unknown>(n);
    const inner = this.inner;
    for (let i = 0; i < n; i++) {
      try {
        out[i] = inner.decode(r, depth + 1, budget);
      } catch (e) {
        throw located(e, `[${i}]`);
      }
    }
    return out;
  }
  minSize(): number {
    return 1;
  }
}

interface Field {
  name: string;
  codec: TypeCodec;
  extension: boolean;
}

class StructCodec extends TypeCodec {
  fields: Field[] = [];
  constructor(name: string) {
    super(name);
  }
  encode(w: BinaryWriter, v: unknown, depth: number): void {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new AntelopeError('INVALID_VALUE', `expected struct ${this.name} (an object), got ${describe(v)}`);
    }
    const obj = v as Record<string, unknown>;
    const fields = this.fields;
    let missingExtension: string | null = null;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const fv = obj[f.name];
      // an absent binary extension may also arrive as null (other tools print it so), unless its
      // type is optional, where null is a present value
      if (fv === undefined || (fv === null && f.extension && !(f.codec instanceof OptionalCodec))) {
        if (f.extension) {
          missingExtension ??= f.name;
          continue;
        }
        if (f.codec instanceof OptionalCodec) {
          w.u8(0);
          continue;
        }
        throw new AntelopeError('INVALID_VALUE', `missing field (expected ${f.codec.name})`, f.name);
      }
      if (missingExtension !== null) {
        throw new AntelopeError('INVALID_VALUE', `binary extension ${missingExtension} is absent, so ${f.name} must be absent too`, f.name);
      }
      try {
        f.codec.encode(w, fv, depth + 1);
      } catch (e) {
        throw located(e, f.name);
      }
    }
  }
  decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    spendValues(budget, 1, `struct ${this.name}`);
    const out: Record<string, unknown> = {};
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.extension && r.remaining === 0) break;
      try {
        out[f.name] = f.codec.decode(r, depth + 1, budget);
      } catch (e) {
        throw located(e, f.name);
      }
    }
    return out;
  }
  /** Computed once (a struct shared at many levels was walked once per path: exponential in the levels). */
  private min: number | undefined;
  minSize(seen: Set<TypeCodec>): number {
    if (this.min !== undefined) return this.min;
    if (seen.has(this)) return 0;
    seen.add(this);
    let n = 0;
    for (const f of this.fields) if (!f.extension) n += f.codec.minSize(seen);
    seen.delete(this);
    // inside a cycle the walk stopped at a struct seen before: still a lower bound, which only lets
    // an array count through that the bytes left then refuse
    this.min = n;
    return n;
  }
}

class VariantCodec extends TypeCodec {
  types: TypeCodec[] = [];
  typeNames: string[] = [];
  constructor(name: string) {
    super(name);
  }
  encode(w: BinaryWriter, v: unknown, depth: number): void {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    let tag: unknown, value: unknown;
    if (Array.isArray(v) && v.length === 2) {
      tag = v[0];
      value = v[1];
    } else if (v && typeof v === 'object' && 'type' in v && 'value' in v) {
      tag = (v as { type: unknown }).type;
      value = (v as { value: unknown }).value;
    } else {
      throw new AntelopeError('INVALID_VALUE', `expected variant ${this.name} as [type, value], got ${describe(v)}`);
    }
    const i = typeof tag === 'string' ? this.typeNames.indexOf(tag) : -1;
    if (i < 0) {
      throw new AntelopeError(
        'INVALID_VALUE',
        `expected variant ${this.name} type to be one of ${this.typeNames.join(', ')}, got ${describe(tag)}`,
      );
    }
    w.varuint32(i);
    try {
      this.types[i]!.encode(w, value, depth + 1);
    } catch (e) {
      throw located(e, `<${tag as string}>`);
    }
  }
  decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown {
    if (depth > MAX_DECODE_DEPTH) throw tooDeep(depth);
    spendValues(budget, 1, `variant ${this.name}`);
    const i = r.varuint32();
    if (i >= this.types.length) {
      throw new AntelopeError('DECODE_INVALID', `variant ${this.name}: index ${i} out of range (${this.types.length} types)`);
    }
    const name = this.typeNames[i]!;
    try {
      return [name, this.types[i]!.decode(r, depth + 1, budget)];
    } catch (e) {
      throw located(e, `<${name}>`);
    }
  }
  minSize(): number {
    return 1;
  }
}

/** Binary extension `T$` at the top level (outside a struct) behaves as `T`. */
class ExtensionCodec extends TypeCodec {
  constructor(
    name: string,
    readonly inner: TypeCodec,
  ) {
    super(name);
  }
  encode(w: BinaryWriter, v: unknown, depth: number): void {
    this.inner.encode(w, v, depth);
  }
  decode(r: BinaryReader, depth: number, budget: DecodeBudget): unknown {
    return this.inner.decode(r, depth, budget);
  }
  minSize(seen: Set<TypeCodec>): number {
    return this.inner.minSize(seen);
  }
}

const serializers = new WeakMap<Abi, AbiSerializer>();

export interface AbiSerializerOptions {
  /** Decode K1 public keys in the legacy `EOS…` form, as Leap's chain API prints them. */
  legacyKeys?: boolean;
}

const legacyPublicKey = {
  ...BUILTIN_TYPES.get('public_key')!,
  decode(r: BinaryReader): unknown {
    const k = PublicKey.decode(r);
    return k.type === KeyType.K1 ? k.toLegacyString() : k.toString();
  },
};

export class AbiSerializer {
  readonly abi: Abi;
  readonly options: Readonly<AbiSerializerOptions>;
  private readonly cache = new Map<string, TypeCodec>();
  private readonly aliases = new Map<string, string>();
  private readonly structs = new Map<string, { base: string; fields: { name: string; type: string }[] }>();
  private readonly variants = new Map<string, string[]>();
  private readonly actionTypes = new Map<string, string>();
  private readonly resultTypes = new Map<string, string>();
  private readonly tableTypes = new Map<string, string>();

  constructor(abi: AbiType, options: AbiSerializerOptions = {}) {
    this.abi = Abi.from(abi);
    this.options = { ...options };
    for (const t of this.abi.types) this.define(this.aliases, t.new_type_name, t.type);
    for (const s of this.abi.structs) this.define(this.structs, s.name, { base: s.base, fields: s.fields });
    for (const v of this.abi.variants) this.define(this.variants, v.name, v.types);
    for (const a of this.abi.actions) this.actionTypes.set(a.name, a.type);
    for (const a of this.abi.action_results) this.resultTypes.set(a.name, a.result_type);
    for (const t of this.abi.tables) this.tableTypes.set(t.name, t.type);
  }

  /** One shared serializer per Abi object, so callers get the type cache without holding one. */
  static for(abi: AbiType): AbiSerializer {
    const a = Abi.from(abi);
    let s = serializers.get(a);
    if (!s) {
      s = new AbiSerializer(a);
      serializers.set(a, s);
    }
    return s;
  }

  private define<T>(map: Map<string, T>, name: string, value: T): void {
    if (BUILTIN_TYPES.has(name)) throw new AntelopeError('INVALID_ABI', `abi: ${JSON.stringify(name)} redefines a builtin type`);
    if (this.aliases.has(name) || this.structs.has(name) || this.variants.has(name)) {
      throw new AntelopeError('INVALID_ABI', `abi: type ${JSON.stringify(name)} is defined more than once`);
    }
    map.set(name, value);
  }

  /** Resolve every type the ABI mentions; throws on the first unknown or circular one. */
  validate(): this {
    const names = [
      ...this.aliases.keys(),
      ...this.structs.keys(),
      ...this.variants.keys(),
      ...this.actionTypes.values(),
      ...this.resultTypes.values(),
      ...this.tableTypes.values(),
    ];
    for (const n of names) this.resolve(n);
    for (const [name, s] of this.structs) {
      for (const f of s.fields) {
        try {
          this.resolve(f.type);
        } catch (e) {
          throw located(e, `${name}.${f.name}`);
        }
      }
      let seenExt = false;
      for (const f of s.fields) {
        if (f.type.endsWith('$')) seenExt = true;
        else if (seenExt)
          throw new AntelopeError('INVALID_ABI', `abi: field ${f.name} follows a binary extension and must be one too`, name);
      }
    }
    return this;
  }

  /** The codec for a type name (cached). */
  resolve(type: string): TypeCodec {
    const hit = this.cache.get(type);
    if (hit) return hit;
    return this.build(type, new Set());
  }

  private build(type: string, aliasChain: Set<string>): TypeCodec {
    const hit = this.cache.get(type);
    if (hit) return hit;
    let codec: TypeCodec;
    if (type.endsWith('$')) {
      codec = new ExtensionCodec(type, this.build(type.slice(0, -1), aliasChain));
    } else if (type.endsWith('?')) {
      codec = new OptionalCodec(type, this.build(type.slice(0, -1), aliasChain));
    } else if (type.endsWith('[]')) {
      codec = new ArrayCodec(type, this.build(type.slice(0, -2), aliasChain));
    } else {
      const builtin = type === 'public_key' && this.options.legacyKeys ? legacyPublicKey : BUILTIN_TYPES.get(type);
      const alias = this.aliases.get(type);
      const struct = this.structs.get(type);
      const variant = this.variants.get(type);
      if (builtin) codec = new BuiltinTypeCodec(builtin);
      else if (alias !== undefined) {
        if (aliasChain.has(type)) throw new AntelopeError('INVALID_ABI', `abi: circular type alias ${[...aliasChain, type].join(' → ')}`);
        aliasChain.add(type);
        codec = this.build(alias, aliasChain);
        aliasChain.delete(type);
      } else if (struct) {
        const sc = new StructCodec(type);
        this.cache.set(type, sc); // before the fields, so recursive structs resolve to this codec
        try {
          sc.fields = this.structFields(type, new Set());
        } catch (e) {
          this.cache.delete(type);
          throw e;
        }
        return sc;
      } else if (variant) {
        const vc = new VariantCodec(type);
        this.cache.set(type, vc);
        try {
          vc.typeNames = variant;
          vc.types = variant.map((t) => this.build(t, new Set()));
        } catch (e) {
          this.cache.delete(type);
          throw e;
        }
        return vc;
      } else {
        throw new AntelopeError('UNKNOWN_TYPE', `unknown type ${JSON.stringify(type)}: not a builtin and not defined by the ABI`);
      }
    }
    this.cache.set(type, codec);
    return codec;
  }

  private structFields(name: string, chain: Set<string>): Field[] {
    if (chain.has(name)) throw new AntelopeError('INVALID_ABI', `abi: circular base struct ${[...chain, name].join(' → ')}`);
    chain.add(name);
    const s = this.structs.get(name)!;
    let fields: Field[] = [];
    if (s.base) {
      let base = s.base;
      for (let i = 0; this.aliases.has(base); i++) {
        if (i > 64) throw new AntelopeError('INVALID_ABI', `abi: alias chain of base ${s.base} is too long`);
        base = this.aliases.get(base)!;
      }
      if (!this.structs.has(base))
        throw new AntelopeError('INVALID_ABI', `abi: base ${JSON.stringify(s.base)} of struct ${name} is not a struct`);
      fields = this.structFields(base, chain);
    }
    for (const f of s.fields) {
      let codec: TypeCodec;
      const extension = f.type.endsWith('$');
      try {
        codec = this.build(extension ? f.type.slice(0, -1) : f.type, new Set());
      } catch (e) {
        throw located(e, `${name}.${f.name}`);
      }
      fields.push({ name: f.name, codec, extension });
    }
    // a value is an object keyed by field name: two fields of one name (its own or a base's) would
    // decode to one key, the first value lost, and the object would not encode back
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name))
        throw new AntelopeError('INVALID_ABI', `abi: struct ${name} has two fields named ${JSON.stringify(f.name)} (with its bases')`);
      names.add(f.name);
    }
    return fields;
  }

  /** Append the binary form of `value` (as `type`) to `w`. */
  encodeInto(w: BinaryWriter, type: string, value: unknown): void {
    const codec = this.resolve(type);
    try {
      codec.encode(w, value, 0);
    } catch (e) {
      throw located(e, type);
    }
  }

  encode(type: string, value: unknown): Uint8Array {
    return encodeWith((w) => this.encodeInto(w, type, value));
  }

  /** Decode one `type` value from `r` (leaves the reader after it), within `budget` (default: the bytes `r` has left). */
  decodeFrom(r: BinaryReader, type: string, budget: DecodeBudget = decodeValueBudget(r.remaining)): unknown {
    const codec = this.resolve(type);
    try {
      return codec.decode(r, 0, budget);
    } catch (e) {
      throw located(e, type);
    }
  }

  /** Decode exactly one `type` value from `bytes`; trailing bytes are an error. */
  decode(type: string, bytes: Uint8Array): unknown {
    const r = new BinaryReader(bytes);
    const v = this.decodeFrom(r, type);
    if (r.remaining !== 0) {
      throw new AntelopeError('DECODE_TRAILING', `${r.remaining} unexpected trailing byte(s) after ${type}`, type);
    }
    return v;
  }

  /** The argument struct type of `action`; throws when the ABI has no such action. */
  actionType(action: string | Name): string {
    const t = this.actionTypes.get(action.toString());
    if (t === undefined) throw new AntelopeError('UNKNOWN_TYPE', `the ABI has no action ${JSON.stringify(action.toString())}`);
    return t;
  }

  encodeAction(action: string | Name, data: unknown): Uint8Array {
    return this.encode(this.actionType(action), data);
  }
  decodeAction(action: string | Name, data: Uint8Array): unknown {
    return this.decode(this.actionType(action), data);
  }

  /** The return type of `action` if it declares one. */
  actionResultType(action: string | Name): string | undefined {
    return this.resultTypes.get(action.toString());
  }
  /** The row type of `table` if the ABI declares it. */
  tableType(table: string | Name): string | undefined {
    return this.tableTypes.get(table.toString());
  }
}
