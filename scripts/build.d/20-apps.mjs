// Build step: compile the AssemblyScript apps (apps/calculator, apps/notes) and every fixture app
// under test/fixtures/apps/ with the app compiler (dist/runtime/app-compiler.js). Each module is
// written to the app's build/ folder (gitignored).
import { pathToFileURL } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function appDirs(root) {
  const dirs = ['apps/calculator', 'apps/notes'].map((d) => join(root, d));
  const fixtures = join(root, 'test/fixtures/apps');
  if (existsSync(fixtures)) {
    for (const name of readdirSync(fixtures).sort()) dirs.push(join(fixtures, name));
  }
  return dirs.filter((d) => existsSync(join(d, 'peeros.json')));
}

export default async function ({ root }) {
  const { buildApp } = await import(pathToFileURL(join(root, 'dist/runtime/app-compiler.js')).href);
  // one at a time: asc is single-threaded anyway, and its compiler state is not meant to be shared
  for (const dir of appDirs(root)) {
    const r = await buildApp(dir);
    process.stderr.write(`  ${relative(root, r.wasmPath)} ${r.bytes} B\n`);
  }
}
