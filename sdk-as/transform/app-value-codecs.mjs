// Msgpack codecs for the arrays and classes of @command parameters and results. An array type
// (`T[]`, `Array<T>`) is a msgpack array; a class is a msgpack map keyed by its instance field names
// (a field with an initializer or `| null` may be left out; one without is required). Each type gets
// one generated decoder `(v: Value, at: string) => T`, which on a bad value records the error (code,
// message naming the path: `points[2].x`) in a module global and returns a placeholder, the caller
// checking the global after each call (AssemblyScript has no exceptions); and one encoder `(x: T) => Value`.
import { NodeKind, CommonFlags } from 'assemblyscript';
import { TransformError, textOf } from './source-edit.mjs';

/** Integer types with their range (AssemblyScript expressions; null: no bound to check). */
export const INTEGERS = {
  i8: ['-128', '127'], u8: ['0', '255'], i16: ['-32768', '32767'], u16: ['0', '65535'],
  i32: ['-2147483648', '2147483647'], u32: ['0', '4294967295'], i64: null, u64: ['0', null], isize: null, usize: ['0', null],
};

const V = '__peeros_Value';
/** The error slot the generated decoders fill (message; null when none) and its code. */
export const ERROR_GLOBALS = `let __peeros_argError: string | null = null; let __peeros_argCode: string = "";
function __peeros_argFail(code: string, message: string): void { if (__peeros_argError === null) { __peeros_argError = message; __peeros_argCode = code; } }`;
/** After a decoder call in a command wrapper: returns the recorded error (and clears the slot). */
export const RETURN_ON_ERROR = `if (__peeros_argError !== null) { const m = __peeros_argError!; __peeros_argError = null; return __peeros_fail(__peeros_argCode, m); }`;

/** What a scalar type is called in messages and command shapes. */
function scalarShape(name) {
  if (name === 'string') return 'string';
  if (name === 'bool') return 'boolean';
  if (name === 'Uint8Array') return 'binary';
  if (name === 'Value') return 'any';
  if (name === 'f64' || name === 'f32') return 'number';
  return 'integer';
}

function scalarWhat(name) {
  if (name === 'string') return 'a string';
  if (name === 'bool') return 'true or false';
  if (name === 'Uint8Array') return 'binary';
  if (name === 'f64' || name === 'f32') return 'a number';
  const range = INTEGERS[name];
  return range ? `an integer from ${range[0]}${range[1] ? ` to ${range[1]}` : ''}` : 'an integer';
}

export const SCALARS = new Set(['string', 'bool', 'f64', 'f32', 'Uint8Array', 'Value', ...Object.keys(INTEGERS)]);

/** The element type of `T[]` / `Array<T>`, or null when `t` is not an array type. */
export function arrayElement(t) {
  if (t.kind === NodeKind.ArrayType) return t.elementType;
  if (t.kind === NodeKind.NamedType && t.name.identifier.text === 'Array' && t.typeArguments?.length === 1) return t.typeArguments[0];
  return null;
}

export class ValueCodecs {
  /** @param sources every parsed user source (classes are looked up by name in all of them) */
  constructor(sources, fnName, source) {
    this.classes = new Map();
    for (const s of sources)
      for (const st of s.statements) if (st.kind === NodeKind.ClassDeclaration) this.classes.set(st.name.text, { decl: st, source: s });
    this.code = [];
    this.made = new Map(); // type key → { dec, enc, shape }
    this.context = { fnName, source };
  }

  setContext(fnName, source) {
    this.context = { fnName, source };
  }

  fail(node, what) {
    throw new TransformError(this.context.source, node, `@command ${this.context.fnName}: ${what}`);
  }

  /** Whether `t` (a parameter or result type) needs a generated codec (an array or a class). */
  isStructured(t) {
    if (arrayElement(t)) return true;
    return t.kind === NodeKind.NamedType && !SCALARS.has(t.name.identifier.text) && this.classes.has(t.name.identifier.text);
  }

  /** The codec of a non-null type: { dec, enc, shape, init, typeText } (function names). */
  codec(t, src = this.context.source) {
    const element = arrayElement(t);
    if (element) {
      if (element.isNullable) this.fail(element, `array elements cannot be null (${textOf(src, t)})`);
      const inner = this.codec(element, src);
      const key = `${inner.typeText}[]`;
      if (this.made.has(key)) return this.made.get(key);
      const id = this.made.size;
      const c = {
        dec: `__peeros_dec${id}`,
        enc: `__peeros_enc${id}`,
        get shape() {
          return `${inner.shape}[]`; // read late: a class being built shows as "…" inside itself
        },
        typeText: `Array<${inner.typeText}>`,
        init: `new Array<${inner.typeText}>()`,
      };
      this.made.set(key, c);
      this.code.push(
        `function ${c.dec}(v: ${V}, at: string): ${c.typeText} { const out = ${c.init}; if (!v.isArray) { __peeros_argFail("INVALID_ARGUMENT", "argument '" + at + "' must be an array"); return out; }` +
          ` for (let i = 0; i < v.length; i++) { const e = v.at(i); if (e === null || e!.isNil) { __peeros_argFail("INVALID_ARGUMENT", "argument '" + at + "[" + i.toString() + "]' must not be null"); return out; }` +
          ` const x = ${inner.dec}(e!, at + "[" + i.toString() + "]"); if (__peeros_argError !== null) return out; out.push(x); } return out; }`,
        `function ${c.enc}(x: ${c.typeText}): ${V} { const out = new Array<${V}>(); for (let i = 0; i < x.length; i++) out.push(${inner.enc}(unchecked(x[i]))); return ${V}.array(out); }`,
      );
      return c;
    }
    if (t.kind !== NodeKind.NamedType || t.name.next) this.fail(t, `type ${textOf(src, t)} has no msgpack form`);
    const name = t.name.identifier.text;
    if (this.made.has(name)) return this.made.get(name);
    if (SCALARS.has(name)) return this.scalar(name);
    const found = this.classes.get(name);
    if (!found || t.typeArguments?.length)
      this.fail(t, `type ${textOf(src, t)}, which msgpack cannot carry (use string, bool, an integer type, f64, Uint8Array, Value, an array or a class)`);
    return this.klass(name, found.decl, found.source);
  }

