// The app half of the transform: `@command("name")` functions of the entry file become commands.
// For each one it generates a wrapper that takes the msgpack args (a map by parameter name, or
// the bare value when the command has one parameter; a parameter named after a reserved word
// ends in "_", which the key leaves out: `with_` reads "with"), checks and converts each argument
// (arrays and classes too: app-value-codecs.mjs), calls
// the function and encodes its result; registers the wrappers; and returns the command table
// ({name: {description, args}}) that the app compiler stores in the module for the manifest.
//   missing argument without a default → MISSING_ARGUMENT; wrong type or range → INVALID_ARGUMENT
import { NodeKind } from 'assemblyscript';
import { resolve } from 'node:path';
import { SourceEdits, TransformError, decorator, docBefore, sdkImportPath, stringArgs, textOf } from './source-edit.mjs';
import { ERROR_GLOBALS, INTEGERS, RETURN_ON_ERROR, ValueCodecs } from './app-value-codecs.mjs';

const COMMAND_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/; // runtime/manifest.ts COMMAND_NAME

const SDK_IMPORTS = ['Value', 'Outcome', 'ok', 'fail', 'register'];

function paramDecoder(source, p, i, fnName, codecs) {
  const t = p.type;
  if (t && codecs.isStructured(t)) return structuredDecoder(source, p, i, codecs);
  if (!t || t.kind !== NodeKind.NamedType || t.name.next)
    throw new TransformError(source, p, `@command ${fnName}: parameter ${p.name.text} needs a msgpack type (string, bool, integers, f64, Uint8Array, Value)`);
  const name = t.name.identifier.text;
  const arg = argName(p);
  const nullable = t.isNullable;
  const dflt = p.initializer ? textOf(source, p.initializer) : null;
  const v = `v${i}`;
  const a = `a${i}`;
  const missing = dflt !== null ? `${a} = ${dflt};` : nullable ? `${a} = null;` : `return __peeros_fail("MISSING_ARGUMENT", "argument '${arg}' is required (${describe(name)})");`;
  const bad = (what) => `return __peeros_fail("INVALID_ARGUMENT", "argument '${arg}' must be ${what}");`;
  const typeText = textOf(source, t);
  let decl;
  let convert;
  let shape;
  if (name === 'Value') {
    if (nullable) return { decl: `const ${a}: __peeros_Value | null = ${v};`, shape: `${arg}?: any` };
    return { decl: `const ${a}: __peeros_Value = ${v} === null ? __peeros_Value.nil() : ${v}!;`, shape: `${arg}: any` };
  }
  if (name === 'string') {
    decl = `let ${a}: ${nullable ? 'string | null' : 'string'} = "";`;
    convert = `if (!${v}!.isStr) ${bad('a string')} ${a} = ${v}!.s;`;
    shape = 'string';
  } else if (name === 'bool') {
    if (nullable) throw new TransformError(source, t, `@command ${fnName}: parameter ${arg}: a bool cannot be null; give it a default`);
    decl = `let ${a}: bool = false;`;
    convert = `if (!${v}!.isBool) ${bad('true or false')} ${a} = ${v}!.b;`;
    shape = 'boolean';
  } else if (Object.hasOwn(INTEGERS, name)) {
    if (nullable) throw new TransformError(source, t, `@command ${fnName}: parameter ${arg}: a number cannot be null; give it a default`);
    const range = INTEGERS[name];
    decl = `let ${a}: ${name} = 0;`;
    const checks = range ? [range[0] !== null ? `n < ${range[0]}` : '', range[1] !== null ? `n > ${range[1]}` : ''].filter(Boolean).join(' || ') : '';
    const what = range ? `an integer from ${range[0]}${range[1] ? ` to ${range[1]}` : ''}` : 'an integer';
    convert = `if (!${v}!.isInteger) ${bad(what)} { const n = ${v}!.toI64(); ${checks ? `if (${checks}) ${bad(what)}` : ''} ${a} = <${name}>n; }`;
    shape = 'integer';
  } else if (name === 'f64' || name === 'f32') {
    if (nullable) throw new TransformError(source, t, `@command ${fnName}: parameter ${arg}: a number cannot be null; give it a default`);
    decl = `let ${a}: ${name} = 0;`;
    convert = `if (!${v}!.isNumber) ${bad('a number')} ${a} = <${name}>${v}!.toF64();`;
    shape = 'number';
  } else if (name === 'Uint8Array') {
    decl = `let ${a}: ${nullable ? 'Uint8Array | null' : 'Uint8Array'} = new Uint8Array(0);`;
    convert = `if (!${v}!.isBin) ${bad('binary')} ${a} = ${v}!.bin!;`;
    shape = 'binary';
  } else {
    throw new TransformError(source, t, `@command ${fnName}: parameter ${arg} has type ${typeText}, which msgpack arguments cannot carry (use string, bool, an integer type, f64, Uint8Array, Value, an array or a class)`);
  }
  const optional = dflt !== null || nullable;
  return { decl: `${decl} if (${v} === null || ${v}!.isNil) { ${missing} } else { ${convert} }`, shape: `${arg}${optional ? '?' : ''}: ${shape}` };
}

