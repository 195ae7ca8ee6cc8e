/**
 * A parser for the subset of WIT (the component model's interface language) that the hybrid ISA
 * uses: one `package` per file, `interface`s holding `enum`s, `use` clauses and `func`s, and
 * `world`s with `import`/`export` of interfaces. `///` doc comments are kept; a line
 * `capability: NAME` in an interface's doc names the capability that gates it.
 *
 * Anything outside the subset (records, variants, resources, flags, inline world functions) is a
 * `WitSyntaxError` naming file, line and what was found, so the generators never guess.
 * Spec: https://github.com/WebAssembly/component-model/blob/main/design/mvp/WIT.md
 */
import { CodedError } from '../../lib/coded-error.js';

/** The generator's one code for WIT it cannot read. */
export const WIT_SYNTAX_ERROR_CODES = ['WIT_SYNTAX'] as const;

export class WitSyntaxError extends CodedError<(typeof WIT_SYNTAX_ERROR_CODES)[number]> {
  override readonly name = 'WitSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super('WIT_SYNTAX', `${file}:${line}: ${message}`);
  }
}

export type WitType =
  | { kind: 'prim'; name: string }
  | { kind: 'list'; elem: WitType }
  | { kind: 'result'; ok: WitType | null; err: WitType | null }
  | { kind: 'named'; name: string };

export interface WitParam {
  name: string;
  type: WitType;
}
export interface WitFunc {
  name: string;
  doc: string;
  params: WitParam[];
  result: WitType | null;
}
export interface WitEnumCase {
  name: string;
  doc: string;
}
export interface WitEnum {
  name: string;
  doc: string;
  cases: WitEnumCase[];
}
export interface WitUse {
  from: string;
  names: string[];
}
export interface WitInterface {
  name: string;
  doc: string;
  /** From `capability: NAME` in the doc comment; '' when the interface has none. */
  capability: string;
  uses: WitUse[];
  enums: WitEnum[];
  funcs: WitFunc[];
  file: string;
}
export interface WitWorld {
  name: string;
  doc: string;
  imports: string[];
  exports: string[];
}
export interface WitPackage {
  namespace: string;
  name: string;
  version: string;
  interfaces: WitInterface[];
  worlds: WitWorld[];
}

/** Primitive types the subset accepts. */
const PRIMS = new Set(['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string']);

interface Token {
  kind: 'id' | 'punct' | 'doc' | 'version';
  text: string;
  line: number;
}

