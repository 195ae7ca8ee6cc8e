/**
 * Which keys satisfy `actor@permission`, as the DMCS reports the account's permissions
 * (get_account). The permission tree is fetched first (the account, then every account its
 * authorities name, to Antelope's depth of 6 and at most `MAX_AUTHORITY_ACCOUNTS`), then the
 * protocol's synchronous `AuthorityChecker` (abi/antelope/authority-checker.ts, Leap's rules:
 * weights, thresholds, account permissions), the one the node uses too, decides, so host and node
 * cannot disagree.
 *
 * Used twice: to pick the vault keys that satisfy a permission (login, the transaction service), and to
 * verify a login proof (the keys recovered from the signatures must satisfy the permission).
 * Waits are never satisfied (no delayed transactions). `owner` satisfies `active`, as on chain.
 */
import { AuthorityChecker, MAX_AUTHORITY_DEPTH, PublicKey, keyIdOf, keyIdToString, type Authority } from '../../abi/antelope/index.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { SessionError } from './session-error.js';
import { MAX_AUTHORITY_ACCOUNTS } from './limits.js';

/** get_account of one account (a backend, the hybrid API, or a test double). */
export type AccountSource = (account: string) => Promise<Record<string, unknown>>;

export interface PermissionLevel {
  actor: string;
  permission: string;
}

interface PermissionJson {
  perm_name: string;
  parent: string;
  required_auth: {
    threshold: number;
    keys: Array<{ key: string; weight: number }>;
    accounts: Array<{ permission: { actor: string; permission: string }; weight: number }>;
    waits: Array<{ wait_sec: number; weight: number }>;
  };
}

/** The permissions of the accounts involved, by `actor@permission`, with key ids. */
export class PermissionTree {
  readonly #auth = new Map<string, Authority>();
  readonly #parent = new Map<string, string>();

  lookup = (actor: string, permission: string): Authority | undefined => this.#auth.get(`${actor}@${permission}`);

  parentOf(actor: string, permission: string): string | undefined {
    const p = this.#parent.get(`${actor}@${permission}`);
    return p ? p : undefined;
  }

  has(actor: string): boolean {
    for (const k of this.#auth.keys()) if (k.startsWith(`${actor}@`)) return true;
    return false;
  }

  add(account: string, reply: Record<string, unknown>): Array<{ actor: string; permission: string }> {
    const perms = reply.permissions;
    if (!Array.isArray(perms)) throw new SessionError('AUTHORITY_UNRESOLVED', `get_account of ${account} has no permissions list`);
    const referenced: Array<{ actor: string; permission: string }> = [];
    for (const p of perms as PermissionJson[]) {
      const a = p.required_auth;
      const keys = a.keys.map((k) => {
        try {
          return { key: keyIdOf(PublicKey.from(k.key)), weight: k.weight };
        } catch {
          return { key: `unparsable:${k.key}`, weight: k.weight };
        }
      });
      this.#auth.set(`${account}@${p.perm_name}`, { threshold: a.threshold, keys, accounts: a.accounts, waits: a.waits });
      this.#parent.set(`${account}@${p.perm_name}`, p.parent);
      for (const x of a.accounts) referenced.push(x.permission);
    }
    return referenced;
  }
}

/** Fetches `account`'s permissions and those of every account they name (bounded). */
export async function loadPermissionTree(source: AccountSource, account: string): Promise<PermissionTree> {
  const tree = new PermissionTree();
  let frontier = [account];
  const seen = new Set<string>();
  for (let depth = 0; depth <= MAX_AUTHORITY_DEPTH && frontier.length; depth++) {
    const next: string[] = [];
    for (const name of frontier) {
      if (seen.has(name)) continue;
      if (seen.size >= MAX_AUTHORITY_ACCOUNTS) {
        throw new SessionError(
          'AUTHORITY_UNRESOLVED',
          `the authority of ${account} names more than ${MAX_AUTHORITY_ACCOUNTS} accounts; the host does not resolve it`,
        );
      }
      seen.add(name);
      let reply: Record<string, unknown>;
      try {
        reply = await source(name);
      } catch (err) {
        if (err instanceof DmcsError && err.code === 'REJECTED') {
          if (name === account)
            throw new SessionError(
              'UNKNOWN_ACCOUNT',
              `account '${account}' does not exist on this DMCS; create it with 'peeros account create ${account}'`,
              { cause: err },
            );
          continue; // a named account that is gone satisfies nothing
        }
        throw err;
      }
      for (const r of tree.add(name, reply)) next.push(r.actor);
    }
    frontier = next;
  }
  return tree;
}

/** The levels tried for `level`: itself, then its parents (owner satisfies active). */
function candidates(tree: PermissionTree, level: PermissionLevel): PermissionLevel[] {
  const out: PermissionLevel[] = [];
  let perm: string | undefined = level.permission;
  for (let i = 0; perm && i < 8; i++) {
    out.push({ actor: level.actor, permission: perm });
    perm = tree.parentOf(level.actor, perm);
  }
  return out;
}

/**
 * The subset of `available` (public keys in any Antelope form) whose signatures satisfy `level`,
 * heaviest first as Leap tallies them; undefined when they cannot.
 */
export function satisfyingKeys(tree: PermissionTree, level: PermissionLevel, available: readonly string[]): string[] | undefined {
  const byId = new Map<string, string>();
  for (const k of available) {
    try {
      byId.set(keyIdOf(PublicKey.from(k)), k);
    } catch {
      /* not a key: ignore */
    }
  }
  if (!tree.lookup(level.actor, level.permission)) {
    throw new SessionError('UNKNOWN_ACCOUNT', `permission ${level.actor}@${level.permission} does not exist on this DMCS`);
  }
  for (const c of candidates(tree, level)) {
    const checker = new AuthorityChecker(tree.lookup, new Set(byId.keys()));
    let ok = false;
    try {
      ok = checker.satisfied(c);
    } catch {
      ok = false;
    }
    if (ok) return [...checker.usedKeys].map((id) => byId.get(id)!);
  }
  return undefined;
}

/** The keys `level` names directly (for error messages: "it needs one of …"). */
export function keysNamedBy(tree: PermissionTree, level: PermissionLevel): string[] {
  const a = tree.lookup(level.actor, level.permission);
  if (!a) return [];
  return a.keys.map((k) => (k.key.startsWith('unparsable:') ? k.key.slice(11) : keyIdToString(k.key)));
}
