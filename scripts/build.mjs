// Builds everything `npm ci` must leave ready: the TypeScript host (tsc → dist/),
// then every registered build step (generated ISA bindings, AssemblyScript apps and contracts).
// Each step lives in scripts/build.d/*.mjs and exports `default async function ()`, run in name order.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (label) => process.stderr.write(`build: ${label}\n`);

step('tsc');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: TypeScript reported errors (see above)\n');
  process.exit(tsc.status ?? 1);
}

const dir = join(root, 'scripts/build.d');
if (existsSync(dir)) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    step(file.replace(/\.mjs$/, ''));
    const mod = await import(pathToFileURL(join(dir, file)).href);
    await mod.default({ root });
  }
}
step('done');