function tokenize(file: string, src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (src.startsWith('///', i)) {
      const end = src.indexOf('\n', i);
      const text = src.slice(i + 3, end < 0 ? src.length : end);
      out.push({ kind: 'doc', text: text.startsWith(' ') ? text.slice(1) : text, line });
      i = end < 0 ? src.length : end;
      continue;
    }
    if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
      continue;
    }
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new WitSyntaxError(file, line, 'unterminated block comment');
      for (let j = i; j < end; j++) if (src[j] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (src.startsWith('->', i)) {
      out.push({ kind: 'punct', text: '->', line });
      i += 2;
      continue;
    }
    if ('{}()<>,:;.@/=*_'.includes(c) && !(c === '_' && /[A-Za-z0-9-]/.test(src[i + 1] ?? ''))) {
      out.push({ kind: 'punct', text: c, line });
      i++;
      // a version after '@' is a semver: digits, dots, pre-release and build tags
      if (c === '@') {
        const m = /^[0-9]+\.[0-9]+\.[0-9]+(?:[-+][0-9A-Za-z.-]+)?/.exec(src.slice(i));
        if (m) {
          out.push({ kind: 'version', text: m[0], line });
          i += m[0].length;
        }
      }
      continue;
    }
    const m = /^%?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*/.exec(src.slice(i));
    if (m) {
      out.push({ kind: 'id', text: m[0].replace(/^%/, ''), line });
      i += m[0].length;
      continue;
    }
    throw new WitSyntaxError(file, line, `unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

class Parser {
  private pos = 0;
  private docs: string[] = [];
  constructor(
    private readonly file: string,
    private readonly toks: Token[],
  ) {}

  private peek(): Token | undefined {
    this.collectDocs();
    return this.toks[this.pos];
  }
  private collectDocs(): void {
    while (this.toks[this.pos]?.kind === 'doc') this.docs.push(this.toks[this.pos++]!.text);
  }
  private takeDoc(): string {
    this.collectDocs();
    const d = this.docs.join('\n').trim();
    this.docs = [];
    return d;
  }
  /** Line of the token just consumed (errors are raised right after reading the bad token). */
  private line(): number {
    return this.toks[Math.max(0, Math.min(this.pos - 1, this.toks.length - 1))]?.line ?? 1;
  }
  private fail(msg: string): never {
    throw new WitSyntaxError(this.file, this.line(), msg);
  }
  private next(): Token {
    const t = this.peek();
    if (!t) this.fail('unexpected end of file');
    this.pos++;
    return t;
  }
  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text) this.fail(`expected '${text}', found '${t.text}'`);
  }
  private ident(what: string): string {
    const t = this.next();
    if (t.kind !== 'id') this.fail(`expected ${what}, found '${t.text}'`);
    return t.text;
  }
  private eat(text: string): boolean {
    const t = this.peek();
    if (t && t.kind !== 'doc' && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }
  atEnd(): boolean {
    return this.peek() === undefined;
  }

  packageDecl(): { namespace: string; name: string; version: string } | null {
    if (this.peek()?.text !== 'package') return null;
    this.takeDoc();
    this.next();
    const namespace = this.ident('package namespace');
    this.expect(':');
    const name = this.ident('package name');
    let version = '';
    if (this.eat('@')) {
      const v = this.next();
      if (v.kind !== 'version') this.fail(`expected a semver version after '@', found '${v.text}'`);
      version = v.text;
    }
    this.expect(';');
    return { namespace, name, version };
  }

  item(): { iface?: WitInterface; world?: WitWorld } {
    const doc = this.takeDoc();
    const kw = this.ident("'interface' or 'world'");
    if (kw === 'interface') return { iface: this.iface(doc) };
    if (kw === 'world') return { world: this.world(doc) };
    return this.fail(`expected 'interface' or 'world', found '${kw}'`);
  }

  private iface(doc: string): WitInterface {
    const name = this.ident('interface name');
    const capability = /(?:^|\n)\s*capability:\s*([A-Za-z0-9.\-_]+)/.exec(doc)?.[1] ?? '';
    const out: WitInterface = { name, doc, capability, uses: [], enums: [], funcs: [], file: this.file };
    this.expect('{');
    while (!this.eat('}')) {
      const itemDoc = this.takeDoc();
      const kw = this.ident("'use', 'enum' or a function name");
      if (kw === 'use') {
        const from = this.ident('interface name');
        this.expect('.');
        this.expect('{');
        const names: string[] = [];
        do names.push(this.ident('type name'));
        while (this.eat(','));
        this.expect('}');
        this.expect(';');
        out.uses.push({ from, names });
      } else if (kw === 'enum') {
        out.enums.push(this.enumBody(itemDoc));
      } else if (['record', 'variant', 'flags', 'resource', 'type', 'union'].includes(kw)) {
        this.fail(`'${kw}' is outside the WIT subset this generator supports`);
      } else {
        this.expect(':');
        this.expect('func');
        out.funcs.push(this.funcBody(kw, itemDoc));
      }
    }
    return out;
  }

  private enumBody(doc: string): WitEnum {
    const name = this.ident('enum name');
    this.expect('{');
    const cases: WitEnumCase[] = [];
    while (!this.eat('}')) {
      const cdoc = this.takeDoc();
      cases.push({ name: this.ident('enum case'), doc: cdoc });
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    if (cases.length === 0) this.fail(`enum '${name}' has no cases`);
    return { name, doc, cases };
  }

  private funcBody(name: string, doc: string): WitFunc {
    this.expect('(');
    const params: WitParam[] = [];
    while (!this.eat(')')) {
      const pname = this.ident('parameter name');
      this.expect(':');
      params.push({ name: pname, type: this.type() });
      if (!this.eat(',')) {
        this.expect(')');
        break;
      }
    }
    let result: WitType | null = null;
    if (this.eat('->')) result = this.type();
    this.expect(';');
    return { name, doc, params, result };
  }

  private type(): WitType {
    if (this.eat('_')) this.fail("'_' is only allowed inside result<…>");
    const name = this.ident('a type');
    if (name === 'list') {
      this.expect('<');
      const elem = this.type();
      this.expect('>');
      return { kind: 'list', elem };
    }
    if (name === 'result') {
      if (!this.eat('<')) return { kind: 'result', ok: null, err: null };
      const ok = this.eat('_') ? null : this.type();
      let err: WitType | null = null;
      if (this.eat(',')) err = this.type();
      this.expect('>');
      return { kind: 'result', ok, err };
    }
    if (['option', 'tuple', 'borrow', 'own', 'future', 'stream'].includes(name)) {
      this.fail(`'${name}<…>' is outside the WIT subset this generator supports`);
    }
    if (PRIMS.has(name)) return { kind: 'prim', name };
    return { kind: 'named', name };
  }

  private world(doc: string): WitWorld {
    const name = this.ident('world name');
    const out: WitWorld = { name, doc, imports: [], exports: [] };
    this.expect('{');
    while (!this.eat('}')) {
      this.takeDoc();
      const kw = this.ident("'import' or 'export'");
      if (kw !== 'import' && kw !== 'export') this.fail(`expected 'import' or 'export', found '${kw}'`);
      const target = this.ident('interface name');
      if (this.peek()?.text === ':') this.fail('inline world items are outside the supported WIT subset');
      this.expect(';');
      (kw === 'import' ? out.imports : out.exports).push(target);
    }
    return out;
  }
}

/** Renders a parsed type back to WIT text (`result<list<u8>, error-code>`). */
export function typeText(t: WitType | null): string {
  if (!t) return '';
  switch (t.kind) {
    case 'prim':
    case 'named':
      return t.name;
    case 'list':
      return `list<${typeText(t.elem)}>`;
    case 'result':
      if (!t.ok && !t.err) return 'result';
      return `result<${t.ok ? typeText(t.ok) : '_'}${t.err ? `, ${typeText(t.err)}` : ''}>`;
  }
}

/**
 * Parses the files of one WIT package (name → source text). Every file must declare the same
 * `package`; interfaces and worlds are gathered in file-name order, then checked: `use` targets
 * exist and export the named types, and world items name interfaces of the package.
 */
export function parseWitPackage(files: ReadonlyArray<{ file: string; source: string }>): WitPackage {
  let pkg: { namespace: string; name: string; version: string } | null = null;
  const interfaces: WitInterface[] = [];
  const worlds: WitWorld[] = [];
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const { file, source } of sorted) {
    const p = new Parser(file, tokenize(file, source));
    const decl = p.packageDecl();
    if (decl) {
      if (pkg && (pkg.namespace !== decl.namespace || pkg.name !== decl.name || pkg.version !== decl.version)) {
        throw new WitSyntaxError(
          file,
          1,
          `package ${decl.namespace}:${decl.name}@${decl.version} differs from ${pkg.namespace}:${pkg.name}@${pkg.version}`,
        );
      }
      pkg = decl;
    }
    while (!p.atEnd()) {
      const it = p.item();
      if (it.iface) interfaces.push(it.iface);
      if (it.world) worlds.push(it.world);
    }
  }
  if (!pkg) throw new WitSyntaxError(sorted[0]?.file ?? '<none>', 1, 'no package declaration');
  const byName = new Map<string, WitInterface>();
  for (const i of interfaces) {
    if (byName.has(i.name)) throw new WitSyntaxError(i.file, 1, `interface '${i.name}' is declared twice`);
    byName.set(i.name, i);
  }
  for (const i of interfaces) {
    const known = new Set(i.enums.map((e) => e.name));
    for (const u of i.uses) {
      const from = byName.get(u.from);
      if (!from) throw new WitSyntaxError(i.file, 1, `interface '${i.name}' uses unknown interface '${u.from}'`);
      for (const n of u.names) {
        if (!from.enums.some((e) => e.name === n)) throw new WitSyntaxError(i.file, 1, `interface '${u.from}' has no type '${n}'`);
        known.add(n);
      }
    }
    const check = (t: WitType | null, where: string): void => {
      if (!t) return;
      if (t.kind === 'named' && !known.has(t.name)) throw new WitSyntaxError(i.file, 1, `${where}: unknown type '${t.name}'`);
      if (t.kind === 'list') check(t.elem, where);
      if (t.kind === 'result') {
        check(t.ok, where);
        check(t.err, where);
      }
    };
    for (const f of i.funcs) {
      for (const prm of f.params) check(prm.type, `${i.name}.${f.name}`);
      check(f.result, `${i.name}.${f.name}`);
    }
  }
  for (const w of worlds) {
    for (const n of [...w.imports, ...w.exports]) {
      if (!byName.has(n)) throw new WitSyntaxError('<world>', 1, `world '${w.name}' names unknown interface '${n}'`);
    }
  }
  return { ...pkg, interfaces, worlds };
}

/** Finds the enum `name` visible in interface `iface` (declared there or brought in by `use`). */
export function resolveEnum(pkg: WitPackage, iface: WitInterface, name: string): WitEnum | undefined {
  const own = iface.enums.find((e) => e.name === name);
  if (own) return own;
  for (const u of iface.uses) {
    if (u.names.includes(name)) return pkg.interfaces.find((i) => i.name === u.from)?.enums.find((e) => e.name === name);
  }
  return undefined;
}
