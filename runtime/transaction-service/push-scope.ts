/**
 * The push service's checkpoint of an app's `dmcs.push` grant, before anything is built or shown:
 * contracts and action names first (on the app's raw actions), then — once the actions are
 * serialized with the contract's ABI — the whole signing-scope rule on those bytes, `maxAmount`
 * included. The rule is abi/signing-scope.ts, the same one the ISA call and the vault apply
 * (skv/signing-scope.ts checks its own copy of the grant again before signing); this file only
 * turns its verdict into this service's error.
 */
import { Asset, type Action } from '../../abi/antelope/index.js';
import { tokenTransferQuantity } from '../../abi/antelope/token-transfer.js';
import { actionsInScope, transactionInScope, type ScopeAction, type ScopeVerdict } from '../../abi/signing-scope.js';
import { pushSigningScope, type DmcsPushScope } from '../capabilities.js';
import { TransactionServiceError } from './transaction-service-error.js';

export interface ScopedAction {
  account: string;
  name: string;
  /** The arguments as the contract's ABI (from the DMCS) decodes them. */
  data: unknown;
  /** The serialized arguments: what is signed, and what the contract reads. */
  bytes?: Uint8Array;
}

function denied(app: string, why: string): TransactionServiceError {
  return new TransactionServiceError('CAPABILITY_DENIED', `app '${app}' may not push this: ${why} (outside its dmcs.push grant)`);
}

function enforce(app: string, verdict: ScopeVerdict): void {
  if (!verdict.ok) throw denied(app, verdict.reason);
}

/** Checks contracts and actions only (before encoding). */
export function checkActionsGranted(
  app: string,
  scope: DmcsPushScope | undefined,
  actions: ReadonlyArray<{ account: string; name: string }>,
): void {
  if (!scope) throw denied(app, 'it was not granted dmcs.push');
  enforce(app, actionsInScope(pushSigningScope(scope), actions));
}

/** Checks the whole rule, `maxAmount` included, against the actions as serialized for signing. */
export function checkAmountGranted(app: string, scope: DmcsPushScope, actions: readonly Action[]): void {
  const view: ScopeAction[] = actions.map((a) => ({ account: a.account.toString(), name: a.name.toString(), data: a.data }));
  enforce(app, transactionInScope(pushSigningScope(scope), view));
}

/**
 * What the actions move, summed per symbol, for the session-grant policy (it decides only whether
 * the user is asked, never whether the vault may sign). It errs towards asking: every asset-valued
 * `quantity` field of the decoded data counts, and so does every `transfer`'s quantity read from its
 * bytes (the one the vault counts), since the decoded names come from an ABI the DMCS serves — one
 * naming transfer's amount `amount` moved tokens under a grant that approves no transfer of value.
 */
export function movedAmounts(actions: ScopedAction[]): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const add = (asset: Asset) => {
    const key = asset.symbol.toString();
    const prev = out.get(key);
    out.set(key, prev ? Asset.fromUnits(prev.units + asset.units, asset.symbol) : asset);
  };
  for (const a of actions) {
    const moved = a.name === 'transfer' && a.bytes ? tokenTransferQuantity(a.bytes) : null;
    if (moved) add(moved);
    const q = (a.data as { quantity?: unknown } | null)?.quantity;
    if (typeof q !== 'string') continue;
    const asset = Asset.from(q);
    if (!moved?.equals(asset)) add(asset); // the same bytes, decoded twice, count once
  }
  return out;
}
