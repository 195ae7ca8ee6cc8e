// Compiles one AssemblyScript contract folder (entry `index.ts`, ABI description `abi.json`) to
// `<outDir>/<name>.wasm` and `<outDir>/<name>.abi`.
//
// Compiler flags, and why:
//   --runtime stub        no garbage collector: every action runs in a fresh instance, so nothing
//                         needs freeing, and execution stays simple and deterministic
//   --use abort=contractAbort  AssemblyScript's abort becomes an Antelope assertion (no env.abort import)
//   --disable bulk-memory the VM (like Antelope) refuses memory.copy/fill: one instruction could do
//                         33 MiB of unmetered work; copies become metered wasm loops
//   --maximumMemory 528   33 MiB, Antelope's linear-memory limit
//   -O3 --shrinkLevel 1   fast code, small module
// Only `apply` (and the memory) are exported: the entry file must export nothing else.
// The SDK by package path (`import … from "peeros/sdk-as/contract"`): every lookup asc makes in a
// `node_modules/peeros/sdk-as/` is served from this SDK, so a contract folder anywhere builds
// against the SDK of the peeros that builds it.
import asc from 'assemblyscript/asc';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abiFromDescription, dispatchedActions } from './contract-abi.mjs';

const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const SDK_ROOT = join(SDK_DIR, '..');
const SDK_PACKAGE_SEGMENT = `${sep}node_modules${sep}peeros${sep}sdk-as${sep}`;

async function readSource(name, baseDir) {
  let path = resolve(baseDir, name);
  const at = path.lastIndexOf(SDK_PACKAGE_SEGMENT);
  if (at >= 0) path = join(SDK_ROOT, path.slice(at + SDK_PACKAGE_SEGMENT.length));
  return readFile(path, 'utf8').catch(() => null);
}

export async function compileContract({ root, dir, name, outDir }) {
  const entry = join(dir, 'index.ts');
  const wasmPath = join(outDir, `${name}.wasm`);
  await mkdir(outDir, { recursive: true });
  let stderr = '';
  const args = [
    relative(root, entry),
    '--baseDir', root,
    '--outFile', relative(root, wasmPath),
    '--runtime', 'stub',
    '--use', 'abort=contractAbort',
    '--disable', 'bulk-memory',
    '--maximumMemory', '528',
    '-O3', '--shrinkLevel', '1',
  ];
  const { error } = await asc.main(args, {
    stderr: { write: (s) => { stderr += s; return true; } },
    stdout: { write: () => true },
    readFile: readSource,
  });
  if (error) throw new Error(`contract ${name}: AssemblyScript compilation failed\n${stderr || error.message}`);

  const descPath = join(dir, 'abi.json');
  const desc = JSON.parse(await readFile(descPath, 'utf8'));
  const abi = abiFromDescription(desc, relative(root, descPath));
  const source = await readFile(entry, 'utf8');
  const dispatched = new Set(dispatchedActions(source));
  const declared = new Set(abi.actions.map((a) => a.name));
  for (const a of dispatched) if (!declared.has(a)) throw new Error(`contract ${name}: action ${a} is dispatched in index.ts but missing from abi.json`);
  for (const a of declared) if (!dispatched.has(a)) throw new Error(`contract ${name}: action ${a} is in abi.json but index.ts does not dispatch it`);
  await writeFile(join(outDir, `${name}.abi`), JSON.stringify(abi, null, 2) + '\n');
  return { wasm: wasmPath, abi: join(outDir, `${name}.abi`) };
}
