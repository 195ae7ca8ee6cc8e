/**
 * Lowers the ISA's WIT functions to core WebAssembly signatures, as fixed by `isa/CORE-ABI.md`
 * (the component model's canonical ABI with UTF-8 strings, restricted to the shapes we use).
 * Both generators (host table, AssemblyScript bindings) read the ISA through `isaImports()`, so the
 * two sides cannot disagree on a signature.
 */
import { CodedError } from '../../lib/coded-error.js';
import { resolveEnum, typeText, type WitFunc, type WitInterface, type WitPackage, type WitType } from './wit-parser.js';

export type CoreType = 'i32' | 'i64';
export type ResultShape = 'none' | 'bool' | 'u32' | 'u64' | 'result-bytes' | 'result-unit';

export interface LoweredParam {
  name: string;
  type: string;
  core: CoreType[];
}
export interface LoweredImport {
  interface: string;
  func: string;
  module: string;
  name: string;
  capability: string;
  params: LoweredParam[];
  result: string;
  shape: ResultShape;
  core: { params: CoreType[]; results: CoreType[] };
  doc: string;
  /** For an enum parameter: the enum's name (AssemblyScript bindings type it). */
  enumParams: Record<string, string>;
}

/** The generator's one code for a WIT shape CORE-ABI.md does not lower (or a world it cannot find). */
export const ISA_LOWERING_ERROR_CODES = ['NOT_LOWERABLE'] as const;

export class IsaLoweringError extends CodedError<(typeof ISA_LOWERING_ERROR_CODES)[number]> {
  override readonly name = 'IsaLoweringError';
  constructor(message: string) {
    super('NOT_LOWERABLE', message);
  }
}

function isBytes(t: WitType | null): boolean {
  return !!t && ((t.kind === 'prim' && t.name === 'string') || (t.kind === 'list' && t.elem.kind === 'prim' && t.elem.name === 'u8'));
}

function lowerParam(pkg: WitPackage, iface: WitInterface, f: WitFunc, t: WitType, where: string): CoreType[] {
  if (isBytes(t)) return ['i32', 'i32'];
  if (t.kind === 'prim') {
    if (['bool', 'u8', 'u16', 'u32', 's8', 's16', 's32', 'char'].includes(t.name)) return ['i32'];
    if (t.name === 'u64' || t.name === 's64') return ['i64'];
  }
  if (t.kind === 'named' && resolveEnum(pkg, iface, t.name)) return ['i32'];
  throw new IsaLoweringError(`${where}: parameter type ${typeText(t)} is not in CORE-ABI.md (${f.name})`);
}

function shapeOf(pkg: WitPackage, iface: WitInterface, t: WitType | null, where: string): ResultShape {
  if (!t) return 'none';
  if (t.kind === 'prim' && (t.name === 'bool' || t.name === 'u32' || t.name === 'u64')) return t.name;
  if (t.kind === 'result' && t.err?.kind === 'named' && t.err.name === 'error-code' && resolveEnum(pkg, iface, 'error-code')) {
    if (t.ok === null) return 'result-unit';
    if (isBytes(t.ok)) return 'result-bytes';
  }
  throw new IsaLoweringError(`${where}: result type ${typeText(t)} is not in CORE-ABI.md`);
}

/** The import module name of an interface: `peeros:isa/storage@0.1.0`. */
export function moduleName(pkg: WitPackage, iface: string): string {
  return `${pkg.namespace}:${pkg.name}/${iface}${pkg.version ? `@${pkg.version}` : ''}`;
}

/**
 * Every function the world imports, in world order then declaration order, lowered to core.
 * An imported interface with functions but no `capability:` line is an error: nothing may be
 * importable without a grant.
 */
export function isaImports(pkg: WitPackage, worldName = 'app'): LoweredImport[] {
  const world = pkg.worlds.find((w) => w.name === worldName);
  if (!world) throw new IsaLoweringError(`no world '${worldName}' in ${pkg.namespace}:${pkg.name}`);
  const out: LoweredImport[] = [];
  for (const ifName of world.imports) {
    const iface = pkg.interfaces.find((i) => i.name === ifName)!;
    if (iface.funcs.length > 0 && !iface.capability) {
      throw new IsaLoweringError(`interface '${ifName}' (${iface.file}) has functions but no 'capability: NAME' line in its doc comment`);
    }
    for (const f of iface.funcs) {
      const where = `${ifName}.${f.name}`;
      const params: LoweredParam[] = [];
      const enumParams: Record<string, string> = {};
      for (const p of f.params) {
        params.push({ name: p.name, type: typeText(p.type), core: lowerParam(pkg, iface, f, p.type, where) });
        if (p.type.kind === 'named') enumParams[p.name] = p.type.name;
      }
      const shape = shapeOf(pkg, iface, f.result, where);
      const coreParams = params.flatMap((p) => p.core);
      let results: CoreType[] = [];
      if (shape === 'bool' || shape === 'u32') results = ['i32'];
      else if (shape === 'u64') results = ['i64'];
      else if (shape === 'result-bytes' || shape === 'result-unit') coreParams.push('i32'); // retptr
      out.push({
        interface: ifName,
        func: f.name,
        module: moduleName(pkg, ifName),
        name: f.name,
        capability: iface.capability,
        params,
        result: typeText(f.result),
        shape,
        core: { params: coreParams, results },
        doc: f.doc,
        enumParams,
      });
    }
  }
  return out;
}

/** Cases of an enum by name → position (the ABI value). */
export function enumValues(pkg: WitPackage, enumName: string): Record<string, number> {
  for (const i of pkg.interfaces) {
    const e = i.enums.find((x) => x.name === enumName);
    if (e) return Object.fromEntries(e.cases.map((c, n) => [c.name, n]));
  }
  throw new IsaLoweringError(`no enum '${enumName}' in ${pkg.namespace}:${pkg.name}`);
}
