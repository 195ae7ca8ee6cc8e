/**
 * The dialog's "which grant applies" lines. Two grants can concern an app's signature: its session
 * grant (auto-approval by count and amount, kept by the host) and its vault signing grant (the
 * scope the vault itself enforces: chains, contracts, actions, amounts). With a passkey the vault
 * takes no approval the host makes, so a session grant approves nothing by itself any more: the
 * dialog says whether it would have, and that the vault still checks its own grant afterwards.
 */
import type { Asset } from '../../abi/antelope/index.js';
import { USER_APP, type VerificationRequest } from '../../skv/index.js';
import type { SessionGrant } from '../transaction-service/session-grants.js';

export interface GrantFacts {
  request: VerificationRequest;
  session: SessionGrant | undefined;
  remaining: { count: number; amount?: Asset } | undefined;
  /** What the transaction service announced for this digest (amounts it decoded), if anything. */
  announced: { app: string; moved: Map<string, Asset> } | undefined;
  /** Apps holding a vault signing grant. */
  vaultGrants: readonly string[];
}

/** Whether the session grant's remainder covers what the request moves. */
function covers(f: GrantFacts): boolean {
  const left = f.remaining;
  if (!left || left.count <= 0 || !f.announced || f.announced.app !== f.request.app) return false;
  for (const moved of f.announced.moved.values()) {
    if (!left.amount || left.amount.symbol.toString() !== moved.symbol.toString() || moved.units > left.amount.units) return false;
  }
  return true;
}

export function grantLines(f: GrantFacts): string[] {
  const r = f.request;
  if (r.app === USER_APP) return ['you are signing yourself (no app): no grant applies'];
  if (r.purpose !== 'sign') return [`no grant approves a '${r.purpose}' request: only you can`];
  const lines: string[] = [];
  if (!f.session) lines.push('session grant: none');
  else {
    const amount = f.session.maxAmount ? `, ${f.remaining?.amount?.toString() ?? '0'} of ${f.session.maxAmount}` : '';
    lines.push(
      `session grant: ${f.remaining?.count ?? 0} of ${f.session.maxCount} approvals left${amount}; it ${covers(f) ? 'would cover' : 'would not cover'} this request, but with a passkey registered every signature needs your approval here`,
    );
  }
  lines.push(
    f.vaultGrants.includes(r.app)
      ? 'vault signing grant: yes; after your approval the vault still checks this transaction against it (chain, contracts, actions, amounts)'
      : 'vault signing grant: none; the vault will refuse to sign for this app (deny by default)',
  );
  return lines;
}
