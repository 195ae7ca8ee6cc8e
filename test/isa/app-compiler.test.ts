// The app compiler (runtime/app-compiler.ts): built modules follow CORE-ABI.md (renamed exports,
// ISA-only imports, a memory maximum from the manifest), and failures name the file and line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildApp, AppBuildError, renameExports, listExports } from '../../runtime/app-compiler.js';
import { COMMAND_EXPORT, COMMAND_POST_RETURN } from '../../isa/generated/imports.js';
import { ROOT, CALCULATOR_WASM, NOTES_WASM } from './paths.js';
import { ABORT_RECORD_EXPORT } from '../../runtime/sandbox/abort-record.js';

const TMP = join(ROOT, `.peeros-test-compiler-${process.pid}`);

async function app(name: string, source: string, manifest: Record<string, unknown> = {}): Promise<string> {
  const dir = join(TMP, name);
  await mkdir(join(dir, 'assembly'), { recursive: true });
  await writeFile(
    join(dir, 'peeros.json'),
    JSON.stringify({
      name,
      version: '0.1.0',
      publisher: 'peeros',
      entry: `build/${name}.wasm`,
      source: 'assembly/index.ts',
      commands: {},
      capabilities: {},
      ...manifest,
    }),
  );
  await writeFile(join(dir, 'assembly/index.ts'), source);
  return dir;
}

const SDK = '../../../sdk-as/app';

async function rejects(p: Promise<unknown>, re: RegExp, code = 'MANIFEST_INVALID'): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, re);
    assert.is((e as AppBuildError).code, code);
    return;
  }
  assert.unreachable(`expected a rejection matching ${re}`);
}

test.after(async () => {
  await rm(TMP, { recursive: true, force: true });
});

test('built apps export exactly the core ABI names (and where an abort is recorded) and import only the ISA', async () => {
  for (const path of [CALCULATOR_WASM, NOTES_WASM]) {
    const mod = new WebAssembly.Module(await readFile(path));
    assert.equal(
      WebAssembly.Module.exports(mod)
        .map((e) => e.name)
        .sort(),
      ['cabi_realloc', COMMAND_POST_RETURN, COMMAND_EXPORT, 'memory', ABORT_RECORD_EXPORT].sort(),
    );
    for (const i of WebAssembly.Module.imports(mod)) assert.match(i.module, /^peeros:isa\/[a-z]+@0\.1\.0$/);
  }
  const notes = WebAssembly.Module.imports(new WebAssembly.Module(await readFile(NOTES_WASM))).map((i) => `${i.module}#${i.name}`);
  assert.ok(notes.includes('peeros:isa/storage@0.1.0#set'));
  assert.ok(!notes.some((n) => n.startsWith('env')));
});

test('the memory maximum comes from limits.memoryPages', async () => {
  const dir = await app(
    'mem',
    `import { register, Value, Outcome, ok } from "${SDK}";\nexport * from "${SDK}/exports";\nfunction f(a: Value): Outcome { return ok(a); }\nregister("f", f);\n`,
    { limits: { memoryPages: 3 } },
  );
  const r = await buildApp(dir);
  const { instance } = await WebAssembly.instantiate(await readFile(r.wasmPath), {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const pages = memory.buffer.byteLength / 65536;
  assert.ok(pages <= 3);
  memory.grow(3 - pages);
  assert.throws(() => memory.grow(1));
});

test('the result names the module, its sha256 and size', async () => {
  const dir = await app(
    'hash',
    `import { register, Value, Outcome, ok } from "${SDK}";\nexport * from "${SDK}/exports";\nfunction f(a: Value): Outcome { return ok(a); }\nregister("f", f);\n`,
  );
  const r = await buildApp(dir);
  const bytes = await readFile(r.wasmPath);
  assert.is(r.wasmPath, join(dir, 'build/hash.wasm'));
  assert.is(r.bytes, bytes.length);
  assert.is(r.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.is((r.manifest as { name: string }).name, 'hash');
});

test('a compile error names the file, line and column', async () => {
  const dir = await app(
    'broken',
    `import { register, Value, Outcome, ok } from "${SDK}";\nexport * from "${SDK}/exports";\n\nfunction f(a: Value): Outcome { return ok(undefinedThing); }\nregister("f", f);\n`,
  );
  try {
    await buildApp(dir);
    assert.unreachable('built a broken app');
  } catch (e) {
    assert.instance(e, AppBuildError);
    const err = e as AppBuildError;
    assert.is(err.code, 'COMPILE_ERROR');
    assert.match(err.message, /broken\/assembly\/index\.ts:4:\d+: error AS\d+: Cannot find name 'undefinedThing'/);
    assert.is(err.diagnostics[0]!.line, 4);
  }
});

test('an entry that does not re-export the SDK is refused with the fix', async () => {
  const dir = await app('noexport', 'export function hello(): i32 { return 1; }\n');
  try {
    await buildApp(dir);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AppBuildError);
    assert.match((e as Error).message, /does not export 'cabi_realloc'.*export \* from/s);
  }
});

test('manifest problems are named', async () => {
  await rejects(buildApp(join(TMP, 'missing')), /peeros\.json: cannot read the app manifest/);
  const esc = await app('escape', '', { entry: '../../evil.wasm' });
  await rejects(buildApp(esc), /field 'entry' must stay inside the app folder/);
  const big = await app('big', '', { limits: { memoryPages: 1e9 } });
  await rejects(buildApp(big), /limits\.memoryPages' must be an integer/);
});

test('renameExports rewrites only the export section', () => {
  // (module (memory 1) (func) (export "a" (func 0)) (export "memory" (memory 0)))
  const mod = new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 14, 2, 1, 0x61, 0, 0, 6, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 2, 0, 10, 4, 1, 2, 0, 0x0b,
  ]);
  const out = renameExports(mod, { a: 'peeros:isa/command@0.1.0#run' });
  assert.equal(listExports(out), ['peeros:isa/command@0.1.0#run', 'memory']);
  assert.ok(WebAssembly.validate(out));
});

test.run();
