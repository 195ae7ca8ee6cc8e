// Builds a contract's Antelope ABI (JSON, version eosio::abi/1.2) from the compact description
// `abi.json` that sits next to the contract source:
//   { "structs": { "transfer": { "from": "name", ... }, ... },     field order as written
//     "actions": ["transfer", ...],                                 action name = struct name,
//                                                                   or { "name": ..., "type": ... }
//     "tables":  { "accounts": { "type": "account", "key": "id" } } i64 primary index
//     "types":   { "alias": "type" }, "variants": { "v": ["a", "b"] }, "action_results": {...} }
// It refuses unknown field types, actions or tables of undeclared structs, and Antelope-invalid
// names, so a typo fails the build instead of producing an ABI wallets misread.

const BUILTIN = new Set([
  'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'int128', 'uint128',
  'varint32', 'varuint32', 'float32', 'float64', 'float128', 'time_point', 'time_point_sec',
  'block_timestamp_type', 'name', 'bytes', 'string', 'checksum160', 'checksum256', 'checksum512',
  'public_key', 'signature', 'symbol', 'symbol_code', 'asset', 'extended_asset',
]);
const NAME_RE = /^[.1-5a-z]{0,12}[.1-5a-j]?$/;

function fail(where, msg) { throw new Error(`${where}: ${msg}`); }

export function abiFromDescription(desc, where = 'abi.json') {
  if (!desc || typeof desc !== 'object') fail(where, 'expected a JSON object');
  const structs = desc.structs ?? {};
  const aliases = desc.types ?? {};
  const variants = desc.variants ?? {};
  const known = (t) => {
    const base = t.replace(/(\[\]|\?|\$)$/g, '').replace(/\[\]$/, '');
    return BUILTIN.has(base) || base in structs || base in aliases || base in variants;
  };
  const out = { version: 'eosio::abi/1.2', types: [], structs: [], actions: [], tables: [], ricardian_clauses: [], error_messages: [], abi_extensions: [], variants: [], action_results: [] };
  for (const [newType, type] of Object.entries(aliases)) {
    if (!known(type)) fail(where, `type alias ${newType} refers to unknown type ${type}`);
    out.types.push({ new_type_name: newType, type });
  }
  for (const [name, fields] of Object.entries(structs)) {
    const base = typeof fields.$base === 'string' ? fields.$base : '';
    const list = [];
    for (const [field, type] of Object.entries(fields)) {
      if (field === '$base') continue;
      if (typeof type !== 'string' || !known(type)) fail(where, `struct ${name} field ${field} has unknown type ${JSON.stringify(type)}`);
      list.push({ name: field, type });
    }
    out.structs.push({ name, base, fields: list });
  }
  for (const [name, types] of Object.entries(variants)) {
    for (const t of types) if (!known(t)) fail(where, `variant ${name} has unknown type ${t}`);
    out.variants.push({ name, types });
  }
  for (const a of desc.actions ?? []) {
    const { name, type } = typeof a === 'string' ? { name: a, type: a } : a;
    if (!NAME_RE.test(name)) fail(where, `action name ${JSON.stringify(name)} is not a valid Antelope name`);
    if (!(type in structs)) fail(where, `action ${name} needs a struct ${type}`);
    out.actions.push({ name, type, ricardian_contract: '' });
  }
  for (const [name, t] of Object.entries(desc.tables ?? {})) {
    if (!NAME_RE.test(name)) fail(where, `table name ${JSON.stringify(name)} is not a valid Antelope name`);
    if (!(t.type in structs)) fail(where, `table ${name} needs a struct ${t.type}`);
    out.tables.push({ name, index_type: 'i64', key_names: [], key_types: [], type: t.type });
  }
  for (const [name, type] of Object.entries(desc.action_results ?? {})) {
    if (!known(type)) fail(where, `action result ${name} has unknown type ${type}`);
    out.action_results.push({ name, result_type: type });
  }
  return out;
}

/** Action names the contract source dispatches (`.on("name", …)`), to cross-check with the ABI. */
export function dispatchedActions(source) {
  return [...source.matchAll(/\.on\(\s*"([.1-5a-z]{1,13})"/g)].map((m) => m[1]);
}
