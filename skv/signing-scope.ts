/**
 * Enforces an app's signing grant on one transaction, inside the vault: the chain id must be granted,
 * every action (context-free ones too) must name a granted contract and action, and the token amounts
 * moved by `transfer` actions must stay under the per-transaction and per-day caps. Anything the
 * vault cannot decode is refused when a cap applies — a scope is checked, never assumed.
 */
import { Asset } from '../abi/antelope/index.js';
import { VaultError } from './error.js';
import type { SigningGrant } from './signing-grant.js';
import { transactionActions, decodeTransfer } from './transaction-actions.js';

/** Amount moved today by one app, per UTC day. */
export interface DailySpend { day: string; units: bigint; symbol: string; /** Signatures today (grants with maxSignaturesPerDay). */ count?: number }

export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function denied(app: string, why: string): VaultError {
  return new VaultError('SCOPE_DENIED', `app '${app}' may not sign this transaction: ${why} (outside its signing grant; change the grant to allow it)`);
}

/**
 * Throws SCOPE_DENIED when the transaction is outside `grant`; otherwise returns the amount this
 * transaction adds to the app's daily spend (units of the capped symbol), to be recorded once signed.
 */
export function checkScope(grant: SigningGrant, chainIdHex: string, packed: Uint8Array, spent: DailySpend | undefined, now: number): DailySpend | null {
  const app = grant.app;
  if (!grant.chainIds.includes(chainIdHex)) throw denied(app, `chain ${chainIdHex.slice(0, 16)}… is not granted`);
  const actions = transactionActions(packed);
  if (actions.length === 0) throw denied(app, 'the transaction has no actions');
  const capTx = grant.maxAmountPerTx !== undefined ? Asset.from(grant.maxAmountPerTx) : undefined;
  const capDay = grant.maxAmountPerDay !== undefined ? Asset.from(grant.maxAmountPerDay) : undefined;
  const cap = capTx ?? capDay;
  let total = 0n;
  for (const a of actions) {
    const allowed = grant.contracts[a.account];
    if (!allowed) throw denied(app, `contract '${a.account}' is not granted`);
    if (!allowed.includes('*') && !allowed.includes(a.name)) throw denied(app, `action '${a.account}::${a.name}' is not granted`);
    if (cap && a.name === 'transfer') {
      const t = decodeTransfer(a.data);
      if (!t) throw denied(app, `'${a.account}::transfer' data is not a token transfer, so its amount cannot be checked against the cap`);
      if (!t.quantity.symbol.equals(cap.symbol)) throw denied(app, `transfer of ${t.quantity.symbol.code} while the grant caps ${cap.symbol.code}`);
      if (t.quantity.units < 0n) throw denied(app, 'negative transfer amount');
      total += t.quantity.units;
    }
  }
  const today = utcDay(now);
  const countBefore = spent && spent.day === today ? spent.count ?? 0 : 0;
  const maxCount = grant.maxSignaturesPerDay;
  if (maxCount !== undefined && countBefore + 1 > maxCount) {
    throw denied(app, `it already has ${countBefore} signature(s) today, its daily limit is ${maxCount}`);
  }
  const counted = maxCount !== undefined ? { count: countBefore + 1 } : {};
  if (!cap) {
    return maxCount !== undefined ? { day: today, units: spent && spent.day === today ? spent.units : 0n, symbol: spent?.symbol ?? '', ...counted } : null;
  }
  if (capTx && total > capTx.units) throw denied(app, `transfers total ${Asset.fromUnits(total, capTx.symbol)}, above the per-transaction cap ${capTx}`);
  const day = utcDay(now);
  const symbol = cap.symbol.toString();
  const before = spent && spent.day === day && spent.symbol === symbol ? spent.units : 0n;
  if (capDay && before + total > capDay.units) {
    throw denied(app, `today's transfers would reach ${Asset.fromUnits(before + total, capDay.symbol)}, above the daily cap ${capDay}`);
  }
  return { day, units: before + total, symbol, ...counted };
}
