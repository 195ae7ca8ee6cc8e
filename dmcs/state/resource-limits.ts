/**
 * Per-account resource limits set by a privileged contract (`set_resource_limits`, Leap's
 * `resource_limits_manager::set_account_limits`): RAM in bytes, NET and CPU as staked weights;
 * -1 means unlimited, the default of every account. Changes are undoable with the transaction.
 */
import type { UndoLog } from './undo-log.js';

export interface AccountResourceLimits {
  readonly ramBytes: bigint;
  readonly netWeight: bigint;
  readonly cpuWeight: bigint;
}

export const UNLIMITED: AccountResourceLimits = { ramBytes: -1n, netWeight: -1n, cpuWeight: -1n };

function isUnlimited(l: AccountResourceLimits): boolean {
  return l.ramBytes === -1n && l.netWeight === -1n && l.cpuWeight === -1n;
}

export class ResourceLimits {
  private readonly byAccount = new Map<string, AccountResourceLimits>();
  /**
   * @param changing called before the limits of an account change, and again before an undo puts
   *   them back: the state marks the account for the digest and a running snapshot capture saves it.
   */
  constructor(
    private readonly undo: UndoLog,
    private readonly changing: (account: string) => void = () => {},
  ) {}

  get(account: string): AccountResourceLimits {
    return this.byAccount.get(account) ?? UNLIMITED;
  }

  /** The account's limits when they are not the default (all -1), else undefined. */
  find(account: string): AccountResourceLimits | undefined {
    return this.byAccount.get(account);
  }

  /** Sets an account's limits; all -1 is the default and is not stored (Leap has no "unset"). */
  set(account: string, limits: AccountResourceLimits): void {
    this.changing(account); // first: with a store, this reads the account (and its limits) back
    const old = this.byAccount.get(account);
    if (isUnlimited(limits)) this.byAccount.delete(account);
    else this.byAccount.set(account, limits);
    this.undo.record(() => {
      this.changing(account);
      if (old) this.byAccount.set(account, old);
      else this.byAccount.delete(account);
    });
  }

  /**
   * An account's limits as read back from the state store with the account (no undo, no mark: the
   * state already holds them; the store is their home for accounts not read since the start).
   */
  loaded(account: string, limits: AccountResourceLimits | null): void {
    if (limits) this.byAccount.set(account, limits);
    else this.byAccount.delete(account);
  }

  /** Accounts with limits other than the default, by name. */
  entries(): Array<[string, AccountResourceLimits]> {
    return [...this.byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
