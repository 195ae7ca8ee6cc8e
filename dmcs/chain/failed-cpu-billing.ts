/**
 * What failed transactions cost their signer (Leap's subjective billing, simplified: this node
 * stakes no CPU, so every account has the same allowance). A transaction that fails never reaches a
 * block, so the block's CPU limit does not count it, yet the node ran it: up to the transaction
 * limit (150 ms of metered CPU) each. Without a bill, anyone holding one account's key could have a
 * node (through its chain API or a relay peer) run such transactions back to back and take its
 * thread. Each failure is billed to the first authorizer of its first action (its signatures were
 * checked, so no one is billed for what another signed); the bill drains at a steady rate, and an
 * account whose bill is over its allowance has its transactions refused before they run, until it
 * drains. Transactions that land in a block are not billed here: the block's limit holds them.
 *
 * compute_transaction (and send_read_only_transaction) runs a transaction that no one signed, to
 * the same limit, and keeps nothing: billing a named account would let anyone exhaust another's
 * allowance, so those runs draw on one bill for the whole node (`NODE_WIDE`), succeeded or failed.
 */
import { ChainError } from '../chain-error.js';
import type { DecodedTransaction } from '../packed-transaction.js';

/** CPU (µs, as receipts count it) an account's failed transactions may have run before its next ones are refused: about six that run to the 150 ms limit. */
export const FAILED_CPU_ALLOWANCE_US = 1_000_000;
/** How fast a bill drains (µs a second): sustained, an account's failures may take about a twentieth of the metered CPU a second holds. */
export const FAILED_CPU_DRAIN_US_PER_S = 50_000;
/** CPU (µs) the node's compute_transaction calls may have run before the next are refused: about 13 that run to the 150 ms limit, or thousands of a few hundred µs (a wallet's estimate). */
export const COMPUTE_CPU_ALLOWANCE_US = 2_000_000;
/** How fast the compute bill drains (µs a second): sustained, compute calls may take a quarter of a core. */
export const COMPUTE_CPU_DRAIN_US_PER_S = 250_000;
/** The key of a bill kept for the whole node, not for an account. */
export const NODE_WIDE = '';

/** Accounts with a bill kept at once; past it the one billed longest ago is forgotten (a bill drains within seconds). */
export const MAX_BILLED_ACCOUNTS = 65_536;

/** Who a transaction's failure is billed to: the first authorizer of its first action (a transaction has at least one, `tx_no_auths`). */
export function billedAccount(d: DecodedTransaction): string {
  return d.actions[0]?.authorization[0]?.actor ?? '';
}

interface Bill {
  us: number;
  /** When `us` was last brought up to date (ms). */
  at: number;
}

export class FailedCpuBilling {
  /** By account, the least recently billed first. */
  private readonly bills = new Map<string, Bill>();

  constructor(
    readonly allowanceUs = FAILED_CPU_ALLOWANCE_US,
    readonly drainUsPerSecond = FAILED_CPU_DRAIN_US_PER_S,
    /** What the CPU was spent on, as a refusal names it. */
    readonly spentOn = 'failed transactions',
  ) {}

  /** `account`'s bill at `now` (ms), after what has drained. */
  owed(account: string, now: number): number {
    const b = this.bills.get(account);
    if (!b) return 0;
    return Math.max(0, b.us - ((now - b.at) * this.drainUsPerSecond) / 1000);
  }

  /** Refuses `account`'s next transaction while its bill is over its allowance (`tx_cpu_usage_exceeded`). */
  check(account: string, now: number): void {
    const owed = this.owed(account, now);
    if (owed < this.allowanceUs) {
      if (owed === 0) this.bills.delete(account);
      return;
    }
    const waitMs = Math.ceil(((owed - this.allowanceUs) * 1000) / this.drainUsPerSecond) + 1;
    const who = account === NODE_WIDE ? 'this node' : `account ${account}`;
    throw new ChainError(
      'tx_cpu_usage_exceeded',
      `${who} has used its allowance of CPU for ${this.spentOn} (${Math.round(owed)} us billed, ` +
        `${this.allowanceUs} us allowed, ${this.drainUsPerSecond} us drained a second): try again in ${waitMs} ms`,
    );
  }

  /** Adds `us` to `account`'s bill: a transaction it signed failed after running that long. */
  bill(account: string, us: number, now: number): void {
    const owed = this.owed(account, now);
    this.bills.delete(account);
    this.bills.set(account, { us: owed + us, at: now });
    if (this.bills.size > MAX_BILLED_ACCOUNTS) this.bills.delete(this.bills.keys().next().value!);
  }

  /** Accounts with a bill (some may have drained). */
  get size(): number {
    return this.bills.size;
  }
}
