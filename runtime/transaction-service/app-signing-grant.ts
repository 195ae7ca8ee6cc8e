/**
 * The vault's copy of an app's grant (skv/signing-grant.ts), filled from its manifest at install:
 * the chain of the DMCS it runs on, the contracts and actions of its `dmcs.push` scope, its
 * `maxAmount` per transaction, and — when the user set a session grant — its amount per day and (for
 * a 24 h period) its count per day — and the app's identity (runtime/app-identity), which every request for
 * the app must carry. The vault checks every signature for the app against it, whatever the host asks.
 */
import type { SigningGrant, Vault } from '../../skv/index.js';
import type { Grants, DmcsPushScope } from '../capabilities.js';
import type { SessionGrant } from './session-grants.js';

const DAY_MS = 24 * 3600_000;

/** The signing grant for `app`, or undefined when it asks for no `dmcs.push`. */
export function signingGrantFor(
  app: string,
  grants: Grants,
  chainIds: string[],
  session?: SessionGrant,
  identity?: string,
): SigningGrant | undefined {
  const scope = grants['dmcs.push'] as DmcsPushScope | undefined;
  if (!scope) return undefined;
  const g: SigningGrant = { app, chainIds, contracts: Object.fromEntries(Object.entries(scope.contracts).map(([c, a]) => [c, [...a]])) };
  if (scope.maxAmount) g.maxAmountPerTx = scope.maxAmount;
  // bound to the installed app's identity: an app of the same name but another identity never matches
  if (identity !== undefined) g.identity = identity;
  if (session?.maxAmount) {
    g.maxAmountPerDay = session.maxAmount;
    if (scope.maxAmount && scope.maxAmount.split(' ')[1] !== session.maxAmount.split(' ')[1]) delete g.maxAmountPerDay;
  }
  // The vault counts per UTC day: a session grant of N per 24 h caps the app at N signatures a day.
  if (session && session.periodMs === DAY_MS) g.maxSignaturesPerDay = session.maxCount;
  return g;
}

/** Installs (replaces) the app's signing grant in the vault; the vault's verifier asks the user. */
export async function installSigningGrant(
  vault: Vault,
  app: string,
  grants: Grants,
  chainIds: string[],
  session?: SessionGrant,
  identity?: string,
): Promise<SigningGrant | undefined> {
  const g = signingGrantFor(app, grants, chainIds, session, identity);
  if (g) await vault.setGrant(g);
  return g;
}
