/**
 * Emits `sdk-as/app/isa.generated.ts`: AssemblyScript `@external` declarations of every ISA import
 * (core signatures exactly as `isa/CORE-ABI.md` fixes them) and typed wrappers grouped in one
 * namespace per interface (`storage.get(key)`, `log.enabled(LogLevel.Info)`), plus the
 * `ErrorCode` and `LogLevel` enums. The wrappers use the SDK's boundary helpers in `./boundary`.
 */
import { enumValues, isaImports, type LoweredImport } from './lower.js';
import type { WitPackage } from './wit-parser.js';

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string): string => camel(s).replace(/^[a-z]/, (c) => c.toUpperCase());
const snake = (s: string): string => s.replace(/-/g, '_');
/** AS identifiers that collide with keywords get a trailing underscore. */
const RESERVED = new Set([
  'delete',
  'function',
  'default',
  'new',
  'class',
  'enum',
  'export',
  'import',
  'in',
  'this',
  'var',
  'let',
  'const',
  'type',
  'namespace',
]);
const ident = (s: string): string => (RESERVED.has(camel(s)) ? `${camel(s)}_` : camel(s));

function docBlock(doc: string, indent: string): string {
  if (!doc) return '';
  return `${indent}/**\n${doc
    .split('\n')
    .map((l) => `${indent} * ${l.replace(/\*\//g, '*\\/')}`.trimEnd())
    .join('\n')}\n${indent} */\n`;
}

/** AS name of a WIT enum: `types.error-code` → ErrorCode, `log.level` → LogLevel. */
function asEnumName(iface: string, name: string): string {
  if (iface === 'types' || name.startsWith(`${iface}-`)) return pascal(name);
  return pascal(`${iface}-${name}`);
}

function externName(i: LoweredImport): string {
  return `__isa_${snake(i.interface)}_${snake(i.func)}`;
}

function asParamType(i: LoweredImport, name: string, wit: string): string {
  if (wit === 'string') return 'string';
  if (wit === 'list<u8>') return 'Uint8Array';
  if (i.enumParams[name]) return asEnumName(i.interface, i.enumParams[name]!);
  return wit; // bool, u32, u64 … are AS types of the same name
}

function emitExtern(i: LoweredImport): string {
  const ps: string[] = [];
  for (const p of i.params) {
    if (p.core.length === 2) ps.push(`${snake(p.name)}_ptr: usize`, `${snake(p.name)}_len: usize`);
    else ps.push(`${snake(p.name)}: ${p.core[0] === 'i64' ? 'u64' : p.type === 'bool' ? 'bool' : p.type === 'u32' ? 'u32' : 'i32'}`);
  }
  if (i.shape === 'result-bytes' || i.shape === 'result-unit') ps.push('retptr: usize');
  const ret = i.shape === 'bool' ? 'bool' : i.shape === 'u32' ? 'u32' : i.shape === 'u64' ? 'u64' : 'void';
  return `@external(${JSON.stringify(i.module)}, ${JSON.stringify(i.name)})\nexport declare function ${externName(i)}(${ps.join(', ')}): ${ret};\n`;
}

function emitWrapper(i: LoweredImport): string {
  const ind = '  ';
  const sig = i.params.map((p) => `${ident(p.name)}: ${asParamType(i, p.name, p.type)}`).join(', ');
  const body: string[] = [];
  const args: string[] = [];
  let keep = 0; // keep-alive slots used (boundary.ts has two)
  for (const p of i.params) {
    const v = ident(p.name);
    if (p.type === 'string') {
      body.push(`const ${v}_buf = String.UTF8.encode(${v});`);
      body.push(`keepAlive${keep++}(${v}_buf);`);
      args.push(`changetype<usize>(${v}_buf)`, `<usize>${v}_buf.byteLength`);
    } else if (p.type === 'list<u8>') {
      body.push(`keepAlive${keep++}(${v}.buffer);`);
      args.push(`${v}.dataStart`, `<usize>${v}.byteLength`);
    } else {
      args.push(i.enumParams[p.name] ? `<i32>${v}` : v);
    }
  }
  if (keep > 2) throw new Error(`${i.interface}.${i.func}: more than two byte parameters; add keep-alive slots in sdk-as/app/boundary.ts`);
  let ret = 'void';
  const call = `${externName(i)}(${[...args, ...(i.shape.startsWith('result') ? ['RET_AREA'] : [])].join(', ')})`;
  const release = keep > 0 ? ['releaseKept();'] : [];
  switch (i.shape) {
    case 'none':
      body.push(`${call};`, ...release);
      break;
    case 'bool':
    case 'u32':
    case 'u64':
      ret = i.shape;
      if (release.length) body.push(`const r = ${call};`, ...release, 'return r;');
      else body.push(`return ${call};`);
      break;
    case 'result-bytes': {
      const str = i.result.startsWith('result<string');
      ret = str ? 'StringResult' : 'BytesResult';
      body.push(`${call};`, ...release, `return ${str ? 'readStringResult' : 'readBytesResult'}(RET_AREA);`);
      break;
    }
    case 'result-unit':
      ret = 'UnitResult';
      body.push(`${call};`, ...release, 'return readUnitResult(RET_AREA);');
      break;
  }
  const cap = `capability: ${i.capability}`;
  const doc = `${i.doc}\n\nWIT: \`${i.func}: func(${i.params.map((p) => `${p.name}: ${p.type}`).join(', ')})${i.result ? ` -> ${i.result}` : ''}\`; ${cap}.`;
  return `${docBlock(doc, ind)}${ind}export function ${ident(i.func)}(${sig}): ${ret} {\n${body.map((l) => `${ind}  ${l}`).join('\n')}\n${ind}}\n`;
}

function emitEnum(name: string, values: Record<string, number>, doc: string): string {
  const cases = Object.entries(values)
    .map(([k, v]) => `  ${pascal(k)} = ${v},`)
    .join('\n');
  const names = Object.keys(values)
    .map((k) => JSON.stringify(k))
    .join(', ');
  return `${docBlock(doc, '')}export enum ${name} {\n${cases}\n}\n\nconst ${name.toUpperCase()}_NAMES: string[] = [${names}];\n\n/** The WIT case name of a ${name} value ('' when out of range). */\nexport function ${name[0]!.toLowerCase()}${name.slice(1)}Name(v: i32): string {\n  return v >= 0 && v < ${name.toUpperCase()}_NAMES.length ? ${name.toUpperCase()}_NAMES[v] : "";\n}\n`;
}

export function emitAsBindings(pkg: WitPackage): string {
  const imports = isaImports(pkg, 'app');
  const byIface = new Map<string, LoweredImport[]>();
  for (const i of imports) {
    const list = byIface.get(i.interface) ?? [];
    list.push(i);
    byIface.set(i.interface, list);
  }
  const parts: string[] = [];
  parts.push(`// GENERATED by isa/generator from isa/wit/*.wit (${pkg.namespace}:${pkg.name}@${pkg.version}). Do not edit:
// change the WIT, then run \`node scripts/build.mjs\`; test/isa/generator.test.ts fails on drift.
import {
  RET_AREA, BytesResult, StringResult, UnitResult,
  readBytesResult, readStringResult, readUnitResult,
  keepAlive0, keepAlive1, releaseKept,
} from "./boundary";

export const ISA_PACKAGE = ${JSON.stringify(`${pkg.namespace}:${pkg.name}`)};
export const ISA_VERSION = ${JSON.stringify(pkg.version)};
`);
  for (const iface of pkg.interfaces) {
    for (const e of iface.enums) {
      const doc = `${e.doc ? `${e.doc}\n` : ''}WIT: \`${iface.name}.${e.name}\`; the value is the ABI value.`;
      parts.push(emitEnum(asEnumName(iface.name, e.name), enumValues(pkg, e.name), doc));
    }
  }
  parts.push('// ---- raw imports (core ABI; exported for tests of the host defences; apps use the namespaces) ----\n');
  for (const i of imports) parts.push(emitExtern(i));
  for (const [iface, list] of byIface) {
    const meta = pkg.interfaces.find((x) => x.name === iface)!;
    parts.push(`${docBlock(meta.doc, '')}export namespace ${ident(iface)} {\n${list.map(emitWrapper).join('\n')}}\n`);
  }
  return parts.join('\n');
}
