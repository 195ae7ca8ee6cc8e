/**
 * The Antelope ABI definition (`abi_def`): JSON form as served by `get_abi` and the binary form
 * stored by `setabi`, including variants and action_results (binary extensions of abi/1.1+),
 * ricardian clauses, error messages and abi_extensions. `Abi.from` normalises partial JSON,
 * filling omitted lists with `[]`.
 */
import { AntelopeError, describe } from './error.js';
import { encodeWith, type BinaryWriter } from './binary-writer.js';
import { BinaryReader } from './binary-reader.js';
import { Name } from './name.js';
import { bytesToHex, hexToBytes } from './bytes.js';

export interface AbiTypeDef {
  new_type_name: string;
  type: string;
}
export interface AbiField {
  name: string;
  type: string;
}
export interface AbiStruct {
  name: string;
  base: string;
  fields: AbiField[];
}
export interface AbiAction {
  name: string;
  type: string;
  ricardian_contract: string;
}
export interface AbiTable {
  name: string;
  index_type: string;
  key_names: string[];
  key_types: string[];
  type: string;
}
export interface AbiClause {
  id: string;
  body: string;
}
export interface AbiErrorMessage {
  error_code: string;
  error_msg: string;
}
export interface AbiExtension {
  tag: number;
  value: string;
}
export interface AbiVariant {
  name: string;
  types: string[];
}
export interface AbiActionResult {
  name: string;
  result_type: string;
}

/** The JSON shape of an ABI (every list present). */
export interface AbiDef {
  version: string;
  types: AbiTypeDef[];
  structs: AbiStruct[];
  actions: AbiAction[];
  tables: AbiTable[];
  ricardian_clauses: AbiClause[];
  error_messages: AbiErrorMessage[];
  abi_extensions: AbiExtension[];
  variants: AbiVariant[];
  action_results: AbiActionResult[];
}

/** Any partial JSON ABI (lists may be omitted; names may be Name objects; error codes numbers). */
export type AbiDefInput = Partial<{
  version: string;
  types: AbiTypeDef[];
  structs: Array<{ name: string; base?: string; fields?: AbiField[] }>;
  actions: Array<{ name: string | Name; type: string; ricardian_contract?: string }>;
  tables: Array<{ name: string | Name; index_type?: string; key_names?: string[]; key_types?: string[]; type: string }>;
  ricardian_clauses: AbiClause[];
  error_messages: Array<{ error_code: string | number | bigint; error_msg: string }>;
  abi_extensions: Array<AbiExtension | [number, string]>;
  variants: AbiVariant[];
  action_results: Array<{ name: string | Name; result_type: string }>;
}>;

export type AbiType = Abi | AbiDefInput | string | Uint8Array;

export const DEFAULT_ABI_VERSION = 'eosio::abi/1.2';

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new AntelopeError('INVALID_ABI', `expected a string, got ${describe(v)}`, path);
  return v;
}
function list<T>(v: unknown, path: string): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new AntelopeError('INVALID_ABI', `expected an array, got ${describe(v)}`, path);
  return v as T[];
}
function nameStr(v: unknown, path: string): string {
  try {
    return Name.from(v as string).toString();
  } catch (e) {
    throw e instanceof AntelopeError ? e.withPath(path) : e;
  }
}

export class Abi implements AbiDef {
  version: string;
  types: AbiTypeDef[];
  structs: AbiStruct[];
  actions: AbiAction[];
  tables: AbiTable[];
  ricardian_clauses: AbiClause[];
  error_messages: AbiErrorMessage[];
  abi_extensions: AbiExtension[];
  variants: AbiVariant[];
  action_results: AbiActionResult[];

  constructor(def: AbiDef) {
    this.version = def.version;
    this.types = def.types;
    this.structs = def.structs;
    this.actions = def.actions;
    this.tables = def.tables;
    this.ricardian_clauses = def.ricardian_clauses;
    this.error_messages = def.error_messages;
    this.abi_extensions = def.abi_extensions;
    this.variants = def.variants;
    this.action_results = def.action_results;
  }

