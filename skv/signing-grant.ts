/**
 * A per-app signing grant: what the vault may sign for one app, whatever the host asks. The runtime
 * fills grants from app manifests (DESIGN §4 `dmcs.push` scope); the vault stores them in the
 * authenticated keystore body and checks every sign request of that app against its grant.
 *
 *   { app: "dpay", chainIds: ["<64 hex>"], contracts: { "dpay.token": ["transfer"] },
 *     maxAmountPerTx: "100.0000 RSN", maxAmountPerDay: "500.0000 RSN" }
 *
 * `contracts` maps a contract account to the action names allowed on it, each by name (`"*"` is
 * refused: the user approves the actions they see). The amount caps apply to token `transfer`
 * actions (from, to, quantity, memo) on the granted contracts; a transfer in another symbol than
 * the cap's is refused while a cap is set. The rule itself is abi/signing-scope.ts, shared with the
 * host's checkpoints.
 */
import { createHash } from 'node:crypto';
import { Asset, Name, normalizeChainId } from '../abi/antelope/index.js';
import { WILDCARD } from '../abi/signing-scope.js';
import { VaultError } from './error.js';
import { TAG_GRANT_DIGEST } from './domain-tags.js';
import { MAX_IDENTITY_LENGTH } from './limits.js';

export interface SigningGrant {
  app: string;
  /** Chain ids (64 lower-case hex) the app may sign for. */
  chainIds: string[];
  /** Contract account → allowed action names (each a name; a stored legacy `"*"` grants nothing). */
  contracts: Record<string, string[]>;
  /** Largest total token amount moved by `transfer` actions in one transaction, e.g. `"100.0000 RSN"`. */
  maxAmountPerTx?: string;
  /** Largest total over one UTC day, same symbol as `maxAmountPerTx` when both are set. */
  maxAmountPerDay?: string;
  /** Largest number of signatures per UTC day (set from a session grant's count). */
  maxSignaturesPerDay?: number;
  /**
   * The installed app's identity (its publisher key, or `unverified:<install id>`): a request for
   * `app` must carry the same, so an app of the same name but another identity never matches.
   */
  identity?: string;
}

/** A daily signature count above this is a typo, not a limit. */
export const MAX_SIGNATURES_PER_DAY = 1_000_000;

/**
 * The principal of the user acting directly (CLI, login, key export): no grant and no scope limit.
 * It starts with '@', which no app id can (APP_RE, and the host's stricter manifest rule), so an app
 * can never be named the user. (Until this changed it was `user`, which an app could be named.)
 */
export const USER_APP = '@user';
/** App identifiers: lower-case words with dots and dashes, like package names. */
const APP_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** App identities: a public key, or `unverified:` and an install id (runtime/app-identity). */
const IDENTITY_RE = new RegExp(`^[A-Za-z0-9_:]{1,${MAX_IDENTITY_LENGTH}}$`);

function bad(message: string): VaultError {
  return new VaultError('INVALID_ARGUMENT', `signing grant: ${message}`);
}

/** An app id or the user principal `@user`: who asks for a signature or a sealed message. */
export function checkAppName(app: unknown, field = 'app'): string {
  if (typeof app !== 'string' || (app !== USER_APP && !APP_RE.test(app))) {
    throw new VaultError(
      'INVALID_ARGUMENT',
      `${field}: expected an app id (lower-case letters, digits, '.', '_', '-', at most 64) or '${USER_APP}', got ${typeof app === 'string' ? JSON.stringify(app.slice(0, 70)) : typeof app}`,
    );
  }
  return app;
}

function checkAsset(value: unknown, field: string): Asset {
  if (typeof value !== 'string') throw bad(`${field}: expected an asset string like "100.0000 RSN"`);
  let a: Asset;
  try {
    a = Asset.from(value);
  } catch {
    throw bad(`${field}: ${JSON.stringify(value)} is not an asset like "100.0000 RSN"`);
  }
  if (a.units < 0n) throw bad(`${field}: must not be negative`);
  return a;
}

/**
 * Validates a grant (from the host or the keystore) and returns it in normal form. A new grant may
 * not hold `"*"`; one stored before the wildcard was refused (`stored`) still opens the keystore,
 * its `"*"` granting nothing (abi/signing-scope.ts), so the user re-grants rather than losing the vault.
 */
