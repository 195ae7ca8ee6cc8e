/**
 * `peeros login NAME`: prove control of `NAME@active` on the selected DMCS and persist the session.
 *
 *   read NAME's permissions from the DMCS (get_account, recursively)
 *   → pick the vault keys that satisfy NAME@active (none: NO_MATCHING_KEY, naming the keys needed)
 *   → build a fresh login challenge (login-challenge.ts) and have the vault sign it; the vault's
 *     verifier shows the user what is being approved (a login, on which DMCS)
 *   → recover the keys from the signatures and check, against the authority the DMCS reported,
 *     that they satisfy NAME@active with weights ≥ threshold (PROOF_INVALID otherwise)
 *   → write $PEEROS_HOME/session.json atomically.
 */
import { Signature, PublicKey } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import { USER_APP } from '../../skv/index.js';
import { ACCOUNT_NAME } from '../capabilities.js';
import {
  loadPermissionTree,
  satisfyingKeys,
  keysNamedBy,
  namedKeysText,
  type AccountSource,
  type PermissionTree,
} from './authority-resolver.js';
import { loginChallenge, type LoginChallenge } from './login-challenge.js';
import { SessionError } from './session-error.js';
import { writeSession, type Session } from './session-file.js';

export interface LoginOptions {
  home: string;
  vault: Vault;
  /** get_account on the selected DMCS. */
  getAccount: AccountSource;
  /** The selected DMCS: registry name and chain id. */
  dmcs: { name: string; chainId: string };
  account: string;
  /** Default `active`. */
  permission?: string;
  now?: () => number;
}

export function checkAccountName(name: unknown, what = 'account'): string {
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) {
    throw new SessionError(
      'BAD_ARGUMENT',
      `${what} ${JSON.stringify(name)} is not an Antelope account name (1–12 of a-z, 1-5 and '.', not ending in '.')`,
    );
  }
  return name;
}

/**
 * Checks that `signatures` over the challenge come from keys satisfying the challenge's permission
 * in `tree`. Returns the recovered keys (PUB_K1_…); throws PROOF_INVALID.
 */
export function verifyLoginProof(tree: PermissionTree, challenge: LoginChallenge, signatures: string[], now = Date.now()): string[] {
  if (now > challenge.expiresAt)
    throw new SessionError('PROOF_INVALID', 'the login challenge expired before it was signed; run login again');
  let keys: string[];
  try {
    keys = signatures.map((s) => Signature.from(s).recover(challenge.digest).toString());
  } catch (err) {
    throw new SessionError('PROOF_INVALID', `a login signature does not decode or recover: ${(err as Error).message}`);
  }
  const level = { actor: challenge.account, permission: challenge.permission };
  const used = satisfyingKeys(tree, level, keys);
  if (!used) {
    throw new SessionError(
      'PROOF_INVALID',
      `the login proof was signed by ${keys.join(', ')}, which do not satisfy ${level.actor}@${level.permission} on this DMCS`,
    );
  }
  return used.map((k) => PublicKey.from(k).toString());
}

export async function login(o: LoginOptions): Promise<Session> {
  const account = checkAccountName(o.account);
  const permission = checkAccountName(o.permission ?? 'active', 'permission');
  const now = o.now ?? Date.now;
  const tree = await loadPermissionTree(o.getAccount, account);
  const level = { actor: account, permission };
  const vaultKeys = (await o.vault.listKeys()).map((k) => k.publicKey);
  const keys = satisfyingKeys(tree, level, vaultKeys);
  if (!keys) {
    const needed = keysNamedBy(tree, level);
    throw new SessionError(
      'NO_MATCHING_KEY',
      `none of the vault's ${vaultKeys.length} key(s) satisfies ${account}@${permission} on DMCS '${o.dmcs.name}'` +
        (needed.length ? ` (it names ${namedKeysText(needed)})` : '') +
        `; import the account's private key with 'peeros key import'`,
    );
  }
  const challenge = loginChallenge({ account, permission, chainId: o.dmcs.chainId, dmcs: o.dmcs.name, now: now() });
  const signed = await o.vault.sign({
    chainId: challenge.chainId,
    transaction: challenge.bytes,
    keys,
    app: USER_APP,
    summary: challenge.summary,
  });
  const proven = verifyLoginProof(tree, challenge, signed.signatures, now());
  const session: Session = {
    version: 1,
    account,
    permission,
    dmcs: o.dmcs.name,
    chainId: o.dmcs.chainId,
    keys: proven,
    loggedInAt: new Date(now()).toISOString(),
    proof: { digest: Buffer.from(challenge.digest).toString('hex'), signatures: signed.signatures },
  };
  await writeSession(o.home, session);
  return session;
}
