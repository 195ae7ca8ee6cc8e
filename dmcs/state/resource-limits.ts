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

export class ResourceLimits {
  private readonly byAccount = new Map<string, AccountResourceLimits>();
  constructor(private readonly undo: UndoLog) {}

  get(account: string): AccountResourceLimits {
    return this.byAccount.get(account) ?? UNLIMITED;
  }

  set(account: string, limits: AccountResourceLimits): void {
    const old = this.byAccount.get(account);
    this.byAccount.set(account, limits);
    this.undo.record(() => {
      if (old) this.byAccount.set(account, old);
      else this.byAccount.delete(account);
    });
  }

  /** Accounts with limits other than the default, by name (for digests and snapshots). */
  entries(): Array<[string, AccountResourceLimits]> {
    return [...this.byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
