/**
 * How a store package's signing key relates to the account that published it: a key of one of the
 * account's own permissions (then the publisher account and the package identity are one party), or
 * not (the account vouches for the package by its hash only; its identity is the signing key). Shown
 * to the user before the consent; informational, never a reason to install something else.
 */
import { PublicKey } from '../../abi/antelope/index.js';
import type { DmcsBackend } from '../dispatch/index.js';

/** Permissions read at most: an account has a handful; a hostile reply is cut here. */
const MAX_PERMISSIONS = 64;

function normal(key: unknown): string | undefined {
  try {
    return PublicKey.from(key as string).toString();
  } catch {
    return undefined;
  }
}

/** The permissions of `account` whose authority lists `publicKey` directly (e.g. ['active', 'owner']). */
export async function permissionsWithKey(backend: Pick<DmcsBackend, 'getAccount'>, account: string, publicKey: string): Promise<string[]> {
  const want = normal(publicKey);
  const reply = await backend.getAccount(account);
  const perms = Array.isArray(reply.permissions) ? reply.permissions.slice(0, MAX_PERMISSIONS) : [];
  const out: string[] = [];
  for (const p of perms as Array<{ perm_name?: unknown; required_auth?: { keys?: unknown } }>) {
    const keys = Array.isArray(p?.required_auth?.keys) ? (p.required_auth.keys as Array<{ key?: unknown }>) : [];
    if (typeof p.perm_name === 'string' && keys.some((k) => normal(k?.key) === want)) out.push(p.perm_name);
  }
  return out;
}

/** One line for the user about the package's signer and the publisher account. */
export async function describePublisherKey(
  backend: Pick<DmcsBackend, 'getAccount'>,
  account: string,
  publicKey: string | undefined,
): Promise<string> {
  if (!publicKey) return `the package is unsigned: it installs as "unverified"; only ${account}'s registry row vouches for it`;
  let perms: string[];
  try {
    perms = await permissionsWithKey(backend, account, publicKey);
  } catch {
    return `signed by ${publicKey}; the keys of ${account} could not be read to compare`;
  }
  return perms.length
    ? `signed by ${publicKey}, a key of ${perms.map((p) => `${account}@${p}`).join(', ')}`
    : `signed by ${publicKey}, which is not a key of ${account}: ${account} vouches for the package by its hash; its identity is that key`;
}
