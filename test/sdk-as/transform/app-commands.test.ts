// The app half of the SDK transform: @command functions of every argument and result type, built by
// the real app compiler (compile worker) and run as real wasm. Arguments are checked and converted
// by the generated code (missing → MISSING_ARGUMENT, wrong type or range → INVALID_ARGUMENT), and
// the command table lands in the module, where the host reads it instead of peeros.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, AppBuildError } from '../../../runtime/app-compiler.js';
import { readCommandsSection, withModuleCommands } from '../../../runtime/app-commands.js';
import { validateManifest } from '../../../runtime/manifest.js';
import { loadGuest, AppErrorResult } from '../../isa/guest-harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
// two levels below the repository, like apps/x: the fixture imports "../../../sdk-as/app"
const dir = join(ROOT, 'build/command-probe');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'assembly'), { recursive: true });
copyFileSync(join(ROOT, 'test/sdk-as/transform/fixtures/command-probe/index.as'), join(dir, 'assembly/index.ts'));
const manifest = {
  name: 'command-probe',
  version: '0.1.0',
  publisher: 'peeros',
  entry: 'build/probe.wasm',
  source: 'assembly/index.ts',
  capabilities: {},
};
writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest));
const built = await buildApp(dir);
const g = await loadGuest(built.wasmPath);

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppErrorResult) return e.appError.code;
    throw e;
  }
  throw new Error('did not fail');
};

test('the command table comes from the functions: names, argument shapes, doc comments', () => {
  assert.equal(built.commands, {
    str: { description: 'echoes a string', args: '{s: string}' },
    opt: { description: 'defaults and null for what the caller leaves out', args: '{s?: string, n?: integer}' },
    nums: { description: '', args: '{a: integer, b: integer, c: integer, d: number}' },
    flag: { description: '', args: '{on: boolean}' },
    bin: { description: '', args: '{b: binary}' },
    nothing: { description: '' },
    raw: { description: '', args: '{v: any}' },
    kw: { description: 'a reserved word as an argument name', args: '{with: string}' },
    sum: { description: 'sums integers', args: '{values: integer[]}' },
    path: {
      description: 'echoes a path',
      args: '{p: {name?: string, points?: {x: integer, y: integer, label?: string}[], closed?: boolean}}',
    },
    lengths: {
      description: '',
      args: '{paths: {name?: string, points?: {x: integer, y: integer, label?: string}[], closed?: boolean}[], scale?: integer}',
    },
    maybe: { description: '', args: '{p?: {x: integer, y: integer, label?: string}}' },
    tree: { description: 'a class that holds itself', args: '{t: {name?: string, kids?: …[]}}' },
  });
  const wasm = new Uint8Array(readFileSync(built.wasmPath));
  assert.equal(readCommandsSection(wasm), built.commands);
  assert.equal(withModuleCommands(validateManifest(manifest), wasm).commands, built.commands);
});

test('arguments are converted and checked by type', () => {
  assert.is(g.run('str', { s: 'x' }), 'x');
  assert.is(g.run('str', 'bare'), 'bare', 'one parameter: the bare value');
  assert.is(
    code(() => g.run('str', {})),
    'MISSING_ARGUMENT',
  );
  assert.is(
    code(() => g.run('str', { s: 5 })),
    'INVALID_ARGUMENT',
  );
  assert.equal(g.run('opt', {}), { s: null, n: 7 });
  assert.equal(g.run('opt', { s: 'y', n: -3 }), { s: 'y', n: -3 });
  assert.is(g.run('nums', { a: 255, b: -5, c: 2 ** 40, d: 0.5 }), '255 -5 1099511627776 0.5');
  assert.is(
    code(() => g.run('nums', { a: 256, b: 0, c: 0, d: 0 })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('nums', { a: 1, b: 0, c: -1, d: 0 })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('nums', { a: 1.5, b: 0, c: 0, d: 0 })),
    'INVALID_ARGUMENT',
  );
  assert.is(
    code(() => g.run('nums', [1, 2, 3, 4])),
    'INVALID_ARGUMENT',
    'several parameters need a map',
  );
  assert.is(g.run('flag', { on: false }), true);
  assert.is(
    code(() => g.run('flag', { on: 1 })),
    'INVALID_ARGUMENT',
  );
  assert.is(g.run('bin', { b: new Uint8Array(5) }), 5);
  assert.is(g.run('nothing', {}), null);
  assert.equal(g.run('raw', { v: [1, 'two'] }), [1, 'two']);
  assert.is(g.run('kw', { with: 'you' }), 'with you');
});

