/**
 * Deploys a contract as the user: `eosio::setcode` and `eosio::setabi` in one transaction, signed
 * by the contract account's active keys from the vault (the user approves it), pushed to the DMCS.
 * The size caps are the ones every deployment path reads files under (`peeros set`, the console).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Abi, Action, eosioSerializer } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { submitUserTransaction, type UserTransactionResult } from './user-transaction.js';

/** Contract code larger than Leap's default max (wasm limits are checked by the node; this bounds reading). */
export const MAX_CODE_BYTES = 4 * 1024 * 1024;
/** An ABI (JSON) read for a deployment. */
export const MAX_ABI_BYTES = 1024 * 1024;

/** The deployment's summary line (the vault's verifier shows it; the console's dialog decodes the actions too). */
export function deploymentSummary(account: string, code: Uint8Array, abi: Abi): string {
  const names = abi.actions.map((a) => a.name.toString()).join(', ') || 'none';
  return `deploy contract to '${account}': code ${code.length} bytes (sha256 ${createHash('sha256').update(code).digest('hex')}), ABI with ${abi.actions.length} actions (${names})`;
}

/** setcode + setabi of `code` and `abi` to `account`, as a user transaction. */
export async function deployContractBytes(o: {
  vault: Vault;
  backend: DmcsBackend;
  account: string;
  code: Uint8Array;
  abi: Abi;
}): Promise<UserTransactionResult> {
  const s = eosioSerializer();
  const authorization = [{ actor: o.account, permission: 'active' }];
  const actions = [
    Action.from(
      { account: 'eosio', name: 'setcode', authorization, data: { account: o.account, vmtype: 0, vmversion: 0, code: o.code } },
      s,
    ),
    Action.from({ account: 'eosio', name: 'setabi', authorization, data: { account: o.account, abi: o.abi.toBinary() } }, s),
  ];
  return submitUserTransaction({ vault: o.vault, backend: o.backend, actions, summary: [deploymentSummary(o.account, o.code, o.abi)] });
}

export async function deployContract(o: {
  vault: Vault;
  backend: DmcsBackend;
  account: string;
  wasmPath: string;
  abiPath: string;
}): Promise<UserTransactionResult> {
  const code = new Uint8Array(await readFile(o.wasmPath));
  const abi = Abi.from(JSON.parse(await readFile(o.abiPath, 'utf8')) as Parameters<typeof Abi.from>[0]);
  return deployContractBytes({ vault: o.vault, backend: o.backend, account: o.account, code, abi });
}
