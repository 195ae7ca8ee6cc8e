/**
 * `peeros set contract|code|abi`: cleos's deployment commands. `eosio::setcode` and/or
 * `eosio::setabi` signed by the account's active keys from the vault (the user approves the
 * summary: code size and hash, ABI actions), pushed to the current DMCS or --url.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { accountNameArg } from '../arg-checks.js';
import { chainBackend } from '../chain-target.js';
import { printJson } from '../json-output.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { Abi, Action, eosioSerializer } from '../../../abi/antelope/index.js';
import { pushActions } from '../../transaction-service/action-pusher.js';
import { MAX_ABI_BYTES, MAX_CODE_BYTES } from '../../transaction-service/contract-deployer.js';
import { terminalText, terminalValue } from '../../../lib/terminal-text.js';
import { definition } from '../definitions/set.js';

async function readCapped(path: string, max: number, what: string): Promise<Buffer> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${path}: no such ${what} file`);
  if (statSync(path).size > max) throw new UsageError(`${path}: the ${what} is larger than ${max} bytes`);
  return readFile(path);
}

/** The .wasm and .abi of a contract folder, as cleos looks for them (and in its build/). */
async function contractFiles(dir: string, account: string): Promise<{ wasm: string; abi: string }> {
  for (const folder of [join(dir, 'build'), dir]) {
    const names = await readdir(folder).catch(() => [] as string[]);
    const pick = (ext: string): string | undefined => {
      const all = names.filter((n) => n.endsWith(ext));
      const preferred = all.find((n) => n === `${basename(dir)}${ext}` || n === `${account}${ext}`);
      return preferred ?? (all.length === 1 ? all[0] : undefined);
    };
    const wasm = pick('.wasm');
    const abi = pick('.abi');
    if (wasm && abi) return { wasm: join(folder, wasm), abi: join(folder, abi) };
  }
  throw new UsageError(`${dir}: no NAME.wasm and NAME.abi there or in its build/ (run 'peeros contract build ${dir}')`);
}

async function deploy(sub: 'contract' | 'code' | 'abi', argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals: p } = parseArgs(argv, flagSpec(definition, sub), `set ${sub}`);
  const account = accountNameArg(p[0] ?? '', 'ACCOUNT');
  let wasmPath: string | undefined;
  let abiPath: string | undefined;
  if (sub === 'contract') {
    if (p.length === 2 && existsSync(p[1]!) && statSync(p[1]!).isDirectory())
      ({ wasm: wasmPath, abi: abiPath } = await contractFiles(p[1]!, account));
    else if (p.length === 3) [wasmPath, abiPath] = [p[1]!, p[2]!];
    else throw new UsageError('set contract takes ACCOUNT DIR, or ACCOUNT WASM ABI');
  } else if (p.length !== 2) throw new UsageError(`set ${sub} takes ACCOUNT ${sub === 'code' ? 'WASM' : 'ABI'}`);
  else if (sub === 'code') wasmPath = p[1]!;
  else abiPath = p[1]!;

  const s = eosioSerializer();
  const authorization = [{ actor: account, permission: 'active' }];
  const actions: Action[] = [];
  const summary: string[] = [];
  if (wasmPath !== undefined) {
    const code = new Uint8Array(await readCapped(wasmPath, MAX_CODE_BYTES, 'contract code'));
    actions.push(Action.from({ account: 'eosio', name: 'setcode', authorization, data: { account, vmtype: 0, vmversion: 0, code } }, s));
    summary.push(`set code of '${account}': ${code.length} bytes, sha256 ${createHash('sha256').update(code).digest('hex')}`);
  }
  if (abiPath !== undefined) {
    let abi: Abi;
    try {
      abi = Abi.from(JSON.parse((await readCapped(abiPath, MAX_ABI_BYTES, 'ABI')).toString('utf8')) as Parameters<typeof Abi.from>[0]);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${abiPath}: not an ABI (${(err as Error).message})`);
    }
    actions.push(Action.from({ account: 'eosio', name: 'setabi', authorization, data: { account, abi: abi.toBinary() } }, s));
    summary.push(
      `set ABI of '${account}': actions ${terminalText(abi.actions.map((a) => a.name.toString()).join(', ') || 'none')}; tables ${terminalText(abi.tables.map((t) => t.name.toString()).join(', ') || 'none')}`,
    );
  }
  const backend = await chainBackend(io, flags);
  const r = await withUnlockedVault(io, flags, {}, ({ vault }) => pushActions({ vault, backend, actions, summary }));
  if (flags.json) printJson(io, r.reply);
  else io.out(`executed transaction: ${terminalValue(r.reply?.transaction_id ?? r.transaction.id)} (${summary.join('; ')})`);
  return 0;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'contract' || sub === 'code' || sub === 'abi') return deploy(sub, rest, io);
    throw new UsageError(
      sub === undefined ? 'missing subcommand (contract, code or abi)' : `unknown subcommand '${sub}' (contract, code or abi)`,
    );
  },
};

export default command;
