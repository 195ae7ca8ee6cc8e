// The contract half of the transform: from `@contract` classes with `@action` / `@notify` methods
// and `@table` / `@singleton` / `@variant` classes it generates
//   - `pack` / `unpack` (and `primaryKey`, `table()` / `singleton()`) in each struct class,
//   - the exported `apply(receiver, code, action)`: decode the arguments, call the method, set the
//     return value; notifications (`@notify("*::transfer")`) when another contract's action names us,
//   - the ABI (eosio::abi/1.2) with structs in the order the contract names them.
import { CommonFlags, NodeKind } from 'assemblyscript';
import { FileCodec, classFields, classIndex } from './antelope-types.mjs';
import { SourceEdits, TransformError, decorator, sdkImportPath, snake, stringArgs, textOf } from './source-edit.mjs';
import { resolve } from 'node:path';

const NAME_RE = /^[.1-5a-z]{0,12}[.1-5a-j]?$/;
const CHARMAP = '.12345abcdefghijklmnopqrstuvwxyz';

/** The u64 of an Antelope name, as a hexadecimal AssemblyScript literal. */
export function nameLiteral(s) {
  let v = 0n;
  for (let i = 0; i < 13; i++) {
    const c = i < s.length ? BigInt(CHARMAP.indexOf(s[i])) : 0n;
    v |= i < 12 ? (c & 0x1fn) << BigInt(64 - 5 * (i + 1)) : c & 0x0fn;
  }
  return `<u64>0x${v.toString(16)}`;
}

const SDK_IMPORTS = [
  'DataStream', 'Optional', 'BinaryExtension', 'Table', 'Singleton', 'readActionData', 'setReturnValue', 'fail', 'nameToString', 'self',
  'SecondaryIndex', 'DoubleIndex', 'indexTableName', 'idx64Store', 'idx64Update', 'idx64Remove', 'idxDoubleStore', 'idxDoubleUpdate',
  'idxDoubleRemove', 'Index128', 'Index256', 'idx128Store', 'idx128Update', 'idx128Remove', 'idx256Store', 'idx256Update', 'idx256Remove',
];

/** Secondary key types: the written type → index kind (CDT's idx64 / idx_double / idx128 / idx256). */
const SECONDARY_KINDS = {
  u64: 'idx64', Name: 'idx64', SymbolCode: 'idx64', u32: 'idx64', TimePoint: 'idx64', TimePointSec: 'idx64', i64: 'idx64', f64: 'idx_double',
  U128: 'idx128', Checksum256: 'idx256',
};

/** Per index kind: the SDK's helper prefix (idx64Store, …), the cast of the key, the lookup class. */
const SECONDARY_CODE = {
  idx64: { helper: 'idx64', cast: '<u64>', lookup: 'SecondaryIndex' },
  idx_double: { helper: 'idxDouble', cast: '<f64>', lookup: 'DoubleIndex' },
  idx128: { helper: 'idx128', cast: '', lookup: 'Index128' },
  idx256: { helper: 'idx256', cast: '', lookup: 'Index256' },
};

/** `@secondary` members of a table class: [{ name, access, kind, n }] in declaration order. */
function secondaries(source, decl) {
  const out = [];
  for (const m of decl.members) {
    const d = decorator(m, 'secondary');
    if (!d) continue;
    const isMethod = m.kind === NodeKind.MethodDeclaration && !(m.flags & CommonFlags.Get);
    const type = m.kind === NodeKind.FieldDeclaration ? m.type : m.signature?.returnType;
    const typeName = type?.kind === NodeKind.NamedType ? type.name.identifier.text : '';
    const kind = SECONDARY_KINDS[typeName];
    if (!kind) throw new TransformError(source, m, `@secondary ${decl.name.text}.${m.name.text}: a secondary key is a u64-like number (u64, Name, SymbolCode, times), an f64, a U128 or a Checksum256`);
    if (out.length === 16) throw new TransformError(source, m, `${decl.name.text}: a table has at most 16 secondary indexes`);
    out.push({ name: m.name.text, access: `this.${m.name.text}${isMethod ? '()' : ''}`, kind, n: out.length });
  }
  return out;
}

