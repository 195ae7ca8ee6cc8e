// Build step: compiles every `apps/<app>/contract/` (AssemblyScript, with the contract SDK) to
// `build/contracts/<app>/<app>.wasm` and its ABI `build/contracts/<app>/<app>.abi`, and every
// system contract `contracts/<name>/` (eosio.msig, eosio.wrap; they share `contracts/shared/`) to
// `build/contracts/<name>/<name>.wasm`, one at a time, skipping a contract whose inputs (its folder,
// the contract SDK, asc) are unchanged since its last build.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileContract } from '../../sdk-as/contract/tools/compile-contract.mjs';
import { inputsDigest, unlessFresh } from '../build-inputs.mjs';

/** `{ name, dir, inputs }` for each contract folder under apps/ and contracts/. */
function contractFolders(root) {
  const found = [];
  const apps = join(root, 'apps');
  if (existsSync(apps)) {
    for (const app of readdirSync(apps).sort()) {
      const dir = join(apps, app, 'contract');
      if (existsSync(join(dir, 'index.ts'))) found.push({ name: app, dir, inputs: [`apps/${app}/contract`] });
    }
  }
  const system = join(root, 'contracts');
  if (existsSync(system)) {
    for (const name of readdirSync(system).sort()) {
      const dir = join(system, name);
      if (existsSync(join(dir, 'index.ts'))) found.push({ name, dir, inputs: [`contracts/${name}`, 'contracts/shared'] });
    }
  }
  return found;
}

export default async function ({ root }) {
  const sdk = inputsDigest(root, ['sdk-as/contract', 'sdk-as/transform', 'node_modules/assemblyscript/package.json']);
  for (const { name, dir, inputs } of contractFolders(root)) {
    const outDir = join(root, 'build/contracts', name);
    const digest = `${sdk} ${inputsDigest(root, inputs)}`;
    const outputs = [join(outDir, `${name}.wasm`), join(outDir, `${name}.abi`)];
    const out = await unlessFresh({ stamp: join(outDir, '.inputs-sha256'), digest, outputs }, () =>
      compileContract({ root, dir, name, outDir }),
    );
    process.stderr.write(
      out ? `build:   contract ${name} → ${out.wasm.slice(root.length + 1)}\n` : `build:   contract ${name}: unchanged\n`,
    );
  }
}
