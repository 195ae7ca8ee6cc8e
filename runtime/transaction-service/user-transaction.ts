/**
 * A transaction the user makes directly (not an app): account creation, contract deployment. The
 * same path as an app's push without a grant: TaPoS from the DMCS, keys picked from the vault by
 * the permissions the DMCS reports, the vault's verifier shows `summary`, the vault signs as the
 * `user`, dispatch pushes. No offline queue: the user is told the DMCS is unreachable.
 */
import type { Action } from '../../abi/antelope/index.js';
import { USER_APP, type Vault } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { buildTransaction, pushBody } from './transaction-builder.js';
import { pickKeys } from './key-picker.js';

export interface UserTransactionResult {
  id: string;
  blockNum: number | undefined;
  keys: string[];
}

export async function submitUserTransaction(o: {
  vault: Vault;
  backend: DmcsBackend;
  actions: Action[];
  summary: string[];
}): Promise<UserTransactionResult> {
  const info = await o.backend.getInfo();
  const levels = o.actions.flatMap((a) => a.authorization.map((p) => ({ actor: p.actor.toString(), permission: p.permission.toString() })));
  const vaultKeys = (await o.vault.listKeys()).map((k) => k.publicKey);
  const keys = await pickKeys((n) => o.backend.getAccount(n), levels, vaultKeys);
  const trx = buildTransaction(info, o.actions);
  const signed = await o.vault.sign({ chainId: trx.chainId, transaction: trx.bytes, keys, app: USER_APP, summary: o.summary });
  const ack = await o.backend.pushTransaction(pushBody(trx.bytes, signed.signatures));
  return { id: ack.transaction_id, blockNum: ack.processed.block_num, keys };
}
