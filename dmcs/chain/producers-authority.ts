/**
 * The `eosio.prods` account, whose permissions follow the active producer schedule exactly as Leap
 * computes them (controller.cpp `initialize_database` and `update_producers_authority`): at genesis
 * `eosio.null` and `eosio.prods` exist with an unsatisfiable owner, `eosio.prods@active` = eosio@active,
 * and `prod.major` (child of active) and `prod.minor` (child of prod.major) the same; whenever a new
 * schedule of N producers becomes active, each permission becomes "threshold T of the producers'
 * `active` permissions, weight 1 each": active T = N·2/3+1 (15 of 21), prod.major N/2+1 (11 of 21),
 * prod.minor N/3+1 (8 of 21).
 */
import type { Authority } from '../authority.js';
import type { ChainState } from '../state/chain-state.js';
import type { Schedule } from '../state/producer-schedule.js';

export const PRODUCERS_ACCOUNT = 'eosio.prods';
export const NULL_ACCOUNT = 'eosio.null';
export const MAJORITY_PERMISSION = 'prod.major';
export const MINORITY_PERMISSION = 'prod.minor';

const EMPTY: Authority = { threshold: 1, keys: [], accounts: [], waits: [] };
const SYSTEM_ACTIVE: Authority = {
  threshold: 1,
  keys: [],
  accounts: [{ permission: { actor: 'eosio', permission: 'active' }, weight: 1 }],
  waits: [],
};

/** Leap's genesis accounts besides `eosio` (call once, right after `eosio` exists, outside a transaction). */
export function createGovernanceAccounts(state: ChainState, genesisMs: number): void {
  state.createAccount(NULL_ACCOUNT, EMPTY, EMPTY, genesisMs, true);
  const prods = state.createAccount(PRODUCERS_ACCOUNT, EMPTY, SYSTEM_ACTIVE, genesisMs, true);
  state.setPermission(prods, { name: MAJORITY_PERMISSION, parent: 'active', auth: SYSTEM_ACTIVE, lastUpdated: genesisMs });
  state.setPermission(prods, { name: MINORITY_PERMISSION, parent: MAJORITY_PERMISSION, auth: SYSTEM_ACTIVE, lastUpdated: genesisMs });
}

/** Leap `update_producers_authority` for `schedule` (accounts sorted by name, as Leap's authority keeps them). */
export function updateProducersAuthority(state: ChainState, schedule: Schedule, timeMs: number): void {
  const prods = state.getAccount(PRODUCERS_ACCOUNT);
  if (!prods) return;
  const n = schedule.producers.length;
  const names = schedule.producers.map((p) => p.producerName).sort();
  const authority = (threshold: number): Authority => ({
    threshold,
    keys: [],
    accounts: names.map((actor) => ({ permission: { actor, permission: 'active' }, weight: 1 })),
    waits: [],
  });
  const set = (name: string, threshold: number) => {
    const old = prods.permissions.get(name);
    if (!old) return;
    const auth = authority(threshold);
    if (JSON.stringify(old.auth) === JSON.stringify(auth)) return;
    state.setPermission(prods, { ...old, auth, lastUpdated: timeMs });
  };
  set('active', Math.floor((n * 2) / 3) + 1);
  set(MAJORITY_PERMISSION, Math.floor(n / 2) + 1);
  set(MINORITY_PERMISSION, Math.floor(n / 3) + 1);
}
