// Build step: compiles every `apps/<app>/contract/` (AssemblyScript, with the contract SDK) to
// `build/contracts/<app>/<app>.wasm` and its ABI `build/contracts/<app>/<app>.abi`, one at a time,
// skipping a contract whose inputs (its folder, the contract SDK, asc) are unchanged since its last build.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileContract } from '../../sdk-as/contract/tools/compile-contract.mjs';
import { inputsDigest, unlessFresh } from '../build-inputs.mjs';

export default async function ({ root }) {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return;
  const sdk = inputsDigest(root, ['sdk-as/contract', 'sdk-as/transform', 'node_modules/assemblyscript/package.json']);
  for (const app of readdirSync(apps).sort()) {
    const dir = join(apps, app, 'contract');
    if (!existsSync(join(dir, 'index.ts'))) continue;
    const outDir = join(root, 'build/contracts', app);
    const digest = `${sdk} ${inputsDigest(root, [`apps/${app}/contract`])}`;
    const outputs = [join(outDir, `${app}.wasm`), join(outDir, `${app}.abi`)];
    const out = await unlessFresh({ stamp: join(outDir, '.inputs-sha256'), digest, outputs }, () =>
      compileContract({ root, dir, name: app, outDir }),
    );
    process.stderr.write(out ? `build:   contract ${app} → ${out.wasm.slice(root.length + 1)}\n` : `build:   contract ${app}: unchanged\n`);
  }
}