  scalar(name) {
    const id = this.made.size;
    const c = { dec: `__peeros_dec${id}`, enc: `__peeros_enc${id}`, shape: scalarShape(name), typeText: name };
    this.made.set(name, c);
    const bad = `{ __peeros_argFail("INVALID_ARGUMENT", "argument '" + at + "' must be ${scalarWhat(name)}"); return`;
    let dec;
    let enc;
    if (name === 'string') [dec, enc] = [`if (!v.isStr) ${bad} ""; } return v.s;`, `${V}.str(x)`];
    else if (name === 'bool') [dec, enc] = [`if (!v.isBool) ${bad} false; } return v.b;`, `${V}.bool(x)`];
    else if (name === 'Uint8Array') [dec, enc] = [`if (!v.isBin) ${bad} new Uint8Array(0); } return v.bin!;`, `${V}.bin(x)`];
    else if (name === 'Value') [dec, enc] = ['return v;', 'x'];
    else if (name === 'f64' || name === 'f32') [dec, enc] = [`if (!v.isNumber) ${bad} 0; } return <${name}>v.toF64();`, `${V}.float(<f64>x)`];
    else {
      const range = INTEGERS[name];
      const checks = range ? [range[0] !== null ? `n < ${range[0]}` : '', range[1] !== null ? `n > ${range[1]}` : ''].filter(Boolean).join(' || ') : '';
      dec = `if (!v.isInteger) ${bad} 0; } const n = v.toI64(); ${checks ? `if (${checks}) ${bad} 0; }` : ''} return <${name}>n;`;
      enc = `${V}.int(<i64>x)`;
    }
    this.code.push(`function ${c.dec}(v: ${V}, at: string): ${name} { ${dec} }`, `function ${c.enc}(x: ${name}): ${V} { return ${enc}; }`);
    return c;
  }

  klass(name, decl, src) {
    const id = this.made.size;
    const c = { dec: `__peeros_dec${id}`, enc: `__peeros_enc${id}`, shape: '…', typeText: name, init: `new ${name}()` };
    this.made.set(name, c); // before the fields: a class may hold arrays of itself
    const ctor = decl.members.find((m) => m.kind === NodeKind.MethodDeclaration && m.name.text === 'constructor');
    if (ctor && ctor.signature.parameters.some((p) => !p.initializer))
      this.fail(decl, `class ${name} needs a constructor that takes no arguments (the decoder creates it empty, then sets its fields)`);
    const fields = decl.members.filter((m) => m.kind === NodeKind.FieldDeclaration && !(m.flags & (CommonFlags.Static | CommonFlags.Private | CommonFlags.Protected)));
    const shapes = [];
    const decs = [];
    const encs = [];
    for (const f of fields) {
      const key = f.name.text;
      if (!f.type) this.fail(f, `field ${name}.${key} needs a written type`);
      const nullable = f.type.isNullable;
      const optional = nullable || f.initializer != null;
      const fc = this.codec(f.type, src);
      shapes.push(`${key}${optional ? '?' : ''}: ${fc.shape}`);
      const missing = optional ? (nullable && !f.initializer ? `o.${key} = null;` : '') : `__peeros_argFail("MISSING_ARGUMENT", "argument '" + at + ".${key}' is required (${fc.shape})"); return o;`;
      decs.push(`{ const f = v.get("${key}"); if (f === null || f!.isNil) { ${missing} } else { o.${key} = ${fc.dec}(f!, at + ".${key}"); if (__peeros_argError !== null) return o; } }`);
      encs.push(nullable ? `{ const f = x.${key}; m.set("${key}", f === null ? ${V}.nil() : ${fc.enc}(f!)); }` : `m.set("${key}", ${fc.enc}(x.${key}));`);
    }
    c.shape = `{${shapes.join(', ')}}`;
    this.code.push(
      `function ${c.dec}(v: ${V}, at: string): ${name} { const o = new ${name}(); if (!v.isMap) { __peeros_argFail("INVALID_ARGUMENT", "argument '" + at + "' must be a map ${c.shape.replace(/"/g, '\\"')}"); return o; } ${decs.join(' ')} return o; }`,
      `function ${c.enc}(x: ${name}): ${V} { const m = ${V}.map(); ${encs.join(' ')} return m; }`,
    );
    return c;
  }
}