/** An array or class parameter: decoded by its generated codec; missing → its default, null or MISSING_ARGUMENT. */
function structuredDecoder(source, p, i, codecs) {
  const arg = argName(p);
  const c = codecs.codec(p.type);
  const nullable = p.type.isNullable;
  const dflt = p.initializer ? textOf(source, p.initializer) : null;
  const a = `a${i}`;
  const v = `v${i}`;
  const missing = dflt !== null || nullable ? '' : `return __peeros_fail("MISSING_ARGUMENT", "argument '${arg}' is required (${c.shape.replace(/"/g, '\\"')})");`;
  const decl = `let ${a}: ${textOf(source, p.type)} = ${dflt ?? (nullable ? 'null' : c.init)};`;
  const optional = dflt !== null || nullable;
  return {
    decl: `${decl} if (${v} === null || ${v}!.isNil) { ${missing} } else { ${a} = ${c.dec}(${v}!, "${arg}"); ${RETURN_ON_ERROR} }`,
    shape: `${arg}${optional ? '?' : ''}: ${c.shape}`,
  };
}

/** The msgpack key of a parameter: its name, less a trailing "_" (`with_` → "with": reserved words). */
function argName(p) {
  return p.name.text.replace(/_$/, '');
}

function describe(name) {
  if (name === 'string') return 'a string';
  if (name === 'bool') return 'true or false';
  if (name === 'Uint8Array') return 'binary';
  if (name === 'f64' || name === 'f32') return 'a number';
  return 'an integer';
}

function resultEncoder(source, ret, fnName, codecs) {
  if (ret && codecs.isStructured(ret)) {
    const c = codecs.codec(ret);
    if (ret.isNullable) return (call) => `const r = ${call}; if (r === null) return __peeros_ok(__peeros_Value.nil()); return __peeros_ok(${c.enc}(r!));`;
    return (call) => `return __peeros_ok(${c.enc}(${call}));`;
  }
  if (!ret || ret.kind !== NodeKind.NamedType) throw new TransformError(source, ret ?? { range: { start: 0 } }, `@command ${fnName} needs a written return type`);
  const name = ret.name.identifier.text;
  const wrap = {
    Outcome: (r) => r,
    Value: (r) => `__peeros_ok(${r})`,
    string: (r) => `__peeros_ok(__peeros_Value.str(${r}))`,
    bool: (r) => `__peeros_ok(__peeros_Value.bool(${r}))`,
    f64: (r) => `__peeros_ok(__peeros_Value.float(<f64>${r}))`,
    f32: (r) => `__peeros_ok(__peeros_Value.float(<f64>${r}))`,
    Uint8Array: (r) => `__peeros_ok(__peeros_Value.bin(${r}))`,
  };
  for (const i of Object.keys(INTEGERS)) wrap[i] = (r) => `__peeros_ok(__peeros_Value.int(<i64>${r}))`;
  if (name === 'void') return (call) => `${call}; return __peeros_ok(__peeros_Value.nil());`;
  if (!Object.hasOwn(wrap, name))
    throw new TransformError(source, ret, `@command ${fnName} returns ${textOf(source, ret)}, which has no msgpack form (return Outcome, Value, string, bool, a number, Uint8Array, an array, a class or void)`);
  if (ret.isNullable) {
    if (name === 'Outcome') throw new TransformError(source, ret, `@command ${fnName}: return an Outcome, not null`);
    return (call) => `const r = ${call}; if (r === null) return __peeros_ok(__peeros_Value.nil()); return ${wrap[name]('r!')};`;
  }
  return (call) => `return ${wrap[name](call)};`;
}