export function validateGrant(value: unknown, o: { stored?: boolean } = {}): SigningGrant {
  if (typeof value !== 'object' || value === null) throw bad('expected an object');
  const g = value as Record<string, unknown>;
  for (const k of Object.keys(g)) {
    if (!['app', 'chainIds', 'contracts', 'maxAmountPerTx', 'maxAmountPerDay', 'maxSignaturesPerDay', 'identity'].includes(k))
      throw bad(`unknown field ${JSON.stringify(k)}`);
  }
  const app = checkAppName(g.app, 'signing grant: app');
  if (app === USER_APP) throw bad(`'${USER_APP}' is the user acting directly and cannot be given a grant`);
  if (!Array.isArray(g.chainIds) || g.chainIds.length === 0) throw bad('chainIds: expected a non-empty array of 64-hex chain ids');
  const chainIds = g.chainIds.map((c, i) => {
    const id = normalizeChainId(c);
    if (id === undefined) throw bad(`chainIds[${i}]: expected 64 hex characters`);
    return id;
  });
  if (typeof g.contracts !== 'object' || g.contracts === null || Array.isArray(g.contracts))
    throw bad('contracts: expected { account: [action, …] }');
  // read by own-property lookups only (abi/signing-scope.ts): `constructor` is an account like any other
  const contracts: Record<string, string[]> = {};
  for (const [account, actions] of Object.entries(g.contracts as Record<string, unknown>)) {
    try {
      if (Name.from(account).toString() !== account) throw new Error();
    } catch {
      throw bad(`contracts: ${JSON.stringify(account)} is not an Antelope account name`);
    }
    if (!Array.isArray(actions) || actions.length === 0) throw bad(`contracts.${account}: expected a non-empty array of action names`);
    contracts[account] = actions.map((a, i) => {
      if (a === WILDCARD && o.stored) return a;
      if (a === WILDCARD) throw bad(`contracts.${account}[${i}]: "*" is not allowed; name each action the app may sign (deny by default)`);
      try {
        if (typeof a === 'string' && Name.from(a).toString() === a) return a;
      } catch {
        /* below */
      }
      throw bad(`contracts.${account}[${i}]: ${JSON.stringify(a)} is not an action name`);
    });
  }
  const out: SigningGrant = { app, chainIds, contracts };
  let sym: string | undefined;
  if (g.maxAmountPerTx !== undefined) {
    const a = checkAsset(g.maxAmountPerTx, 'maxAmountPerTx');
    out.maxAmountPerTx = a.toString();
    sym = a.symbol.toString();
  }
  if (g.maxAmountPerDay !== undefined) {
    const a = checkAsset(g.maxAmountPerDay, 'maxAmountPerDay');
    if (sym !== undefined && a.symbol.toString() !== sym)
      throw bad(`maxAmountPerDay (${a.symbol}) and maxAmountPerTx (${sym}) name different symbols`);
    out.maxAmountPerDay = a.toString();
  }
  if (g.maxSignaturesPerDay !== undefined) {
    const n = g.maxSignaturesPerDay;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SIGNATURES_PER_DAY)
      throw bad(`maxSignaturesPerDay: expected an integer from 1 to ${MAX_SIGNATURES_PER_DAY}`);
    out.maxSignaturesPerDay = n;
  }
  if (g.identity !== undefined) {
    if (typeof g.identity !== 'string' || !IDENTITY_RE.test(g.identity))
      throw bad(`identity: expected a public key or 'unverified:<hex>' of at most ${MAX_IDENTITY_LENGTH} characters`);
    out.identity = g.identity;
  }
  return out;
}

/**
 * Whether a request from `app` claiming `identity` may use `grant`. A grant recorded without an
 * identity (before identities existed) matches any; one with an identity matches only that one.
 */
export function grantMatches(grant: SigningGrant, identity: string | undefined): boolean {
  return grant.identity === undefined || grant.identity === identity;
}

/** What the user approves to set a grant: sha256(tag ‖ canonical JSON of the normal form). */
export function grantDigest(grant: SigningGrant): Uint8Array {
  const g = validateGrant(grant);
  const canonical = JSON.stringify({
    app: g.app,
    chainIds: [...g.chainIds].sort(),
    contracts: Object.fromEntries(
      Object.keys(g.contracts)
        .sort()
        .map((k) => [k, [...g.contracts[k]!].sort()]),
    ),
    maxAmountPerTx: g.maxAmountPerTx ?? null,
    maxAmountPerDay: g.maxAmountPerDay ?? null,
    ...(g.maxSignaturesPerDay !== undefined ? { maxSignaturesPerDay: g.maxSignaturesPerDay } : {}),
    ...(g.identity !== undefined ? { identity: g.identity } : {}),
  });
  return new Uint8Array(createHash('sha256').update(TAG_GRANT_DIGEST).update('\0').update(canonical).digest());
}
