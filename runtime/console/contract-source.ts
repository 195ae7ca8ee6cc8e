/**
 * What the console's Contracts page deploys: the code and ABI of one of the stock contracts the host
 * ships (the apps' contracts the demo deploys, built by `scripts/build.mjs` into build/contracts),
 * or of a contract folder on this machine, built first exactly as `peeros contract build DIR` builds
 * it (runtime/contract-compiler.ts: the folder is untrusted; the compile worker reads only its .ts
 * files and the SDK, under a heap cap and BUILD_DEADLINE_MS). Every input is bounded: the path's
 * length, the files' sizes (the deployment caps of contract-deployer.ts); every refusal is typed.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Abi } from '../../abi/antelope/index.js';
import { buildContract } from '../contract-compiler.js';
import { MAX_ABI_BYTES, MAX_CODE_BYTES } from '../transaction-service/contract-deployer.js';
import { ConsoleError } from './console-error.js';

/** A folder path typed in the page: far beyond any real one, short of a payload. */
export const MAX_CONTRACT_PATH_CHARS = 1024;

/** The stock contracts, by the app they belong to, and the account the demo deploys each to. */
export const STOCK_CONTRACTS: Readonly<Record<string, { account: string; what: string }>> = {
  dpay: { account: 'dpay.token', what: 'the dPay token (RSN): create, issue, transfer' },
  dsocial: { account: 'dsocial', what: 'dSocial: posts and follows' },
  dmessenger: { account: 'dmessenger', what: 'dMessenger: sealed messages' },
};

export interface ContractCode {
  code: Uint8Array;
  abi: Abi;
  /** Where it came from, for the page: `stock dpay`, or the folder built. */
  from: string;
}

/** Where the build put the stock contracts (beside dist/ in a checkout); undefined in a packaged install without them. */
function stockDir(): string | undefined {
  for (const up of ['../../../build/contracts', '../../build/contracts']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

function stockFiles(name: string): { wasm: string; abi: string } | undefined {
  const dir = stockDir();
  if (!dir || !Object.hasOwn(STOCK_CONTRACTS, name)) return undefined;
  const f = { wasm: join(dir, name, `${name}.wasm`), abi: join(dir, name, `${name}.abi`) };
  return existsSync(f.wasm) && existsSync(f.abi) ? f : undefined;
}

/** The stock contracts this host has built, with the account the demo deploys each to. */
export function stockContracts(): Array<{ name: string; account: string; what: string }> {
  return Object.entries(STOCK_CONTRACTS)
    .filter(([name]) => stockFiles(name) !== undefined)
    .map(([name, c]) => ({ name, ...c }));
}

async function readCapped(path: string, max: number, what: string): Promise<Buffer> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) throw new ConsoleError('NOT_FOUND', `no ${what} file at ${path}`);
  if (s.size > max) throw new ConsoleError('TOO_LARGE', `the ${what} is ${s.size} bytes, more than ${max}`);
  const bytes = await readFile(path);
  if (bytes.length > max) throw new ConsoleError('TOO_LARGE', `the ${what} is more than ${max} bytes`);
  return bytes;
}

function parseAbi(json: string, where: string): Abi {
  try {
    return Abi.from(JSON.parse(json) as Parameters<typeof Abi.from>[0]);
  } catch (err) {
    throw new ConsoleError('BAD_REQUEST', `${where}: not an ABI (${(err as Error).message})`);
  }
}

/** One of the stock contracts (a name of STOCK_CONTRACTS, built). */
export async function stockContract(name: string): Promise<ContractCode> {
  const f = stockFiles(name);
  if (!f)
    throw new ConsoleError(
      'NOT_FOUND',
      `no stock contract ${JSON.stringify(name.slice(0, 64))} on this host (built: ${
        stockContracts()
          .map((c) => c.name)
          .join(', ') || 'none'
      })`,
    );
  const code = new Uint8Array(await readCapped(f.wasm, MAX_CODE_BYTES, 'contract code'));
  const abi = parseAbi((await readCapped(f.abi, MAX_ABI_BYTES, 'ABI')).toString('utf8'), `stock contract ${name}`);
  return { code, abi, from: `stock ${name}` };
}

/** A contract folder on this machine (an absolute path), built in the compile worker. */
export async function folderContract(path: string): Promise<ContractCode> {
  if (path.length === 0 || path.length > MAX_CONTRACT_PATH_CHARS)
    throw new ConsoleError('BAD_REQUEST', `the folder must be a path of 1 to ${MAX_CONTRACT_PATH_CHARS} characters`);
  if (!isAbsolute(path) || path.includes('\0')) throw new ConsoleError('BAD_REQUEST', 'the folder must be an absolute path');
  if (!(await stat(path).catch(() => undefined))?.isDirectory()) throw new ConsoleError('NOT_FOUND', `no folder at ${path}`);
  // AppBuildError (COMPILE_ERROR, UNSAFE_FILE, LIMIT_EXCEEDED, DEADLINE_EXCEEDED, …) goes to the page as it is
  const built = await buildContract(path);
  const code = new Uint8Array(await readCapped(built.wasmPath, MAX_CODE_BYTES, 'contract code'));
  if (JSON.stringify(built.abi).length > MAX_ABI_BYTES)
    throw new ConsoleError('TOO_LARGE', `the generated ABI is more than ${MAX_ABI_BYTES} bytes`);
  return { code, abi: parseAbi(JSON.stringify(built.abi), path), from: `built from ${path}` };
}
