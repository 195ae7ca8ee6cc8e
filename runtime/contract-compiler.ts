/**
 * `peeros contract build DIR`: an AssemblyScript contract folder (entry `index.ts`, or
 * `contract/index.ts` in a project made by `peeros contract init`; decorated with
 * the contract SDK's `@contract` / `@action` / `@table` …) → `DIR/build/<name>.wasm` and its ABI
 * `DIR/build/<name>.abi`. The folder is as untrusted as an app folder and is compiled the same way:
 * in the compile worker (runtime/app-compile-worker.ts: empty environment, heap cap, deadline, only
 * `.ts` files inside DIR or the SDK), with the host's options (sdk-as/contract/tools/contract-flags.mjs,
 * the same as the stock contracts' build) and the SDK's own transform, which generates `apply` and
 * the ABI. A folder without a `@contract` class is refused: there would be no ABI to trust.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { AppBuildError } from './app-build-error.js';
import { prepareOutput, sdkDir } from './app-compiler.js';
import { compileInWorker } from './app-compile-client.js';
import type { CompileReply } from './app-compile-worker.js';
import { BUILD_DEADLINE_MS, MAX_APP_SOURCE_BYTES, MAX_APP_SOURCES_TOTAL_BYTES } from './limits.js';
import { codeOf } from '../lib/coded-error.js';
import { APP_BUILD_ERROR_CODES } from './app-build-error.js';

export interface ContractBuildResult {
  wasmPath: string;
  abiPath: string;
  bytes: number;
  /** The generated ABI (eosio::abi/1.2). */
  abi: Record<string, unknown>;
}

interface ContractFlags {
  contractAscArgs(o: { entry: string; baseDir: string; outFile: string }): string[];
}

/** The entry of a contract folder (`index.ts`) or of a project made by `peeros contract init` (`contract/index.ts`). */
export function contractEntry(dir: string): string | undefined {
  for (const entry of ['index.ts', 'contract/index.ts']) if (existsSync(join(dir, entry))) return entry;
  return undefined;
}

/** Compiles the contract in `dir` (see the module doc); `name` defaults to the folder's name. */
export async function buildContract(dir: string, name = basename(resolve(dir))): Promise<ContractBuildResult> {
  const contractDir = resolve(dir);
  const entry = contractEntry(contractDir) ?? 'index.ts';
  const sdk = sdkDir();
  const where = relative(process.cwd(), contractDir) || '.';
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name))
    throw new AppBuildError('MANIFEST_INVALID', `contract name ${JSON.stringify(name)}: use lowercase letters, digits, ".", "_" or "-"`);
  const flags = (await import(pathToFileURL(join(sdk, 'contract/tools/contract-flags.mjs')).href)) as ContractFlags;
  const argv = flags.contractAscArgs({ entry, baseDir: contractDir, outFile: 'out.wasm' });
  const wasmPath = join(contractDir, 'build', `${name}.wasm`);
  const abiPath = join(contractDir, 'build', `${name}.abi`);
  await prepareOutput(contractDir, wasmPath);
  const reply = (await compileInWorker(
    {
      kind: 'compile',
      argv,
      appDir: contractDir,
      sdkDir: sdk,
      maxFileBytes: MAX_APP_SOURCE_BYTES,
      maxTotalBytes: MAX_APP_SOURCES_TOTAL_BYTES,
      transform: 'contract',
    },
    BUILD_DEADLINE_MS,
  )) as CompileReply;
  if (reply.refused.length > 0)
    throw new AppBuildError(
      codeOf(APP_BUILD_ERROR_CODES, reply.refused[0]!.code) ?? 'INTERNAL',
      `cannot build contract ${where}: ${reply.refused.map((r) => r.message).join('\n')}`,
    );
  const noSdk = (text: string | undefined): boolean => text?.includes('contractAbort') === true;
  if (noSdk(reply.error) || reply.diagnostics.some((d) => noSdk(d.message)))
    throw new AppBuildError(
      'COMPILE_ERROR',
      `cannot build contract ${where}: ${entry} has no @contract class importing the contract SDK (sdk-as/contract)`,
    );
  if (reply.error !== undefined || reply.diagnostics.length > 0) {
    const lines = reply.diagnostics.map((d) => `${d.file ? `${d.file}:${d.line}:${d.column}: ` : ''}error AS${d.code}: ${d.message}`);
    throw new AppBuildError(
      'COMPILE_ERROR',
      `cannot build contract ${where}:\n${lines.length ? lines.join('\n') : reply.error}`,
      reply.diagnostics,
    );
  }
  const binary = reply.outputs['out.wasm'];
  if (!(binary instanceof Uint8Array))
    throw new AppBuildError('INTERNAL', `cannot build contract ${where}: the compiler produced no module`);
  if (reply.generated === undefined)
    throw new AppBuildError(
      'COMPILE_ERROR',
      `cannot build contract ${where}: ${entry} has no @contract class (its actions and ABI come from one)`,
    );
  const abi = reply.generated as Record<string, unknown>;
  await prepareOutput(contractDir, wasmPath); // again: the folder may have changed meanwhile
  await writeFileAtomic(wasmPath, binary, 0o644);
  await writeFileAtomic(abiPath, `${JSON.stringify(abi, null, 2)}\n`, 0o644);
  return { wasmPath, abiPath, bytes: binary.length, abi };
}
