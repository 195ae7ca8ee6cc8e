// Build step: compile the app side of the stock dApps that 20-apps does not build (apps/dpay,
// apps/dsocial, apps/dmessenger — each folder with a peeros.json whose "source" exists) with the
// app compiler. Their contracts are built by 30-contracts.
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const STOCK_APPS = ['apps/dpay', 'apps/dsocial', 'apps/dmessenger'];

export default async function ({ root }) {
  const { buildApp } = await import(pathToFileURL(join(root, 'dist/runtime/app-compiler.js')).href);
  const dirs = STOCK_APPS.map((d) => join(root, d)).filter((d) => {
    const m = join(d, 'peeros.json');
    if (!existsSync(m)) return false;
    const source = JSON.parse(readFileSync(m, 'utf8')).source;
    return typeof source === 'string' && existsSync(join(d, source));
  });
  const results = await Promise.all(dirs.map(async (dir) => {
    const r = await buildApp(dir);
    return `  ${relative(root, r.wasmPath)} ${r.bytes} B`;
  }));
  process.stderr.write(`${results.join('\n')}\n`);
}