  /** From an Abi, partial JSON object, JSON text, or the binary `abi_def`. */
  static from(value: AbiType): Abi {
    if (value instanceof Abi) return value;
    if (value instanceof Uint8Array) return Abi.fromBinary(value);
    if (typeof value === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (e) {
        throw new AntelopeError('INVALID_ABI', `abi: not valid JSON (${(e as Error).message})`);
      }
      return Abi.fromJSON(parsed);
    }
    return Abi.fromJSON(value);
  }

  static fromJSON(value: unknown): Abi {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new AntelopeError('INVALID_ABI', `abi: expected an object, got ${describe(value)}`);
    }
    const v = value as Record<string, unknown>;
    return new Abi({
      version: v.version === undefined ? DEFAULT_ABI_VERSION : str(v.version, 'abi.version'),
      types: list<AbiTypeDef>(v.types, 'abi.types').map((t, i) => ({
        new_type_name: str(t?.new_type_name, `abi.types[${i}].new_type_name`),
        type: str(t?.type, `abi.types[${i}].type`),
      })),
      structs: list<Record<string, unknown>>(v.structs, 'abi.structs').map((s, i) => ({
        name: str(s?.name, `abi.structs[${i}].name`),
        base: s?.base === undefined ? '' : str(s.base, `abi.structs[${i}].base`),
        fields: list<AbiField>(s?.fields, `abi.structs[${i}].fields`).map((f, j) => ({
          name: str(f?.name, `abi.structs[${i}].fields[${j}].name`),
          type: str(f?.type, `abi.structs[${i}].fields[${j}].type`),
        })),
      })),
      actions: list<Record<string, unknown>>(v.actions, 'abi.actions').map((a, i) => ({
        name: nameStr(a?.name, `abi.actions[${i}].name`),
        type: str(a?.type, `abi.actions[${i}].type`),
        ricardian_contract: a?.ricardian_contract === undefined ? '' : str(a.ricardian_contract, `abi.actions[${i}].ricardian_contract`),
      })),
      tables: list<Record<string, unknown>>(v.tables, 'abi.tables').map((t, i) => ({
        name: nameStr(t?.name, `abi.tables[${i}].name`),
        index_type: t?.index_type === undefined ? '' : str(t.index_type, `abi.tables[${i}].index_type`),
        key_names: list<unknown>(t?.key_names, `abi.tables[${i}].key_names`).map((k, j) => str(k, `abi.tables[${i}].key_names[${j}]`)),
        key_types: list<unknown>(t?.key_types, `abi.tables[${i}].key_types`).map((k, j) => str(k, `abi.tables[${i}].key_types[${j}]`)),
        type: str(t?.type, `abi.tables[${i}].type`),
      })),
      ricardian_clauses: list<AbiClause>(v.ricardian_clauses, 'abi.ricardian_clauses').map((c, i) => ({
        id: str(c?.id, `abi.ricardian_clauses[${i}].id`),
        body: str(c?.body, `abi.ricardian_clauses[${i}].body`),
      })),
      error_messages: list<Record<string, unknown>>(v.error_messages, 'abi.error_messages').map((m, i) => {
        const code = m?.error_code;
        if (
          !(typeof code === 'string' && /^\d+$/.test(code)) &&
          !(typeof code === 'number' && Number.isSafeInteger(code) && code >= 0) &&
          typeof code !== 'bigint'
        ) {
          throw new AntelopeError('INVALID_ABI', `expected a uint64, got ${describe(code)}`, `abi.error_messages[${i}].error_code`);
        }
        const c = BigInt(code as string | number | bigint);
        if (c < 0n || c > 0xffffffffffffffffn)
          throw new AntelopeError('INVALID_ABI', `uint64 out of range: ${c}`, `abi.error_messages[${i}].error_code`);
        return { error_code: c.toString(), error_msg: str(m?.error_msg, `abi.error_messages[${i}].error_msg`) };
      }),
      abi_extensions: list<unknown>(v.abi_extensions, 'abi.abi_extensions').map((x, i) => {
        const path = `abi.abi_extensions[${i}]`;
        const tag = Array.isArray(x) ? x[0] : (x as AbiExtension)?.tag;
        const val = Array.isArray(x) ? x[1] : (x as AbiExtension)?.value;
        if (!Number.isInteger(tag) || (tag as number) < 0 || (tag as number) > 0xffff) {
          throw new AntelopeError('INVALID_ABI', `expected tag uint16, got ${describe(tag)}`, path);
        }
        hexToBytes(str(val, path), path);
        return { tag: tag as number, value: (val as string).toLowerCase() };
      }),
      variants: list<AbiVariant>(v.variants, 'abi.variants').map((x, i) => ({
        name: str(x?.name, `abi.variants[${i}].name`),
        types: list<unknown>(x?.types, `abi.variants[${i}].types`).map((t, j) => str(t, `abi.variants[${i}].types[${j}]`)),
      })),
      action_results: list<Record<string, unknown>>(v.action_results, 'abi.action_results').map((a, i) => ({
        name: nameStr(a?.name, `abi.action_results[${i}].name`),
        result_type: str(a?.result_type, `abi.action_results[${i}].result_type`),
      })),
    });
  }

  static fromBinary(bytes: Uint8Array): Abi {
    const r = new BinaryReader(bytes);
    const abi = Abi.decode(r);
    if (r.remaining !== 0) throw new AntelopeError('DECODE_TRAILING', `abi: ${r.remaining} unexpected trailing byte(s)`);
    return abi;
  }

  static decode(r: BinaryReader): Abi {
    const strings = (): string[] => {
      const n = r.varuint32();
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(r.string());
      return out;
    };
    const count = (what: string): number => {
      const n = r.varuint32();
      // every entry takes at least one byte: a count past the remaining input is a lie, not a big ABI
      if (n > r.remaining) throw new AntelopeError('DECODE_INVALID', `abi: ${what} count ${n} exceeds the ${r.remaining} byte(s) left`);
      return n;
    };
    try {
      const version = r.string();
      const types: AbiTypeDef[] = [];
      for (let i = count('types'); i > 0; i--) types.push({ new_type_name: r.string(), type: r.string() });
      const structs: AbiStruct[] = [];
      for (let i = count('structs'); i > 0; i--) {
        const name = r.string();
        const base = r.string();
        const fields: AbiField[] = [];
        for (let j = count('fields'); j > 0; j--) fields.push({ name: r.string(), type: r.string() });
        structs.push({ name, base, fields });
      }
      const actions: AbiAction[] = [];
      for (let i = count('actions'); i > 0; i--) {
        actions.push({ name: Name.decode(r).toString(), type: r.string(), ricardian_contract: r.string() });
      }
      const tables: AbiTable[] = [];
      for (let i = count('tables'); i > 0; i--) {
        tables.push({
          name: Name.decode(r).toString(),
          index_type: r.string(),
          key_names: strings(),
          key_types: strings(),
          type: r.string(),
        });
      }
      const ricardian_clauses: AbiClause[] = [];
      for (let i = count('ricardian_clauses'); i > 0; i--) ricardian_clauses.push({ id: r.string(), body: r.string() });
      const error_messages: AbiErrorMessage[] = [];
      for (let i = count('error_messages'); i > 0; i--) error_messages.push({ error_code: r.u64().toString(), error_msg: r.string() });
      const abi_extensions: AbiExtension[] = [];
      for (let i = count('abi_extensions'); i > 0; i--) abi_extensions.push({ tag: r.u16(), value: bytesToHex(r.bytes()) });
      const variants: AbiVariant[] = [];
      if (r.remaining > 0) {
        for (let i = count('variants'); i > 0; i--) variants.push({ name: r.string(), types: strings() });
      }
      const action_results: AbiActionResult[] = [];
      if (r.remaining > 0) {
        for (let i = count('action_results'); i > 0; i--) action_results.push({ name: Name.decode(r).toString(), result_type: r.string() });
      }
      return new Abi({
        version,
        types,
        structs,
        actions,
        tables,
        ricardian_clauses,
        error_messages,
        abi_extensions,
        variants,
        action_results,
      });
    } catch (e) {
      throw e instanceof AntelopeError && !e.path ? e.withPath('abi') : e;
    }
  }

  encode(w: BinaryWriter): void {
    w.string(this.version);
    w.varuint32(this.types.length);
    for (const t of this.types) {
      w.string(t.new_type_name);
      w.string(t.type);
    }
    w.varuint32(this.structs.length);
    for (const s of this.structs) {
      w.string(s.name);
      w.string(s.base);
      w.varuint32(s.fields.length);
      for (const f of s.fields) {
        w.string(f.name);
        w.string(f.type);
      }
    }
    w.varuint32(this.actions.length);
    for (const a of this.actions) {
      Name.from(a.name).encode(w);
      w.string(a.type);
      w.string(a.ricardian_contract);
    }
    w.varuint32(this.tables.length);
    for (const t of this.tables) {
      Name.from(t.name).encode(w);
      w.string(t.index_type);
      w.varuint32(t.key_names.length);
      for (const k of t.key_names) w.string(k);
      w.varuint32(t.key_types.length);
      for (const k of t.key_types) w.string(k);
      w.string(t.type);
    }
    w.varuint32(this.ricardian_clauses.length);
    for (const c of this.ricardian_clauses) {
      w.string(c.id);
      w.string(c.body);
    }
    w.varuint32(this.error_messages.length);
    for (const m of this.error_messages) {
      w.u64(BigInt(m.error_code));
      w.string(m.error_msg);
    }
    w.varuint32(this.abi_extensions.length);
    for (const x of this.abi_extensions) {
      w.u16(x.tag);
      w.bytes(hexToBytes(x.value));
    }
    w.varuint32(this.variants.length);
    for (const v of this.variants) {
      w.string(v.name);
      w.varuint32(v.types.length);
      for (const t of v.types) w.string(t);
    }
    w.varuint32(this.action_results.length);
    for (const a of this.action_results) {
      Name.from(a.name).encode(w);
      w.string(a.result_type);
    }
  }

  toBinary(): Uint8Array {
    return encodeWith((w) => this.encode(w));
  }

  getStruct(name: string): AbiStruct | undefined {
    return this.structs.find((s) => s.name === name);
  }
  getVariant(name: string): AbiVariant | undefined {
    return this.variants.find((v) => v.name === name);
  }
  /** The argument type of an action, or undefined when the ABI has no such action. */
  getActionType(action: string | Name): string | undefined {
    const n = action.toString();
    return this.actions.find((a) => a.name === n)?.type;
  }
  getActionResultType(action: string | Name): string | undefined {
    const n = action.toString();
    return this.action_results.find((a) => a.name === n)?.result_type;
  }
  getTableType(table: string | Name): string | undefined {
    const n = table.toString();
    return this.tables.find((t) => t.name === n)?.type;
  }

  equals(other: AbiType): boolean {
    const o = Abi.from(other);
    const a = this.toBinary(),
      b = o.toBinary();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  toJSON(): AbiDef {
    return {
      version: this.version,
      types: this.types,
      structs: this.structs,
      actions: this.actions,
      tables: this.tables,
      ricardian_clauses: this.ricardian_clauses,
      error_messages: this.error_messages,
      abi_extensions: this.abi_extensions,
      variants: this.variants,
      action_results: this.action_results,
    };
  }
}
