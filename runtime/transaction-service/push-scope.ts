/**
 * The host's check of an app's `dmcs.push` grant before anything is built or shown: every action
 * must name a granted contract and action, and the assets the actions move (`quantity` fields, as
 * decoded with the contract's ABI) must stay within `maxAmount` per transaction. The vault checks
 * its own copy of the grant again before signing (skv/signing-scope.ts).
 */
import { Asset } from '../../abi/antelope/index.js';
import type { DmcsPushScope } from '../capabilities.js';
import { TransactionServiceError } from './transaction-service-error.js';

export interface ScopedAction { account: string; name: string; data: unknown }

function denied(app: string, why: string): TransactionServiceError {
  return new TransactionServiceError('CAPABILITY_DENIED', `app '${app}' may not push this: ${why} (outside its dmcs.push grant)`);
}

/** Checks contracts and actions only (before decoding). */
export function checkActionsGranted(app: string, scope: DmcsPushScope | undefined, actions: Array<{ account: string; name: string }>): void {
  if (!scope) throw denied(app, 'it was not granted dmcs.push');
  for (const a of actions) {
    const allowed = Object.prototype.hasOwnProperty.call(scope.contracts, a.account) ? scope.contracts[a.account] : undefined;
    if (!allowed) throw denied(app, `contract '${a.account}' is not granted`);
    if (!allowed.includes(a.name)) throw denied(app, `action '${a.account}::${a.name}' is not granted`);
  }
}

/** The assets moved by the decoded actions (`quantity` fields), summed per symbol. */
export function movedAmounts(actions: ScopedAction[]): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const a of actions) {
    const q = (a.data as { quantity?: unknown } | null)?.quantity;
    if (typeof q !== 'string') continue;
    const asset = Asset.from(q);
    const key = asset.symbol.toString();
    const prev = out.get(key);
    out.set(key, prev ? Asset.fromUnits(prev.units + asset.units, asset.symbol) : asset);
  }
  return out;
}

/** Checks `maxAmount` against the decoded actions. */
export function checkAmountGranted(app: string, scope: DmcsPushScope, actions: ScopedAction[]): void {
  if (!scope.maxAmount) return;
  const cap = Asset.from(scope.maxAmount);
  for (const [sym, moved] of movedAmounts(actions)) {
    if (sym !== cap.symbol.toString()) throw denied(app, `it moves ${moved}, but its grant caps ${cap.symbol.code} only`);
    if (moved.units > cap.units) throw denied(app, `it moves ${moved}, above its cap of ${cap} per transaction`);
  }
}
