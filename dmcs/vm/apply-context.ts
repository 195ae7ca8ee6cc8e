/**
 * The state of one running action (Leap's `apply_context`): the action, the host, the guest's
 * memory, the iterator cache, the console, the return value and the host-side CPU charge.
 * Allocation is kept minimal: the iterator cache and the console exist only once used.
 */
import { ContractError } from './contract-error.js';
import { IteratorCache } from './iterator-cache.js';
import type { GuestMemory } from './guest-memory.js';
import type { ContractAction, ContractHost, ContractTable, DbRow, SecondaryKind, SecondaryRow, SecondaryTable } from './contract-host.js';
import { BYTES_PER_CPU_UNIT, INTRINSIC_CALL_CPU_UNITS, MAX_CONSOLE_CHARS } from './contract-limits.js';

const EMPTY = new Uint8Array(0);

export class ApplyContext {
  private iteratorCache: IteratorCache<ContractTable, DbRow> | null = null;
  private secondaryCaches: Partial<Record<SecondaryKind, IteratorCache<SecondaryTable, SecondaryRow>>> | null = null;
  private consoleText = '';
  returnValue: Uint8Array = EMPTY;
  /** CPU units charged by intrinsics (the wasm side counts in its own gas global). */
  hostUnits = 0;

  constructor(
    readonly action: ContractAction,
    readonly host: ContractHost,
    readonly mem: GuestMemory,
    /** The most intrinsics may charge; past it the action fails with `tx_cpu_usage_exceeded`. */
    readonly hostBudget: number,
  ) {}

  /** Iterators of the primary-key intrinsics. */
  get iterators(): IteratorCache<ContractTable, DbRow> {
    return (this.iteratorCache ??= new IteratorCache());
  }

  /** Iterators of one kind of secondary index (each kind numbers its own, like Leap). */
  secondaryIterators(kind: SecondaryKind): IteratorCache<SecondaryTable, SecondaryRow> {
    const all = (this.secondaryCaches ??= {});
    return (all[kind] ??= new IteratorCache());
  }

  /** Charges one intrinsic call touching `bytes` bytes. */
  charge(bytes: number): void {
    this.hostUnits += INTRINSIC_CALL_CPU_UNITS + ((bytes / BYTES_PER_CPU_UNIT) | 0);
    if (this.hostUnits > this.hostBudget) {
      throw new ContractError('tx_cpu_usage_exceeded', `action exceeded its CPU budget of ${this.hostBudget} units in intrinsics`);
    }
  }

  print(s: string): void {
    const room = MAX_CONSOLE_CHARS - this.consoleText.length;
    if (room <= 0) return;
    this.consoleText += s.length > room ? s.slice(0, room) : s;
  }

  get console(): string {
    return this.consoleText;
  }
}
