// Builds everything `npm ci` must leave ready: the TypeScript host (tsc → dist/) and every
// registered build step (generated ISA bindings, AssemblyScript apps and contracts, signatures).
// Each step lives in scripts/build.d/*.mjs and exports `default async function ({ root })`; steps
// run in name order, those exporting `beforeTsc = true` (code generators) before tsc, the rest after.
// tsc is incremental (tsconfig.json: dist/.tsbuildinfo), and app and contract steps skip products
// whose inputs did not change, so a rebuild after a small edit does only the work the edit needs.
// `rm -rf dist` forgets it all (the build info lives in dist/) and builds from clean.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (label) => process.stderr.write(`build: ${label}\n`);

const dir = join(root, 'scripts/build.d');
const steps = [];
if (existsSync(dir)) {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    steps.push({ name: file.replace(/\.mjs$/, ''), mod: await import(pathToFileURL(join(dir, file)).href) });
  }
}
const run = async ({ name, mod }) => {
  step(name);
  await mod.default({ root });
};

for (const s of steps.filter((s) => s.mod.beforeTsc === true)) await run(s);

step('tsc');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build: TypeScript reported errors (see above)\n');
  process.exit(tsc.status ?? 1);
}

for (const s of steps.filter((s) => s.mod.beforeTsc !== true)) await run(s);
step('done');
