/**
 * The vault's checkpoint of an app's signing grant on one transaction: the chain id must be granted,
 * then the one signing-scope rule (abi/signing-scope.ts, shared with the host's two checkpoints)
 * decides on every action, context-free ones too — contracts and action names, and the `transfer`
 * amounts against the per-transaction cap — and then the vault alone, which keeps the day's ledger,
 * checks the per-day cap and signature count. Anything the vault cannot decode is refused when a
 * cap applies — a scope is checked, never assumed.
 */
import { Asset } from '../abi/antelope/index.js';
import { formatUnits, transactionInScope } from '../abi/signing-scope.js';
import { VaultError } from './error.js';
import type { SigningGrant } from './signing-grant.js';
import { transactionActions } from './transaction-actions.js';

/** Amount moved today by one app, per UTC day. */
export interface DailySpend {
  day: string;
  units: bigint;
  symbol: string /** Signatures today (grants with maxSignaturesPerDay). */;
  count?: number;
}

export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function denied(app: string, why: string): VaultError {
  return new VaultError(
    'SCOPE_DENIED',
    `app '${app}' may not sign this transaction: ${why} (outside its signing grant; change the grant to allow it)`,
  );
}

/**
 * Throws SCOPE_DENIED when the transaction is outside `grant`; otherwise returns the amount this
 * transaction adds to the app's daily spend (units of the capped symbol), to be recorded once signed.
 */
export function checkScope(
  grant: SigningGrant,
  chainIdHex: string,
  packed: Uint8Array,
  spent: DailySpend | undefined,
  now: number,
): DailySpend | null {
  const app = grant.app;
  if (!grant.chainIds.includes(chainIdHex)) throw denied(app, `chain ${chainIdHex.slice(0, 16)}… is not granted`);
  const verdict = transactionInScope(grant, transactionActions(packed));
  if (!verdict.ok) throw denied(app, verdict.reason);
  const total = verdict.moved;
  const capTx = grant.maxAmountPerTx !== undefined ? Asset.from(grant.maxAmountPerTx) : undefined;
  const capDay = grant.maxAmountPerDay !== undefined ? Asset.from(grant.maxAmountPerDay) : undefined;
  const cap = capTx ?? capDay;
  const today = utcDay(now);
  const countBefore = spent && spent.day === today ? (spent.count ?? 0) : 0;
  const maxCount = grant.maxSignaturesPerDay;
  if (maxCount !== undefined && countBefore + 1 > maxCount) {
    throw denied(app, `it already has ${countBefore} signature(s) today, its daily limit is ${maxCount}`);
  }
  const counted = maxCount !== undefined ? { count: countBefore + 1 } : {};
  if (!cap) {
    return maxCount !== undefined
      ? { day: today, units: spent && spent.day === today ? spent.units : 0n, symbol: spent?.symbol ?? '', ...counted }
      : null;
  }
  const day = utcDay(now);
  const symbol = cap.symbol.toString();
  const before = spent && spent.day === day && spent.symbol === symbol ? spent.units : 0n;
  if (capDay && before + total > capDay.units) {
    throw denied(app, `today's transfers would reach ${formatUnits(before + total, capDay.symbol)}, above the daily cap ${capDay}`);
  }
  return { day, units: before + total, symbol, ...counted };
}
