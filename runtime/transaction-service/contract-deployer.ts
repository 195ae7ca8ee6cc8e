/**
 * Deploys a contract as the user: `eosio::setcode` and `eosio::setabi` in one transaction, signed
 * by the contract account's active keys from the vault (the user approves it), pushed to the DMCS.
 */
import { readFile } from 'node:fs/promises';
import { Abi, Action, eosioSerializer } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { submitUserTransaction, type UserTransactionResult } from './user-transaction.js';

export async function deployContract(o: {
  vault: Vault;
  backend: DmcsBackend;
  account: string;
  wasmPath: string;
  abiPath: string;
}): Promise<UserTransactionResult> {
  const code = new Uint8Array(await readFile(o.wasmPath));
  const abi = Abi.from(JSON.parse(await readFile(o.abiPath, 'utf8')) as Parameters<typeof Abi.from>[0]);
  const s = eosioSerializer();
  const authorization = [{ actor: o.account, permission: 'active' }];
  const actions = [
    Action.from({ account: 'eosio', name: 'setcode', authorization, data: { account: o.account, vmtype: 0, vmversion: 0, code } }, s),
    Action.from({ account: 'eosio', name: 'setabi', authorization, data: { account: o.account, abi: abi.toBinary() } }, s),
  ];
  const { createHash } = await import('node:crypto');
  return submitUserTransaction({
    vault: o.vault,
    backend: o.backend,
    actions,
    summary: [
      `deploy contract to '${o.account}': code ${code.length} bytes (sha256 ${createHash('sha256').update(code).digest('hex').slice(0, 16)}…), ABI with ${abi.actions.length} actions`,
    ],
  });
}