/** Generates the commands of the app's entry file; undefined when it has no @command. */
export function generateApp(sources, baseDir, sdkDir) {
  const entry = sources.find((s) => s.sourceKind === 1);
  for (const s of sources) {
    if (s === entry) continue;
    const stray = s.statements.find((st) => decorator(st, 'command'));
    if (stray) throw new TransformError(s, stray, '@command functions must be in the app\'s entry file');
  }
  if (!entry) return undefined;
  const found = entry.statements.filter((st) => decorator(st, 'command'));
  if (found.length === 0) return undefined;
  const edits = new SourceEdits(entry);
  const commands = {};
  const codecs = new ValueCodecs(sources, '', entry);
  const wrappers = []; // after the codecs: their error slot must be declared before a command runs
  found.forEach((fn, k) => {
    const d = decorator(fn, 'command');
    if (fn.kind !== NodeKind.FunctionDeclaration) throw new TransformError(entry, d, '@command goes on a top-level function');
    const [name, descriptionArg] = stringArgs(entry, d);
    if (!name || !COMMAND_NAME.test(name)) throw new TransformError(entry, d, `@command needs a command name (letters, digits, "_", "-", "."), got ${JSON.stringify(name)}`);
    if (Object.hasOwn(commands, name)) throw new TransformError(entry, d, `command ${name} is declared twice`);
    const fnName = fn.name.text;
    const params = fn.signature.parameters;
    codecs.setContext(fnName, entry);
    const decoders = params.map((p, i) => paramDecoder(entry, p, i, fnName, codecs));
    const encode = resultEncoder(entry, fn.signature.returnType, fnName, codecs);
    const argsShape = `{${decoders.map((x) => x.shape).join(', ')}}`;
    const fetch =
      params.length === 1
        ? `const v0: __peeros_Value | null = args.isMap ? args.get("${argName(params[0])}") : args;`
        : params.map((p, i) => `const v${i}: __peeros_Value | null = args.get("${argName(p)}");`).join(' ');
    const mustMap = params.length > 1 ? `if (!args.isMap && !args.isNil) return __peeros_fail("INVALID_ARGUMENT", "args must be a map ${argsShape.replace(/"/g, '\\"')}");` : '';
    const call = `${fnName}(${params.map((_, i) => `a${i}`).join(', ')})`;
    wrappers.push(`function __peeros_command${k}(args: __peeros_Value): __peeros_Outcome { ${mustMap} ${params.length ? fetch : ''} ${decoders.map((x) => x.decl).join(' ')} ${encode(call)} }`);
    wrappers.push(`__peeros_register(${JSON.stringify(name)}, __peeros_command${k});`);
    const description = descriptionArg ?? docBefore(entry.text, Math.min(fn.range.start, ...(fn.decorators ?? []).map((x) => x.range.start)));
    commands[name] = params.length ? { description, args: argsShape } : { description };
  });
  if (codecs.code.length) edits.append([ERROR_GLOBALS, ...codecs.code].join('\n'));
  for (const w of wrappers) edits.append(w);
  const from = resolve(baseDir, entry.normalizedPath);
  edits.append(`import { ${SDK_IMPORTS.map((n) => `${n} as __peeros_${n}`).join(', ')} } from "${sdkImportPath(entry, from, sdkDir, 'app/index')}";`);
  if (!/app\/exports["']/.test(entry.text)) edits.append(`export * from "${sdkImportPath(entry, from, sdkDir, 'app/exports')}";`);
  return { commands, edits: [edits] };
}
