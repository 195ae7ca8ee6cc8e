/**
 * `peeros account create NAME [--key PUB]`: `eosio::newaccount` on the current DMCS, signed by the
 * creator (in --dev: `eosio`, whose dev key the user imported into the vault). The new account's
 * owner and active are the one key given (default: a new key created in the vault).
 */
import { Action, PublicKey, eosioSerializer } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { DmcsError, pushFailureOf, pushMayHaveRun } from '../dispatch/index.js';
import { submitUserTransaction, type UserTransactionResult } from './user-transaction.js';
import { checkAccountName } from '../session/login.js';
import { SessionError } from '../session/session-error.js';

export interface CreateAccountOptions {
  vault: Vault;
  backend: DmcsBackend;
  name: string;
  /** Public key for owner and active; default: a fresh vault key labelled with the account name. */
  key?: string;
  /** Default `eosio`. */
  creator?: string;
}

export async function createAccount(o: CreateAccountOptions): Promise<UserTransactionResult & { key: string }> {
  const name = checkAccountName(o.name);
  const creator = checkAccountName(o.creator ?? 'eosio', 'creator');
  let key: string;
  let created = false;
  if (o.key !== undefined) {
    try {
      key = PublicKey.from(o.key).toString();
    } catch {
      throw new SessionError('BAD_ARGUMENT', `--key ${JSON.stringify(o.key)} is not a public key (PUB_K1_… or EOS…)`);
    }
  } else {
    key = (await o.vault.createKey(name)).publicKey;
    created = true;
  }
  const auth = { threshold: 1, keys: [{ key, weight: 1 }], accounts: [], waits: [] };
  const action = Action.from(
    {
      account: 'eosio',
      name: 'newaccount',
      authorization: [{ actor: creator, permission: 'active' }],
      data: { creator, name, owner: auth, active: auth },
    },
    eosioSerializer(),
  );
  try {
    const r = await submitUserTransaction({
      vault: o.vault,
      backend: o.backend,
      actions: [action],
      summary: [`create account '${name}' (owner and active: ${key}${created ? ', a new vault key' : ''}), paid by ${creator}@active`],
    });
    return { ...r, key };
  } catch (err) {
    // declined, or refused by the chain: the key made for it would be an orphan in the vault. Kept
    // when the account may exist after all (the push was sent and its answer lost).
    const mayExist = err instanceof DmcsError && pushFailureOf(err) !== 'refused' && pushMayHaveRun(err);
    if (created && !mayExist) await o.vault.discardKey(key).catch(() => undefined);
    throw err;
  }
}
