// Build step: compiles every `apps/<app>/contract/` (AssemblyScript, with the contract SDK) to
// `build/contracts/<app>/<app>.wasm` and its ABI `build/contracts/<app>/<app>.abi`.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileContract } from '../../sdk-as/contract/tools/compile-contract.mjs';

export default async function ({ root }) {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return;
  for (const app of readdirSync(apps).sort()) {
    const dir = join(apps, app, 'contract');
    if (!existsSync(join(dir, 'index.ts'))) continue;
    const out = await compileContract({ root, dir, name: app, outDir: join(root, 'build/contracts', app) });
    process.stderr.write(`build:   contract ${app} → ${out.wasm.slice(root.length + 1)}\n`);
  }
}
