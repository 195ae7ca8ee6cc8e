/**
 * A test-only, in-memory `ContractHost`: tables as sorted arrays, RAM usage per payer, queued
 * notifications and inline actions, fixed time and TaPoS. Not a chain: no rollback, no inline
 * execution; tests inspect what the contract asked for.
 */
import { Name } from '../../../abi/antelope/index.js';
import type {
  ContractDatabase,
  ContractHost,
  ContractTable,
  DbRow,
  SecondaryKey,
  SecondaryKind,
  SecondaryRow,
  SecondaryTable,
} from '../../../dmcs/vm/contract-host.js';
import { ROW_BILLABLE_BYTES, SECONDARY_ROW_BILLABLE_BYTES, TABLE_BILLABLE_BYTES } from '../../../dmcs/vm/contract-host.js';

export const n = (s: string): bigint => Name.from(s).value;

export class MemoryTable implements ContractTable {
  rows: DbRow[] = [];
  payer: bigint;
  constructor(
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    payer: bigint,
    private readonly db: MemoryDatabase,
  ) {
    this.payer = payer;
  }

  /** Index of the first row with key ≥ `k`. */
  private lower(k: bigint): number {
    let lo = 0,
      hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rows[mid]!.primary < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(k: bigint): DbRow | undefined {
    const r = this.rows[this.lower(k)];
    return r && r.primary === k ? r : undefined;
  }
  lowerbound(k: bigint): DbRow | undefined {
    return this.rows[this.lower(k)];
  }
  upperbound(k: bigint): DbRow | undefined {
    const i = this.lower(k);
    const r = this.rows[i];
    return r && r.primary === k ? this.rows[i + 1] : r;
  }
  previous(k: bigint): DbRow | undefined {
    const i = this.lower(k);
    return i > 0 ? this.rows[i - 1] : undefined;
  }
  last(): DbRow | undefined {
    return this.rows[this.rows.length - 1];
  }

  store(payer: bigint, primary: bigint, value: Uint8Array): DbRow {
    const row = { primary, payer, value };
    this.rows.splice(this.lower(primary), 0, row);
    this.db.ram(payer, ROW_BILLABLE_BYTES + value.length);
    return row;
  }

  update(row: DbRow, payer: bigint, value: Uint8Array): DbRow {
    const next = { primary: row.primary, payer, value };
    this.rows[this.lower(row.primary)] = next;
    this.db.ram(row.payer, -(ROW_BILLABLE_BYTES + row.value.length));
    this.db.ram(payer, ROW_BILLABLE_BYTES + value.length);
    return next;
  }

  remove(row: DbRow): void {
    this.rows.splice(this.lower(row.primary), 1);
    this.db.ram(row.payer, -(ROW_BILLABLE_BYTES + row.value.length));
    if (this.rows.length === 0) this.db.drop(this);
  }
}

/** A secondary index as an array sorted by (secondary, primary). */
export class MemorySecondaryTable implements SecondaryTable {
  rows: SecondaryRow[] = [];
  constructor(
    readonly kind: SecondaryKind,
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    readonly payer: bigint,
    private readonly db: MemoryDatabase,
  ) {}

