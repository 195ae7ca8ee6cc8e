// AssemblyScript types as written → Antelope ABI types and their encoding. The written name
// decides (`Name` is a u64 to the compiler and `name` to the ABI), so aliases cost nothing at run
// time. Each type a file uses gets one reader and one writer function appended to that file
// (`__peeros_r<N>(ds)`, `__peeros_w<N>(ds, v)`); compound types call their parts' functions.
// A type with no Antelope meaning is a build error naming the declaration that uses it.
import { NodeKind } from 'assemblyscript';
import { TransformError, decorator, snake, textOf } from './source-edit.mjs';

/** Written name → [ABI type, DataStream method suffix]. */
export const BUILTINS = Object.freeze({
  bool: ['bool', 'Bool'],
  i8: ['int8', 'I8'],
  u8: ['uint8', 'U8'],
  i16: ['int16', 'I16'],
  u16: ['uint16', 'U16'],
  i32: ['int32', 'I32'],
  u32: ['uint32', 'U32'],
  i64: ['int64', 'I64'],
  u64: ['uint64', 'U64'],
  I128: ['int128', 'I128'],
  U128: ['uint128', 'U128'],
  VarInt32: ['varint32', 'VarI32'],
  VarUint32: ['varuint32', 'VarU32'],
  f32: ['float32', 'F32'],
  f64: ['float64', 'F64'],
  Float128: ['float128', 'Float128'],
  TimePoint: ['time_point', 'I64'],
  TimePointSec: ['time_point_sec', 'U32'],
  BlockTimestamp: ['block_timestamp_type', 'U32'],
  Name: ['name', 'Name'],
  Bytes: ['bytes', 'Bytes'],
  ArrayBuffer: ['bytes', 'Bytes'],
  string: ['string', 'String'],
  Checksum160: ['checksum160', 'Checksum160'],
  Checksum256: ['checksum256', 'Checksum256'],
  Checksum512: ['checksum512', 'Checksum512'],
  PublicKey: ['public_key', 'PublicKey'],
  Signature: ['signature', 'Signature'],
  AssetSymbol: ['symbol', 'Symbol'],
  SymbolCode: ['symbol_code', 'U64'],
  Asset: ['asset', 'Asset'],
  ExtendedAsset: ['extended_asset', 'ExtendedAsset'],
});

const VALUE_TYPES = new Set(['bool', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'VarInt32', 'VarUint32', 'TimePoint', 'TimePointSec', 'BlockTimestamp', 'Name', 'SymbolCode']);

/**
 * Every user class by name, across the user's sources (struct, table and variant classes). Two
 * classes of one name in different files are legal AssemblyScript; only using that name as an ABI
 * type is an error (the ABI has one namespace of structs).
 */
export function classIndex(sources) {
  const byName = new Map();
  const twice = new Map();
  const all = [];
  for (const source of sources) {
    for (const st of source.statements) {
      if (st.kind !== NodeKind.ClassDeclaration) continue;
      const name = st.name.text;
      all.push([name, { decl: st, source }]);
      if (byName.has(name)) twice.set(name, { first: byName.get(name), again: { decl: st, source } });
      else byName.set(name, { decl: st, source });
    }
  }
  return {
    /** Every declaration, duplicates included (look one up with `get` before describing it). */
    [Symbol.iterator]: () => all[Symbol.iterator](),
    values: () => all.map(([, c]) => c),
    get(name) {
      const dup = twice.get(name);
      if (dup)
        throw new TransformError(dup.again.source, dup.again.decl, `class ${name} is declared twice (also in ${dup.first.source.normalizedPath}); a struct name must be unique`);
      return byName.get(name);
    },
  };
}

/**
 * The codec of one file: maps type nodes to ABI types, emits reader/writer functions into the
 * file, and asks `abi` for the structs and variants the types refer to.
 */
export class FileCodec {
  constructor(source, edits, abi) {
    this.source = source;
    this.edits = edits;
    this.abi = abi;
    this.byKey = new Map();
    this.count = 0;
  }

