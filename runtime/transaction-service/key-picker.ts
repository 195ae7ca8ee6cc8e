/**
 * Picks the vault keys that satisfy every authorization of a transaction, from the permissions the
 * DMCS reports (runtime/session/authority-resolver.ts: get_account, Leap's authority rules).
 */
import { loadPermissionTree, satisfyingKeys, keysNamedBy, namedKeysText, type AccountSource } from '../session/authority-resolver.js';
import { TransactionServiceError } from './transaction-service-error.js';

export async function pickKeys(
  getAccount: AccountSource,
  levels: Array<{ actor: string; permission: string }>,
  vaultKeys: readonly string[],
): Promise<string[]> {
  const picked = new Set<string>();
  const seen = new Set<string>();
  for (const level of levels) {
    const k = `${level.actor}@${level.permission}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const tree = await loadPermissionTree(getAccount, level.actor);
    const keys = satisfyingKeys(tree, level, vaultKeys);
    if (!keys) {
      const named = keysNamedBy(tree, level);
      throw new TransactionServiceError(
        'NO_MATCHING_KEY',
        `none of the vault's ${vaultKeys.length} key(s) satisfies ${k}${named.length ? ` (it names ${namedKeysText(named)})` : ''}; import the account's key with 'peeros key import'`,
      );
    }
    for (const key of keys) picked.add(key);
  }
  return [...picked];
}