  private static cmp(a: SecondaryKey, b: SecondaryKey): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  /** Index of the first entry ≥ (secondary, primary). */
  private lower(secondary: SecondaryKey, primary: bigint): number {
    let lo = 0,
      hi = this.rows.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      const r = this.rows[m]!;
      const c = MemorySecondaryTable.cmp(r.secondary, secondary) || (r.primary < primary ? -1 : r.primary > primary ? 1 : 0);
      if (c < 0) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  private indexOf(row: SecondaryRow): number {
    return this.lower(row.secondary, row.primary);
  }

  findPrimary(primary: bigint): SecondaryRow | undefined {
    return this.rows.find((r) => r.primary === primary);
  }
  lowerbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.rows[this.lower(secondary, 0n)];
  }
  upperbound(secondary: SecondaryKey): SecondaryRow | undefined {
    return this.rows.find((r) => MemorySecondaryTable.cmp(r.secondary, secondary) > 0);
  }
  next(row: SecondaryRow): SecondaryRow | undefined {
    return this.rows[this.indexOf(row) + 1];
  }
  previous(row: SecondaryRow): SecondaryRow | undefined {
    const i = this.indexOf(row);
    return i > 0 ? this.rows[i - 1] : undefined;
  }
  last(): SecondaryRow | undefined {
    return this.rows[this.rows.length - 1];
  }
  store(payer: bigint, primary: bigint, secondary: SecondaryKey): SecondaryRow {
    const row = { primary, secondary, payer };
    this.rows.splice(this.lower(secondary, primary), 0, row);
    this.db.ram(payer, SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    return row;
  }
  update(row: SecondaryRow, payer: bigint, secondary: SecondaryKey): SecondaryRow {
    this.rows.splice(this.indexOf(row), 1);
    this.db.ram(row.payer, -SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    return this.store(payer, row.primary, secondary);
  }
  remove(row: SecondaryRow): void {
    this.rows.splice(this.indexOf(row), 1);
    this.db.ram(row.payer, -SECONDARY_ROW_BILLABLE_BYTES[this.kind]);
    if (this.rows.length === 0) this.db.dropIndex(this);
  }
}

export class MemoryDatabase implements ContractDatabase {
  tables = new Map<string, MemoryTable>();
  indexes = new Map<string, MemorySecondaryTable>();

  findIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint): MemorySecondaryTable | undefined {
    return this.indexes.get(`${kind}:${code}:${scope}:${table}`);
  }

  createIndex(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint, payer: bigint): MemorySecondaryTable {
    const t = new MemorySecondaryTable(kind, code, scope, table, payer, this);
    this.indexes.set(`${kind}:${code}:${scope}:${table}`, t);
    this.ram(payer, TABLE_BILLABLE_BYTES);
    return t;
  }

  dropIndex(t: MemorySecondaryTable): void {
    this.indexes.delete(`${t.kind}:${t.code}:${t.scope}:${t.table}`);
    this.ram(t.payer, -TABLE_BILLABLE_BYTES);
  }
  ramUsage = new Map<bigint, number>();

  private static key(code: bigint, scope: bigint, table: bigint): string {
    return `${code}:${scope}:${table}`;
  }

  findTable(code: bigint, scope: bigint, table: bigint): MemoryTable | undefined {
    return this.tables.get(MemoryDatabase.key(code, scope, table));
  }

  createTable(code: bigint, scope: bigint, table: bigint, payer: bigint): MemoryTable {
    const t = new MemoryTable(code, scope, table, payer, this);
    this.tables.set(MemoryDatabase.key(code, scope, table), t);
    this.ram(payer, TABLE_BILLABLE_BYTES);
    return t;
  }

  drop(t: MemoryTable): void {
    this.tables.delete(MemoryDatabase.key(t.code, t.scope, t.table));
    this.ram(t.payer, -TABLE_BILLABLE_BYTES);
  }

  ram(payer: bigint, delta: number): void {
    this.ramUsage.set(payer, (this.ramUsage.get(payer) ?? 0) + delta);
  }

  /** Rows of a table as `{primary, hex}` for comparisons. */
  dump(code: bigint, scope: bigint, table: bigint): { primary: bigint; hex: string }[] {
    return (this.findTable(code, scope, table)?.rows ?? []).map((r) => ({ primary: r.primary, hex: Buffer.from(r.value).toString('hex') }));
  }
}

export class MemoryHost implements ContractHost {
  readonly db = new MemoryDatabase();
  accounts = new Set<bigint>();
  privileged = new Set<bigint>();
  notified: bigint[] = [];
  inline: Uint8Array[] = [];
  time = 1_700_000_000_000_000n;

  constructor(accounts: string[] = []) {
    for (const a of accounts) this.accounts.add(n(a));
  }

  isAccount(name: bigint): boolean {
    return this.accounts.has(name);
  }
  requireRecipient(account: bigint): void {
    if (!this.notified.includes(account)) this.notified.push(account);
  }
  sendInline(packed: Uint8Array): void {
    this.inline.push(packed);
  }
  currentTime(): bigint {
    return this.time;
  }
  publicationTime(): bigint {
    return this.time;
  }
  taposBlockNum(): number {
    return 1234;
  }
  taposBlockPrefix(): number {
    return 0xdeadbeef;
  }
  isPrivileged(account: bigint): boolean {
    return this.privileged.has(account);
  }
  activeProducers(): readonly bigint[] {
    return [n('eosio')];
  }
}
