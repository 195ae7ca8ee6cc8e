// Compiles one AssemblyScript contract folder (entry `index.ts`) to `<outDir>/<name>.wasm` and
// `<outDir>/<name>.abi`. The ABI and the `apply` dispatch come from the decorated source
// (`@contract`, `@action`, `@table`, …: the SDK transform, sdk-as/transform/); a contract without a
// `@contract` class still dispatches by hand and describes its ABI in `abi.json` (the older style).
//
// Compiler flags: contract-flags.mjs (shared with `peeros contract build`).
// Only `apply` (and the memory) are exported: the entry file must export nothing else.
// The SDK by package path (`import … from "peeros/sdk-as/contract"`): every lookup asc makes in a
// `node_modules/peeros/sdk-as/` is served from this SDK, so a contract folder anywhere builds
// against the SDK of the peeros that builds it.
import asc from 'assemblyscript/asc';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abiFromDescription, dispatchedActions } from './contract-abi.mjs';
import { contractTransform } from '../../transform/index.mjs';
import { contractAscArgs } from './contract-flags.mjs';

const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const SDK_ROOT = join(SDK_DIR, '..');
const SDK_PACKAGE_SEGMENT = `${sep}node_modules${sep}peeros${sep}sdk-as${sep}`;

async function readSource(name, baseDir) {
  let path = resolve(baseDir, name);
  const at = path.lastIndexOf(SDK_PACKAGE_SEGMENT);
  if (at >= 0) path = join(SDK_ROOT, path.slice(at + SDK_PACKAGE_SEGMENT.length));
  return readFile(path, 'utf8').catch(() => null);
}

/** Compiles the contract in `dir`; `{ wasm, abi, abiJson }` (paths, and the ABI as an object). */
export async function compileContract({ root, dir, name, outDir }) {
  const entry = join(dir, 'index.ts');
  const wasmPath = join(outDir, `${name}.wasm`);
  await mkdir(outDir, { recursive: true });
  let stderr = '';
  const args = contractAscArgs({ entry: relative(root, entry), baseDir: root, outFile: relative(root, wasmPath) });
  let generated;
  const { error } = await asc.main(args, {
    transforms: [contractTransform((abi) => { generated = abi; })],
    stderr: { write: (s) => { stderr += s; return true; } },
    stdout: { write: () => true },
    readFile: readSource,
  });
  if (error) throw new Error(`contract ${name}: AssemblyScript compilation failed\n${stderr || error.message}`);

  if (generated) {
    await writeFile(join(outDir, `${name}.abi`), JSON.stringify(generated, null, 2) + '\n');
    return { wasm: wasmPath, abi: join(outDir, `${name}.abi`), abiJson: generated };
  }
  const descPath = join(dir, 'abi.json');
  const desc = JSON.parse(await readFile(descPath, 'utf8'));
  const abi = abiFromDescription(desc, relative(root, descPath));
  const source = await readFile(entry, 'utf8');
  const dispatched = new Set(dispatchedActions(source));
  const declared = new Set(abi.actions.map((a) => a.name));
  for (const a of dispatched) if (!declared.has(a)) throw new Error(`contract ${name}: action ${a} is dispatched in index.ts but missing from abi.json`);
  for (const a of declared) if (!dispatched.has(a)) throw new Error(`contract ${name}: action ${a} is in abi.json but index.ts does not dispatch it`);
  await writeFile(join(outDir, `${name}.abi`), JSON.stringify(abi, null, 2) + '\n');
  return { wasm: wasmPath, abi: join(outDir, `${name}.abi`), abiJson: abi };
}