const failure = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppErrorResult) return { code: e.appError.code, message: e.appError.message };
    throw e;
  }
  throw new Error('did not fail');
};

test('arrays and classes: msgpack arrays and maps decoded into AssemblyScript arrays and classes, and encoded back', () => {
  assert.is(g.run('sum', [1, 2, 3]), 6, 'one parameter: the bare array');
  assert.is(g.run('sum', { values: [] }), 0);
  const p = {
    name: 'walk',
    points: [
      { x: 1, y: 2 },
      { x: -3, y: 4, label: 'top' },
    ],
    closed: true,
  };
  assert.equal(g.run('path', { p }), {
    name: 'walk',
    points: [
      { x: 1, y: 2, label: null },
      { x: -3, y: 4, label: 'top' },
    ],
    closed: true,
  });
  assert.equal(g.run('path', { p: {} }), { name: '', points: [], closed: false }, 'fields with initializers may be left out');
  assert.equal(g.run('lengths', { paths: [p, { points: [] }], scale: 10 }), [20, 0]);
  assert.is(g.run('maybe', {}), null);
  assert.is(g.run('tree', { t: { name: 'a', kids: [{ kids: [{}, {}] }, {}] } }), 5, 'a recursive class');
  assert.equal(g.run('maybe', { p: { x: 5, y: 6 } }), { x: 5, y: 6, label: null }, 'a map is always keyed by parameter name');
});

test('a bad element or field is refused with its path', () => {
  assert.equal(
    failure(() => g.run('sum', [1, 'two'])),
    { code: 'INVALID_ARGUMENT', message: "argument 'values[1]' must be an integer" },
  );
  assert.equal(
    failure(() => g.run('sum', [1, null])),
    { code: 'INVALID_ARGUMENT', message: "argument 'values[1]' must not be null" },
  );
  assert.equal(
    failure(() => g.run('sum', { values: 'x' })),
    { code: 'INVALID_ARGUMENT', message: "argument 'values' must be an array" },
  );
  assert.is(failure(() => g.run('sum', {})).code, 'MISSING_ARGUMENT');
  assert.equal(
    failure(() => g.run('path', { p: { points: [{ x: 1, y: 2 }, { y: 2 }] } })),
    {
      code: 'MISSING_ARGUMENT',
      message: "argument 'p.points[1].x' is required (integer)",
    },
  );
  assert.equal(
    failure(() => g.run('path', { p: { points: [{ x: 2 ** 40, y: 0 }] } })),
    {
      code: 'INVALID_ARGUMENT',
      message: "argument 'p.points[0].x' must be an integer from -2147483648 to 2147483647",
    },
  );
  assert.is(failure(() => g.run('path', { p: [1] })).code, 'INVALID_ARGUMENT', 'a class wants a map');
  assert.equal(g.run('sum', [4]), 4, 'the next call starts with no error left over');
});

test('peeros.json and the module may not disagree about the commands', () => {
  const wasm = new Uint8Array(readFileSync(built.wasmPath));
  const other = validateManifest({ ...manifest, commands: { str: { description: 'something else' } } });
  assert.throws(() => withModuleCommands(other, wasm), /differ from the module's @command table/);
});

test('an argument type msgpack cannot carry fails the build, naming the function and parameter', async () => {
  const src = join(dir, 'assembly/index.ts');
  writeFileSync(src, `${readFileSync(src, 'utf8')}\n@command("bad") function bad(m: Map<string, i32>): string { return ""; }\n`);
  try {
    await buildApp(dir);
    assert.unreachable('built');
  } catch (e) {
    assert.instance(e, AppBuildError);
    assert.is((e as AppBuildError).code, 'COMPILE_ERROR');
    assert.match((e as Error).message, /@command bad: parameter m has type Map<string, i32>/);
  }
});

test.run();
