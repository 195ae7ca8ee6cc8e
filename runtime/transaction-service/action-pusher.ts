/**
 * The user's own actions, cleos `push action` style: the same path as `submitUserTransaction`
 * (TaPoS from the DMCS, keys picked from the vault by the permissions the DMCS reports, the
 * vault's verifier shows the decoded summary, the vault signs as the `user`), with cleos's
 * switches: an expiration, not signing (-s) and not broadcasting (-d). Returns the transaction
 * and, when pushed, the node's full reply (the trace).
 */
import type { Action } from '../../abi/antelope/index.js';
import { USER_APP, type Vault } from '../../skv/index.js';
import type { DmcsBackend, PushTransactionBody, PushTransactionResult } from '../dispatch/dmcs-backend.js';
import { buildTransaction, pushBody, type UnsignedTransaction } from './transaction-builder.js';
import { pickKeys } from './key-picker.js';

export interface ActionPush {
  transaction: UnsignedTransaction;
  /** The push_transaction body (signed unless `sign` was false). */
  body: PushTransactionBody;
  /** The node's reply when broadcast. */
  reply?: PushTransactionResult;
}

export async function pushActions(o: {
  vault: Vault | undefined;
  backend: DmcsBackend;
  actions: Action[];
  summary: string[];
  expireSeconds?: number;
  /** Default true; false needs no vault. */
  sign?: boolean;
  /** Default true. */
  broadcast?: boolean;
}): Promise<ActionPush> {
  const info = await o.backend.getInfo();
  const trx = buildTransaction(info, o.actions, o.expireSeconds !== undefined ? { expireSeconds: o.expireSeconds } : {});
  if (o.sign === false || o.vault === undefined) return { transaction: trx, body: pushBody(trx.bytes, []) };
  const levels = o.actions.flatMap((a) => a.authorization.map((p) => ({ actor: p.actor.toString(), permission: p.permission.toString() })));
  const vaultKeys = (await o.vault.listKeys()).map((k) => k.publicKey);
  const keys = await pickKeys((n) => o.backend.getAccount(n), levels, vaultKeys);
  const signed = await o.vault.sign({ chainId: trx.chainId, transaction: trx.bytes, keys, app: USER_APP, summary: o.summary });
  const body = pushBody(trx.bytes, signed.signatures);
  if (o.broadcast === false) return { transaction: trx, body };
  return { transaction: trx, body, reply: await o.backend.pushTransaction(body) };
}
