// The dBnk savings contract on an e2e world: pushing actions as any account the world's vault holds
// keys for, and deploying the contract with its eosio.code permission and its terms.
import { join } from 'node:path';
import { Action } from '../../abi/antelope/index.js';
import { deployContract, submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { newAccount, ROOT, type World } from '../e2e/world.js';

export const DBNK_WASM = join(ROOT, 'build/contracts/dbnk/dbnk.wasm');
export const DBNK_ABI = join(ROOT, 'build/contracts/dbnk/dbnk.abi');

export type Act = { account: string; name: string; actor: string; data: Record<string, unknown> };

/** One transaction of `acts`, each authorized by its actor's active permission. */
export async function pushAll(w: World, acts: Act[]): Promise<void> {
  const actions: Action[] = [];
  for (const a of acts) {
    const abi = (await w.backend.getAbi(a.account)).abi as Parameters<typeof Action.from>[1];
    actions.push(
      Action.from({ account: a.account, name: a.name, authorization: [{ actor: a.actor, permission: 'active' }], data: a.data }, abi),
    );
  }
  await submitUserTransaction({ vault: w.vault, backend: w.backend, actions, summary: acts.map((a) => `${a.account}::${a.name}`) });
}

/**
 * Creates `account`, deploys the savings contract there with `account@eosio.code` in its active
 * permission (for the inline payout) next to `key`, and sets its terms (unless `setup: false`).
 */
export async function deploySavings(
  w: World,
  o: { account: string; key: string; funder: string; symbol: string; lockSeconds: number; rateBps: number; setup?: boolean },
): Promise<void> {
  await newAccount(w, o.account, o.key);
  await deployContract({ vault: w.vault, backend: w.backend, account: o.account, wasmPath: DBNK_WASM, abiPath: DBNK_ABI });
  const auth = {
    threshold: 1,
    keys: [{ key: o.key, weight: 1 }],
    accounts: [{ permission: { actor: o.account, permission: 'eosio.code' }, weight: 1 }],
    waits: [],
  };
  await pushAll(w, [
    { account: 'eosio', name: 'updateauth', actor: o.account, data: { account: o.account, permission: 'active', parent: 'owner', auth } },
  ]);
  if (o.setup === false) return;
  await pushAll(w, [
    {
      account: o.account,
      name: 'setup',
      actor: o.account,
      data: { funder: o.funder, symbol: o.symbol, lock_seconds: o.lockSeconds, rate_bps: o.rateBps },
    },
  ]);
}
