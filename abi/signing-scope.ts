/**
 * The one answer to "may this grant sign these actions?", asked at three checkpoints that each keep
 * their own error (defence in depth): the ISA call in the app's worker (runtime/isa/dmcs.ts, names
 * only — it has no ABI), the push service before anything is shown (runtime/transaction-service/push-scope.ts)
 * and the vault before it signs (skv/signing-scope.ts). The rule, deny by default (docs/vault.md):
 *
 * - every action must name a granted contract and one of the action names granted on it. A grant
 *   lists names: `"*"` grants nothing (the user approves the actions they were shown, and a wildcard
 *   on a token contract would hand over `issue`, `retire` and whatever else the contract adds later);
 * - contracts are looked up as own properties, so `constructor` or `tostring` are account names like
 *   any other, never something inherited from `Object.prototype`;
 * - under an amount cap, the amount is the sum of the `quantity` of every `transfer` action, read
 *   from the token transfer layout (from, to, quantity, memo) without an ABI — the only value
 *   movement every checkpoint can read from the bytes that are signed. A `transfer` that does not
 *   decode as one, moves another symbol (or precision) than the cap's, or is negative is refused.
 *   Other granted actions do not count: a `quantity` field of another action need not be value,
 *   and what an action moves in its contract's own terms cannot be read without running it — the
 *   grant names such actions one by one, so the user saw each.
 *
 * Names are checked for every action before any amount, so the answer and its reason do not depend
 * on which checkpoint sees the amounts.
 */
import { Asset } from './antelope/asset.js';
import type { AssetSymbol } from './antelope/symbol.js';
import { decodeTokenTransfer } from './antelope/token-transfer.js';

/** What a grant allows, in the terms all three checkpoints share. */
export interface SigningScope {
  /** Contract account → granted action names (`"*"` is not a name and grants nothing). */
  readonly contracts: Readonly<Record<string, readonly string[]>>;
  /** Largest total of `transfer` quantities in one transaction, e.g. `"100.0000 RSN"`. */
  readonly maxAmountPerTx?: string | undefined;
  /**
   * A daily cap (vault only, which keeps the day's total): here only its symbol matters — under
   * any cap, transfers must be in the cap's symbol and decodable, so the vault can count them.
   */
  readonly maxAmountPerDay?: string | undefined;
}

/** An action as the checkpoints see it; `data` is the serialized arguments (absent: names only). */
export interface ScopeAction {
  readonly account: string;
  readonly name: string;
  readonly data?: Uint8Array;
}

export type ScopeVerdict =
  | { readonly ok: true /** Units of the cap's symbol the transfers move (0n without a cap). */; readonly moved: bigint }
  | { readonly ok: false /** Why not, in words that fit after "may not sign this: ". */; readonly reason: string };

/** The action name that used to mean "any action"; it now grants nothing, and matches nothing. */
export const WILDCARD = '*';

const allow = (moved: bigint): ScopeVerdict => ({ ok: true, moved });
const deny = (reason: string): ScopeVerdict => ({ ok: false, reason });

/** The granted action names of `account`, own properties only; undefined when it is not granted. */
export function grantedActions(scope: SigningScope, account: string): readonly string[] | undefined {
  if (!Object.hasOwn(scope.contracts, account)) return undefined;
  const actions = scope.contracts[account];
  return Array.isArray(actions) ? actions : undefined;
}

/** Contracts and action names only: what can be checked before the arguments are serialized. */
export function actionsInScope(scope: SigningScope, actions: ReadonlyArray<Pick<ScopeAction, 'account' | 'name'>>): ScopeVerdict {
  if (actions.length === 0) return deny('the transaction has no actions');
  for (const a of actions) {
    const allowed = grantedActions(scope, a.account);
    if (!allowed) return deny(`contract '${a.account}' is not granted`);
    if (a.name === WILDCARD || !allowed.includes(a.name)) return deny(`action '${a.account}::${a.name}' is not granted`);
  }
  return allow(0n);
}

/** The whole rule: names, then the amounts of `transfer` actions against the cap. */
export function transactionInScope(scope: SigningScope, actions: readonly ScopeAction[]): ScopeVerdict {
  const names = actionsInScope(scope, actions);
  if (!names.ok) return names;
  const capTx = scope.maxAmountPerTx !== undefined ? Asset.from(scope.maxAmountPerTx) : undefined;
  const capDay = scope.maxAmountPerDay !== undefined ? Asset.from(scope.maxAmountPerDay) : undefined;
  const cap = capTx ?? capDay;
  if (!cap) return allow(0n);
  let total = 0n;
  for (const a of actions) {
    if (a.name !== 'transfer') continue;
    const t = a.data ? decodeTokenTransfer(a.data) : null;
    if (!t)
      return deny(
        `'${a.account}::transfer' data is not a token transfer (from, to, quantity, memo), so its amount cannot be checked against the cap`,
      );
    if (!t.quantity.symbol.equals(cap.symbol))
      return deny(`it transfers ${t.quantity}, but its cap is in ${cap.symbol.code} with ${cap.symbol.precision} decimals (${cap})`);
    if (t.quantity.units < 0n) return deny(`it transfers a negative amount (${t.quantity})`);
    total += t.quantity.units;
  }
  if (capTx && total > capTx.units)
    return deny(`its transfers total ${formatUnits(total, capTx.symbol)}, above its cap of ${capTx} per transaction`);
  return allow(total);
}

/** `units` in `symbol`, like Asset#toString but for sums past an asset's range (1000 maximal transfers). */
export function formatUnits(units: bigint, symbol: AssetSymbol): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(symbol.precision + 1, '0');
  const whole = digits.slice(0, digits.length - symbol.precision);
  const frac = symbol.precision > 0 ? `.${digits.slice(digits.length - symbol.precision)}` : '';
  return `${sign}${whole}${frac} ${symbol.code}`;
}