  /** { abi, read(dsExpr), write(dsExpr, valueExpr) } for a type node used by `declName`. */
  map(type, declName) {
    const source = this.source;
    if (!type) throw new TransformError(source, { range: { start: 0 } }, `${declName} needs a written type`);
    if (type.kind !== NodeKind.NamedType)
      throw new TransformError(source, type, `${declName}: type ${textOf(source, type)} has no Antelope ABI type (function types cannot be sent)`);
    const asText = textOf(source, type);
    const key = asText.replace(/\s+/g, '');
    const known = this.byKey.get(key);
    if (known) return known;
    const name = type.name.identifier.text;
    const args = type.typeArguments ?? [];
    const fail = (why) => {
      throw new TransformError(source, type, `${declName}: type ${asText} has no Antelope ABI type (${why})`);
    };
    if (type.name.next) fail('qualified type names are not supported; import the type');
    let abi;
    let readBody;
    let writeBody;
    if (type.isNullable) {
      if (VALUE_TYPES.has(name) && args.length === 0) fail(`a number cannot be null: use Optional<${name}>`);
      // the same type node without `| null`: its text ends before the bar
      const inner = this.map({ ...type, isNullable: false, range: { start: type.range.start, end: type.range.start + asText.indexOf('|') } }, declName);
      abi = `${inner.abi}?`;
      readBody = `if (!ds.readBool()) return null; return ${inner.read('ds')};`;
      writeBody = `if (v === null) { ds.writeBool(false); } else { ds.writeBool(true); ${inner.write('ds', 'v!')} }`;
    } else if ((name === 'Array' || name === 'StaticArray') && args.length === 1) {
      if (name === 'StaticArray') fail('use Array<T> or T[]');
      const inner = this.map(args[0], declName);
      if (inner.abi.endsWith('[]') || inner.abi.endsWith('?') || inner.abi.endsWith('$')) fail('the ABI has no arrays of arrays or of optionals: wrap the inner type in a struct');
      abi = `${inner.abi}[]`;
      const elem = textOf(source, args[0]);
      readBody = `const n = ds.readVarU32(); const a = new Array<${elem}>(); for (let i: u32 = 0; i < n; i++) a.push(${inner.read('ds')}); return a;`;
      writeBody = `ds.writeVarU32(<u32>v.length); for (let i = 0; i < v.length; i++) { ${inner.write('ds', 'unchecked(v[i])')} }`;
    } else if ((name === 'Optional' || name === 'BinaryExtension') && args.length === 1) {
      const inner = this.map(args[0], declName);
      const elem = textOf(source, args[0]);
      const cls = name === 'Optional' ? '__peeros_Optional' : '__peeros_BinaryExtension';
      const none = VALUE_TYPES.has(args[0].name?.identifier?.text) && !args[0].isNullable ? `<${elem}>0` : `changetype<${elem}>(0)`;
      if (name === 'Optional') {
        abi = `${inner.abi}?`;
        readBody = `if (!ds.readBool()) return new ${cls}<${elem}>(${none}, false); return new ${cls}<${elem}>(${inner.read('ds')}, true);`;
        writeBody = `ds.writeBool(v.present); if (v.present) { ${inner.write('ds', 'v.value')} }`;
      } else {
        abi = `${inner.abi}$`;
        readBody = `if (ds.remaining == 0) return new ${cls}<${elem}>(${none}, false); return new ${cls}<${elem}>(${inner.read('ds')}, true);`;
        writeBody = `if (v.present) { ${inner.write('ds', 'v.value')} }`;
      }
    } else if (args.length > 0) {
      fail('generic types other than Array, Optional and BinaryExtension cannot be described');
    } else if (Object.hasOwn(BUILTINS, name)) {
      const [abiType, method] = BUILTINS[name];
      const entry = { abi: abiType, read: (ds) => `${ds}.read${method}()`, write: (ds, v) => `${ds}.write${method}(${v});` };
      this.byKey.set(key, entry);
      return entry;
    } else {
      const cls = this.abi.classes.get(name);
      if (!cls) fail(`not an Antelope builtin and no class ${name} among the contract's sources`);
      abi = this.abi.describeClass(name, cls);
      readBody = `const o = new ${asText}(); o.unpack(ds); return o;`;
      writeBody = 'v.pack(ds);';
    }
    const n = this.count++;
    const r = `__peeros_r${n}`;
    const w = `__peeros_w${n}`;
    this.edits.append(`function ${r}(ds: __peeros_DataStream): ${asText} { ${readBody} }`);
    this.edits.append(`function ${w}(ds: __peeros_DataStream, v: ${asText}): void { ${writeBody} }`);
    const entry = { abi, read: (ds) => `${r}(${ds})`, write: (ds, v) => `${w}(${ds}, ${v});` };
    this.byKey.set(key, entry);
    return entry;
  }
}

/** The instance fields of a class in declaration order (constructor properties are fields where the constructor stands). */
export function classFields(source, decl) {
  const out = [];
  for (const m of decl.members) {
    if (m.kind !== NodeKind.FieldDeclaration || m.flags & 32 /* CommonFlags.Static */) continue;
    if (decorator(m, 'ignore')) continue;
    out.push({ name: m.name.text, type: m.type, node: m });
  }
  return out;
}

export { snake };
