// Build step: compile every AssemblyScript app with the app compiler (dist/runtime/app-compiler.js):
// the stock apps (apps/*) and the fixture apps (test/fixtures/apps/*), the one list below. Each
// module is written to the app's build/ folder (gitignored); contracts are 30-contracts' work.
//
// One at a time: the app compiler runs one compile worker and queues requests to it
// (runtime/app-compile-client.ts), so building in parallel would only queue.
// An app whose inputs (its folder, the SDK, the compiler) are unchanged since its last build is
// not built again (scripts/build-inputs.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inputsDigest, unlessFresh } from '../build-inputs.mjs';

const APP_FOLDERS = ['apps', 'test/fixtures/apps'];

/** Every app folder the build compiles: a peeros.json whose `source` exists. */
export function appDirs(root) {
  const dirs = [];
  for (const folder of APP_FOLDERS) {
    const parent = join(root, folder);
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent).sort()) {
      const dir = join(parent, name);
      const manifest = join(dir, 'peeros.json');
      if (!existsSync(manifest)) continue;
      const { source } = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof source === 'string' && existsSync(join(dir, source))) dirs.push(dir);
    }
  }
  return dirs;
}

// what else an app's module depends on: the SDK, asc, and the compiler with its options and limits
const COMPILER_INPUTS = [
  'sdk-as/app',
  'sdk-as/transform',
  'dist/runtime/app-commands.js',
  'node_modules/assemblyscript/package.json',
  'dist/runtime/app-compiler.js',
  'dist/runtime/app-compile-client.js',
  'dist/runtime/app-compile-worker.js',
  'dist/runtime/app-folder.js',
  'dist/runtime/limits.js',
  'dist/isa/generated/imports.js',
];

export default async function ({ root }) {
  const { buildApp } = await import(pathToFileURL(join(root, 'dist/runtime/app-compiler.js')).href);
  const compiler = inputsDigest(root, COMPILER_INPUTS);
  for (const dir of appDirs(root)) {
    const rel = relative(root, dir);
    const { entry } = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8'));
    const digest = `${compiler} ${inputsDigest(root, [rel], (p) => p === join(rel, 'build') || p === join(rel, 'peeros.sig'))}`;
    const built = await unlessFresh({ stamp: join(dir, 'build/.inputs-sha256'), digest, outputs: [join(dir, entry)] }, () => buildApp(dir));
    process.stderr.write(built ? `  ${relative(root, built.wasmPath)} ${built.bytes} B\n` : `  ${rel}: unchanged\n`);
  }
}
