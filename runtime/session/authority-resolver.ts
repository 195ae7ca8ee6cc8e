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
import {
  AuthorityChecker,
  MAX_AUTHORITY_DEPTH,
  isCanonicalName,
  keyIdOfText,
  keyIdToString,
  type Authority,
} from '../../abi/antelope/index.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { SessionError } from './session-error.js';
import { MAX_AUTHORITY_ACCOUNTS, MAX_AUTHORITY_ENTRIES, MAX_NAMED_KEYS } from './limits.js';

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

/** A non-empty name's canonical text (what a DMCS's JSON must hold where a name goes). */
const isName = (v: unknown): v is string => v !== '' && isCanonicalName(v);

const isWeight = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One permission of a get_account reply, checked field by field (the DMCS is not trusted to answer
 * Leap's shape); the reason it is not one, or undefined.
 */
function malformed(p: unknown): string | undefined {
  if (!isRecord(p)) return 'is not an object';
  if (!isName(p.perm_name)) return 'has no perm_name name';
  if (p.parent !== '' && !isName(p.parent)) return 'has no parent name';
  const a = p.required_auth;
  if (!isRecord(a) || !isWeight(a.threshold)) return 'has no required_auth with a threshold';
  if (!Array.isArray(a.keys) || !Array.isArray(a.accounts) || !Array.isArray(a.waits)) return 'has no keys, accounts and waits lists';
  for (const k of a.keys as unknown[]) if (!isRecord(k) || typeof k.key !== 'string' || !isWeight(k.weight)) return 'has a malformed key';
  for (const x of a.accounts as unknown[]) {
    const level = isRecord(x) ? x.permission : undefined;
    if (!isRecord(x) || !isWeight(x.weight) || !isRecord(level) || !isName(level.actor) || !isName(level.permission))
      return 'has a malformed account';
  }
  for (const w of a.waits as unknown[]) if (!isRecord(w) || !isWeight(w.wait_sec) || !isWeight(w.weight)) return 'has a malformed wait';
  return undefined;
}

/** The permissions of the accounts involved, by `actor@permission`, with key ids. */
export class PermissionTree {
  readonly #auth = new Map<string, Authority>();
  readonly #parent = new Map<string, string>();
  /** Permissions, keys, accounts and waits read so far (MAX_AUTHORITY_ENTRIES). */
  #entries = 0;

  lookup = (actor: string, permission: string): Authority | undefined => this.#auth.get(`${actor}@${permission}`);

  parentOf(actor: string, permission: string): string | undefined {
    const p = this.#parent.get(`${actor}@${permission}`);
    return p ? p : undefined;
  }

  has(actor: string): boolean {
    for (const k of this.#auth.keys()) if (k.startsWith(`${actor}@`)) return true;
    return false;
  }

  /**
   * Adds `account`'s permissions from its get_account `reply`: every entry checked and counted
   * before any key is parsed, so a malformed or oversized reply is AUTHORITY_UNRESOLVED at once.
   */
  add(account: string, reply: Record<string, unknown>): Array<{ actor: string; permission: string }> {
    const perms: unknown = reply.permissions;
    if (!Array.isArray(perms)) throw new SessionError('AUTHORITY_UNRESOLVED', `get_account of ${account} has no permissions list`);
    // counted first: the lengths cost nothing to read, the entries' checks and key parsing do
    let entries = this.#entries + perms.length;
    for (const p of perms as unknown[]) {
      const a = isRecord(p) && isRecord(p.required_auth) ? p.required_auth : undefined;
      for (const list of [a?.keys, a?.accounts, a?.waits]) if (Array.isArray(list)) entries += list.length;
    }
    if (entries > MAX_AUTHORITY_ENTRIES)
      throw new SessionError(
        'AUTHORITY_UNRESOLVED',
        `the authority of ${account} holds more than ${MAX_AUTHORITY_ENTRIES} permissions, keys, accounts and waits; the host does not resolve it`,
      );
    this.#entries = entries;
    for (const [i, p] of (perms as unknown[]).entries()) {
      const why = malformed(p);
      if (why)
        throw new SessionError('AUTHORITY_UNRESOLVED', `get_account of ${account}: permission ${i} ${why}; the DMCS's reply is not usable`);
    }
    const referenced: Array<{ actor: string; permission: string }> = [];
    for (const p of perms as PermissionJson[]) {
      const a = p.required_auth;
      const keys = a.keys.map((k) => {
        try {
          return { key: keyIdOfText(k.key), weight: k.weight };
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
      byId.set(keyIdOfText(k), k);
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

/** `keys` for a message: the first MAX_NAMED_KEYS (each cut; a DMCS chose them), then how many more. */
export function namedKeysText(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_NAMED_KEYS).map((k) => (k.length > 80 ? `${k.slice(0, 80)}…` : k));
  return keys.length > MAX_NAMED_KEYS ? `${shown.join(', ')} and ${keys.length - MAX_NAMED_KEYS} more` : shown.join(', ');
}