/** Runs the contract generation over the parsed program; returns the ABI and the edited sources. */
export function generateContract(sources, baseDir, sdkDir) {
  const classes = classIndex(sources);
  const edits = new Map(sources.map((s) => [s, new SourceEdits(s)]));
  const codecs = new Map();
  const abi = {
    version: 'eosio::abi/1.2', types: [], structs: [], actions: [], tables: [], ricardian_clauses: [], error_messages: [], abi_extensions: [], variants: [], action_results: [],
  };
  const described = new Map(); // class name → ABI name
  const codecOf = (source) => {
    let c = codecs.get(source);
    if (!c) {
      c = new FileCodec(source, edits.get(source), ctx);
      codecs.set(source, c);
    }
    return c;
  };
  const ctx = {
    classes,
    /** Adds the class's struct (or variant) to the ABI once, generates its codec; returns its ABI name. */
    describeClass(name, { decl, source }) {
      if (described.has(name)) return described.get(name);
      const abiName = snake(name);
      described.set(name, abiName);
      const codec = codecOf(source);
      const fields = classFields(source, decl);
      const has = (m) => decl.members.some((x) => x.name.text === m);
      const close = decl.range.end - 1;
      if (decorator(decl, 'variant')) {
        if (fields.length === 0) throw new TransformError(source, decl, `@variant class ${name} needs one field per alternative`);
        const alts = fields.map((f) => ({ f, t: codec.map(f.type, `${name}.${f.name}`) }));
        abi.variants.push({ name: abiName, types: alts.map((a) => a.t.abi) });
        const reads = alts.map((a, i) => `if (this.which == ${i}) { this.${a.f.name} = ${a.t.read('ds')}; return; }`).join(' ');
        const writes = alts.map((a, i) => `if (this.which == ${i}) { ${a.t.write('ds', `this.${a.f.name}`)} return; }`).join(' ');
        edits.get(source).insert(close,
          ` /** Which alternative is held (its index among the fields). */ which: u32 = 0; pack(ds: __peeros_DataStream): void { ds.writeVarU32(this.which); ${writes} __peeros_fail("variant ${abiName} has no alternative " + this.which.toString()); } unpack(ds: __peeros_DataStream): void { this.which = ds.readVarU32(); ${reads} __peeros_fail("variant ${abiName} has no alternative " + this.which.toString()); } `);
        return abiName;
      }
      const typed = fields.map((f) => ({ f, t: codec.map(f.type, `${name}.${f.name}`) }));
      const at = abi.structs.length;
      abi.structs.splice(at, 0, { name: abiName, base: '', fields: typed.map(({ f, t }) => ({ name: snake(f.name), type: t.abi })) });
      let members = '';
      if (!has('pack')) members += ` pack(ds: __peeros_DataStream): void { ${typed.map(({ f, t }) => t.write('ds', `this.${f.name}`)).join(' ')} }`;
      if (!has('unpack')) members += ` unpack(ds: __peeros_DataStream): void { ${typed.map(({ f, t }) => `this.${f.name} = ${t.read('ds')};`).join(' ')} }`;
      const table = decorator(decl, 'table');
      const singleton = decorator(decl, 'singleton');
      if (table || singleton) {
        const d = table ?? singleton;
        const [tableName] = stringArgs(source, d);
        if (!tableName || !NAME_RE.test(tableName)) throw new TransformError(source, d, `@${d.name.text} needs a valid Antelope table name, got ${JSON.stringify(tableName)}`);
        if (abi.tables.some((t) => t.name === tableName)) throw new TransformError(source, d, `table ${tableName} is declared twice`);
        abi.tables.push({ name: tableName, index_type: 'i64', key_names: [], key_types: [], type: abiName });
        if (!has('primaryKey')) {
          if (singleton) members += ' primaryKey(): u64 { return 0; }';
          else {
            const primary = decl.members.find((m) => decorator(m, 'primary'));
            if (!primary) throw new TransformError(source, decl, `@table class ${name} needs a @primary field or getter (a u64)`);
            const isMethod = primary.kind === NodeKind.MethodDeclaration && !(primary.flags & CommonFlags.Get);
            members += ` primaryKey(): u64 { return <u64>this.${primary.name.text}${isMethod ? '()' : ''}; }`;
          }
        }
        const lit = nameLiteral(tableName);
        const secs = table ? secondaries(source, decl) : [];
        const tableClass = secs.length ? `__peeros_${name}Table` : `__peeros_Table<${name}>`;
        if (secs.length) {
          // a table whose writes keep the secondary indexes in step (CDT's multi_index does the same)
          const key = (x, row) => `${SECONDARY_CODE[x.kind].cast}${row}.${x.access.slice(5)}`;
          const fn = (x, op) => `__peeros_${SECONDARY_CODE[x.kind].helper}${op}`;
          const idx = (x) => `__peeros_indexTableName(${lit}, ${x.n})`;
          edits.get(source).append(
            `class ${tableClass} extends __peeros_Table<${name}> {` +
              ` store(row: ${name}, payer: u64): void { super.store(row, payer); ${secs.map((x) => `${fn(x, 'Store')}(this.scope, ${idx(x)}, payer, row.primaryKey(), ${key(x, 'row')});`).join(' ')} }` +
              ` modify(row: ${name}, payer: u64 = 0): void { super.modify(row, payer); ${secs.map((x) => `${fn(x, 'Update')}(this.code, this.scope, ${idx(x)}, payer, row.primaryKey(), ${key(x, 'row')});`).join(' ')} }` +
              ` erase(pk: u64): void { ${secs.map((x) => `${fn(x, 'Remove')}(this.code, this.scope, ${idx(x)}, pk);`).join(' ')} super.erase(pk); } }`,
          );
          for (const x of secs) {
            const by = `by${x.name[0].toUpperCase()}${x.name.slice(1)}`;
            const cls = `__peeros_${SECONDARY_CODE[x.kind].lookup}`;
            members += ` /** The \`${tableName}\` rows of \`scope\` in the order of \`${x.name}\` (secondary index ${x.n}). */ static ${by}(scope: u64, code: u64 = __peeros_self()): ${cls}<${name}> { return new ${cls}<${name}>(code, scope, ${lit}, __peeros_indexTableName(${lit}, ${x.n})); }`;
          }
        }
        members += table
          ? ` /** The \`${tableName}\` table of \`code\` (this contract by default) in \`scope\`. */ static table(scope: u64, code: u64 = __peeros_self()): __peeros_Table<${name}> { return new ${tableClass}(code, scope, ${lit}); }`
          : ` /** The \`${tableName}\` singleton of \`code\` (this contract by default) in \`scope\` (the contract by default). */ static singleton(scope: u64 = __peeros_self(), code: u64 = __peeros_self()): __peeros_Singleton<${name}> { return new __peeros_Singleton<${name}>(code, scope, ${lit}); }`;
      }
      if (members) edits.get(source).insert(close, `${members} `);
      return abiName;
    },
  };

  // tables first (the ABI lists their structs even when no action names them), then the contract
  for (const [name, cls] of classes) if (decorator(cls.decl, 'table') || decorator(cls.decl, 'singleton')) ctx.describeClass(name, classes.get(name));

  const contracts = [...classes.values()].filter((c) => decorator(c.decl, 'contract'));
  if (contracts.length === 0) return undefined;
  if (contracts.length > 1) throw new TransformError(contracts[1].source, contracts[1].decl, 'a contract has one @contract class');
  const { decl, source } = contracts[0];
  if (source.sourceKind !== 1) throw new TransformError(source, decl, 'the @contract class must be in the contract\'s entry file (it exports apply)');
  const codec = codecOf(source);
  const own = [];
  const notes = [];
  for (const m of decl.members) {
    const action = decorator(m, 'action');
    const notify = decorator(m, 'notify');
    if (!action && !notify) continue;
    if (m.kind !== NodeKind.MethodDeclaration || m.flags & CommonFlags.Static)
      throw new TransformError(source, m, `@${(action ?? notify).name.text} goes on an instance method of the @contract class`);
    const method = m.name.text;
    const params = m.signature.parameters.map((p) => ({ name: p.name.text, t: codec.map(p.type, `${decl.name.text}.${method}(${p.name.text})`) }));
    const ret = m.signature.returnType;
    const returns = ret && !(ret.kind === NodeKind.NamedType && ret.name.identifier.text === 'void') ? codec.map(ret, `${decl.name.text}.${method} (result)`) : undefined;
    const call = `const ds = __peeros_readActionData(); ${params.map((p, i) => `const a${i} = ${p.t.read('ds')};`).join(' ')} ${returns ? 'const r = ' : ''}c.${method}(${params.map((_, i) => `a${i}`).join(', ')});${returns ? ` const out = new __peeros_DataStream(); ${returns.write('out', 'r')} __peeros_setReturnValue(out);` : ''} return;`;
    if (action) {
      const [actionName, ricardian = ''] = stringArgs(source, action);
      if (!actionName || !NAME_RE.test(actionName)) throw new TransformError(source, action, `@action needs a valid Antelope action name, got ${JSON.stringify(actionName)}`);
      if (own.some((a) => a.name === actionName)) throw new TransformError(source, action, `action ${actionName} is declared twice`);
      if (abi.structs.some((s) => s.name === actionName)) throw new TransformError(source, action, `action ${actionName} has the name of a struct; rename the struct class`);
      abi.structs.push({ name: actionName, base: '', fields: params.map((p) => ({ name: snake(p.name), type: p.t.abi })) });
      abi.actions.push({ name: actionName, type: actionName, ricardian_contract: ricardian });
      if (returns) abi.action_results.push({ name: actionName, result_type: returns.abi });
      own.push({ name: actionName, call });
    } else {
      const [spec = ''] = stringArgs(source, notify);
      const m2 = /^(\*|[.1-5a-z]{1,13})::([.1-5a-z]{1,13})$/.exec(spec);
      if (!m2 || (m2[1] !== '*' && !NAME_RE.test(m2[1])) || !NAME_RE.test(m2[2]))
        throw new TransformError(source, notify, `@notify takes "contract::action" or "*::action", got ${JSON.stringify(spec)}`);
      notes.push({ code: m2[1], name: m2[2], call });
    }
  }
  if (own.length === 0) throw new TransformError(source, decl, `@contract class ${decl.name.text} has no @action method`);
  const cls = decl.name.text;
  const ownBranches = own.map((a) => `if (action == ${nameLiteral(a.name)}) { ${a.call} }`).join('\n    ');
  const noteBranches = notes.map((n) => `if (action == ${nameLiteral(n.name)}${n.code === '*' ? '' : ` && code == ${nameLiteral(n.code)}`}) { ${n.call} }`).join('\n    ');
  edits.get(source).append(`/** Antelope's entry point: runs this contract's action, or a notification it listens to. */
export function apply(receiver: u64, code: u64, action: u64): void {
  const c = new ${cls}();
  if (code == receiver) {
    ${ownBranches}
    __peeros_fail("unknown action " + __peeros_nameToString(action));
  } else {
    ${noteBranches}
  }
}`);
  // structs in a stable, readable order: actions' structs after the tables' (as CDT emits them)
  for (const [s, e] of edits) {
    if (e.empty) continue;
    const from = resolve(baseDir, s.normalizedPath);
    e.append(`import { ${SDK_IMPORTS.map((n) => `${n} as __peeros_${n}`).join(', ')} } from "${sdkImportPath(s, from, sdkDir, 'contract/index')}";`);
  }
  return { abi, edits: [...edits.values()].filter((e) => !e.empty) };
}
