// Component conformance: every SDK-built app wraps into a component (`wasm-tools component new`,
// inside jco) that type-checks against `world app` of peeros:isa; a module importing a function
// the world does not have is refused. WIT is passed as a string (preview2-shim 0.26 cannot read
// files through jco's API).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco-transpile/wasm-tools';
import { witSource } from '../../isa/generator/index.js';
import { renameExports } from '../../runtime/app-compiler.js';
import { ROOT, CALCULATOR_WASM, NOTES_WASM, BENCH_WASM, PROBE_WASM } from './paths.js';

const WIT = witSource(ROOT);

async function componentize(core: Uint8Array): Promise<Uint8Array> {
  const embedded = await componentEmbed({ binary: core, witSource: WIT, world: 'app', stringEncoding: 'utf8' });
  return componentNew(embedded);
}

for (const [name, path] of [
  ['calculator', CALCULATOR_WASM],
  ['notes', NOTES_WASM],
  ['bench', BENCH_WASM],
  ['isa-probe', PROBE_WASM],
] as const) {
  test(`${name}: component new against world app type-checks`, async () => {
    const comp = await componentize(await readFile(path));
    assert.ok(comp.length > 0);
    const wit = await componentWit(comp);
    assert.match(wit, /export peeros:isa\/command@0\.1\.0;/);
  });
}

// every other stock app under apps/ that has been built (dPay, dSocial, …) must conform too
for (const name of readdirSync(join(ROOT, 'apps')).sort()) {
  if (name === 'calculator' || name === 'notes') continue;
  const manifestPath = join(ROOT, 'apps', name, 'peeros.json');
  if (!existsSync(manifestPath)) continue;
  const entry = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { entry?: string }).entry;
  test(`apps/${name}: component new against world app type-checks`, async () => {
    // the build compiles every stock app: a missing module is a failure, not a reason to skip
    assert.ok(entry, `apps/${name}/peeros.json names no entry`);
    const wasm = join(ROOT, 'apps', name, entry);
    assert.ok(existsSync(wasm), `${wasm} is not built`);
    const wit = await componentWit(await componentize(await readFile(wasm)));
    assert.match(wit, /export peeros:isa\/command@0\.1\.0;/);
  });
}

test('isa-probe imports every ISA interface and still conforms', async () => {
  const wit = await componentWit(await componentize(await readFile(PROBE_WASM)));
  for (const i of ['log', 'clock', 'random', 'storage', 'ual', 'chain', 'dmcs', 'diag']) {
    assert.match(wit, new RegExp(`import peeros:isa/${i}@0\\.1\\.0;`));
  }
});

// A hand-made core module: the command export plus one import that the world does not declare.
function moduleWithImport(module: string, field: string): Uint8Array {
  const enc = new TextEncoder();
  const str = (s: string): number[] => {
    const b = enc.encode(s);
    return [b.length, ...b];
  };
  const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    // types: 0 = (i32 i32 i32) -> (), 1 = (i32 i32 i32 i32) -> i32, 2 = (i32 i32 i32 i32) -> i32 [realloc]
    ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7f, 0, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
    ...section(2, [1, ...str(module), ...str(field), 0x00, 0]),
    ...section(3, [2, 1, 1]),
    ...section(5, [1, 0x01, 1, 1]),
    ...section(7, [3, ...str('memory'), 0x02, 0, ...str('cabi_realloc'), 0x00, 1, ...str('peeros_run'), 0x00, 2]),
    ...section(10, [2, 4, 0, 0x41, 0, 0x0b, 4, 0, 0x41, 0, 0x0b]),
  ];
  return renameExports(new Uint8Array(bytes), { peeros_run: 'peeros:isa/command@0.1.0#run' });
}

test('a module importing a declared function conforms (control for the next test)', async () => {
  const wit = await componentWit(await componentize(moduleWithImport('peeros:isa/diag@0.1.0', 'echo')));
  assert.match(wit, /import peeros:isa\/diag@0\.1\.0;/);
});

test('a module importing a function not in the world is refused', async () => {
  let err: unknown = null;
  try {
    await componentize(moduleWithImport('peeros:isa/diag@0.1.0', 'exfiltrate'));
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'component new accepted an import the world does not declare');
  assert.match(String((err as Error).message ?? err), /exfiltrate/);
});

test('a module importing an interface not in the package is refused', async () => {
  let err: unknown = null;
  try {
    await componentize(moduleWithImport('peeros:isa/shell@0.1.0', 'exec'));
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'component new accepted an unknown interface');
});

test.run();
