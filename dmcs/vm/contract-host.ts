/**
 * What the contract VM needs from the chain while it runs one action: the contract tables, the
 * accounts, the notification and inline-action queues, the clock and TaPoS of the transaction, and
 * the privileged chain parameters. The node implements `ContractHost` over its chain state; tests
 * implement it in memory. The VM implements everything else itself (see "Who does what").
 *
 * ## Values
 * Every Antelope `uint64` (names, primary keys, scopes, table names, times in µs) is a `bigint` in
 * `[0, 2^64)`: the VM converts wasm's signed i64 with `BigInt.asUintN(64, x)` before calling the
 * host, so ordering by `<` on bigints is Antelope's unsigned ordering.
 *
 * ## Who does what
 * - **Iterators: the VM.** The VM keeps Antelope's per-action iterator cache (`iterator_cache` in
 *   Leap's apply_context): `-1` = no such table / not found, `≤ -2` = end iterator of a table
 *   (`-(tableIndex + 2)`), `≥ 0` = a row; the same row found twice gets the same iterator;
 *   `db_next_i64` from the last row returns the table's end iterator, `db_previous_i64` from the
 *   end iterator returns the last row (or -1 on an empty table), from the first row -1; an end or
 *   removed iterator used where a row is needed is `table_operation_not_permitted`. The host only
 *   answers ordered key queries over one table (`ContractTable`); it never sees an iterator number.
 *   This is safe because nothing but the running action touches its receiver's tables while it runs
 *   (notifications and inline actions run after it returns).
 * - **Authorization checks: the VM**, against `ContractAction.authorization` (require_auth: any
 *   permission of the actor; require_auth2: that exact actor@permission; has_auth: boolean).
 *   Failure is `missing_auth_exception` "missing authority of <name>".
 * - **Console and return value: the VM** collects prints and `set_action_return_value` into the
 *   `ApplyResult` it returns; the host stores them in the action trace.
 * - **Write checks: the VM.** Only the receiver's own tables are written (`table_access_violation`
 *   otherwise); a new row needs a non-zero payer (`invalid_table_payer`); `payer = 0` on update
 *   keeps the row's payer. The VM passes the resolved payer to the host.
 * - **RAM accounting: the host.** `ContractTable.store/update/remove` and
 *   `ContractDatabase.createTable` charge and refund RAM with Antelope's billable sizes
 *   (`ROW_BILLABLE_BYTES + value.length` per row, `TABLE_BILLABLE_BYTES` per table, the table charged
 *   to the payer of its first row and refunded when its last row goes), and apply Antelope's
 *   `ram_restrictions` rules (e.g. no RAM charged to others in a notification) since only the host
 *   knows the action's context. A refusal is thrown as an `Error` (ideally a `ContractError` with
 *   Antelope's name, e.g. `unauthorized_ram_usage_increase` / `ram_usage_exceeded`); the VM lets it
 *   propagate unchanged and aborts the action.
 * - **Rollback: the host.** The VM never undoes anything: when `apply` throws, every write it made
 *   through the host in this action (and the transaction's other actions) must be undone by the
 *   node's transaction-level undo.
 * - **Notifications and inline actions: the host** queues them (`requireRecipient`, `sendInline`)
 *   and runs them after this action, in Antelope's order (notifications first, then inline actions),
 *   checking inline authorizations (`eosio.code`) and depth.
 */

/** An `actor@permission` pair from an action's authorization list. */
export interface PermissionLevel {
  readonly actor: bigint;
  readonly permission: bigint;
}

/** The action the VM runs: `apply(receiver, account, name)` with `data` readable by the contract. */
export interface ContractAction {
  /** The account whose code runs (differs from `account` in a notification). */
  readonly receiver: bigint;
  /** The account the action was sent to (`code` in `apply`, `get_self` of the first receiver). */
  readonly account: bigint;
  /** The action name. */
  readonly name: bigint;
  /** The packed action arguments (`read_action_data`). Not modified by the VM. */
  readonly data: Uint8Array;
  readonly authorization: readonly PermissionLevel[];
  /** A context-free action: only Leap's context-free intrinsics may run (`unaccessible_api` otherwise). */
  readonly contextFree?: boolean;
}

/**
 * One stored row, as the host returns it. The VM treats it as immutable and never keeps it past
 * the action; the host may reuse row objects but must return a new object after an update.
 */
export interface DbRow {
  readonly primary: bigint;
  readonly payer: bigint;
  /** The row bytes. The VM copies them into guest memory; it never writes to this array. */
  readonly value: Uint8Array;
}

/**
 * One existing contract table `(code, scope, table)` with its rows ordered by unsigned primary key.
 * All queries return `undefined` when there is no such row.
 */
export interface ContractTable {
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
  /** The row whose key is exactly `primary`. */
  find(primary: bigint): DbRow | undefined;
  /** The first row with key ≥ `primary`. */
  lowerbound(primary: bigint): DbRow | undefined;
  /** The first row with key > `primary` (also how the VM steps to the next row). */
  upperbound(primary: bigint): DbRow | undefined;
  /** The last row with key < `primary` (how the VM steps to the previous row). */
  previous(primary: bigint): DbRow | undefined;
  /** The row with the greatest key. */
  last(): DbRow | undefined;
  /**
   * Adds a row and charges `ROW_BILLABLE_BYTES + value.length` to `payer`. The VM has already
   * checked that no row with this key exists. `value` is a fresh copy the host may keep.
   */
  store(payer: bigint, primary: bigint, value: Uint8Array): DbRow;
  /**
   * Replaces `row`'s value and payer: refunds the old payer its old size, charges the new payer the
   * new size (one delta when the payer stays). `payer` is already resolved (never 0). Returns the new
   * row object. `value` is a fresh copy the host may keep.
   */
  update(row: DbRow, payer: bigint, value: Uint8Array): DbRow;
  /** Removes `row`, refunding its payer; removes the table (refunding its payer) when it empties. */
  remove(row: DbRow): void;
}

/**
 * Secondary index kinds (`db_<kind>_*` intrinsics). Keys: `idx64` u64, `idx128` u128, `idx256`
 * u256 (bigints; idx256 ordered as Antelope's `array<uint128, 2>`: word 0 is the high half),
 * `idx_double` an f64 (never NaN; -0 and +0 are equal). `idx_long_double` is not supported.
 */
export type SecondaryKind = 'idx64' | 'idx128' | 'idx256' | 'idx_double';
export type SecondaryKey = bigint | number;

/** One secondary index entry: it points at the primary row `primary` of the same table name. */
export interface SecondaryRow {
  readonly primary: bigint;
  readonly secondary: SecondaryKey;
  readonly payer: bigint;
}

/**
 * One existing secondary index `(code, scope, table)` of one kind, ordered by `(secondary, primary)`
 * (secondary compared as numbers for `idx_double`, as unsigned integers otherwise). At most one entry
 * per primary key. Queries return `undefined` when there is none.
 */
export interface SecondaryTable {
  readonly kind: SecondaryKind;
  readonly code: bigint;
  readonly scope: bigint;
  readonly table: bigint;
  /** The entry of primary key `primary`. */
  findPrimary(primary: bigint): SecondaryRow | undefined;
  /** The first entry with a secondary ≥ `secondary`. */
  lowerbound(secondary: SecondaryKey): SecondaryRow | undefined;
  /** The first entry with a secondary > `secondary`. */
  upperbound(secondary: SecondaryKey): SecondaryRow | undefined;
  /** The entry after / before `row` in `(secondary, primary)` order. */
  next(row: SecondaryRow): SecondaryRow | undefined;
  previous(row: SecondaryRow): SecondaryRow | undefined;
  /** The greatest entry. */
  last(): SecondaryRow | undefined;
  /** Adds an entry, charging `SECONDARY_ROW_BILLABLE_BYTES[kind]` to `payer`. The VM has checked the primary key is free. */
  store(payer: bigint, primary: bigint, secondary: SecondaryKey): SecondaryRow;
  /** Replaces `row`'s secondary key and payer (moving its RAM charge when the payer changes). */
  update(row: SecondaryRow, payer: bigint, secondary: SecondaryKey): SecondaryRow;
  /** Removes `row` (refunding its payer) and the index when it empties. */
  remove(row: SecondaryRow): void;
}

/** Contract tables of the whole chain (the VM asks only for tables it may read). */
export interface ContractDatabase {
  /** The table if it exists (has at least one row), else `undefined` (→ iterator -1). */
  findTable(code: bigint, scope: bigint, table: bigint): ContractTable | undefined;
  /**
   * Creates an empty table, charging `TABLE_BILLABLE_BYTES` to `payer`; called by `db_store_i64`
   * right before storing its first row. The VM only calls it when `findTable` returned undefined.
   */
  createTable(code: bigint, scope: bigint, table: bigint, payer: bigint): ContractTable;
  /**
   * Secondary indexes (optional): a host that implements both lets contracts import the
   * `db_idx*` intrinsics (enable with `new ContractVm({ secondaryIndexes: true })`). Indexes are kept
   * apart from primary tables of the same name (Leap shares the table object; contracts never
   * give a primary table and an index the same name).
   */
  findIndex?(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint): SecondaryTable | undefined;
  /** Creates an empty index, charging `TABLE_BILLABLE_BYTES` to `payer` (right before its first store). */
  createIndex?(kind: SecondaryKind, code: bigint, scope: bigint, table: bigint, payer: bigint): SecondaryTable;
}

/** Everything the VM asks of the chain during one action. */
export interface ContractHost {
  readonly db: ContractDatabase;
  /** `is_account`. */
  isAccount(name: bigint): boolean;
  /**
   * `require_recipient`: queue a notification to `account` (the host ignores the receiver itself and
   * accounts already notified for this action, like Antelope).
   */
  requireRecipient(account: bigint): void;
  /**
   * `send_inline`: queue an inline action. `packedAction` is the Antelope-serialized `action`
   * (account, name, authorization[], data) exactly as the contract wrote it, at most
   * `MAX_INLINE_ACTION_BYTES`; the host decodes it, checks its authorizations under `eosio.code`
   * and the depth, and throws on refusal.
   */
  sendInline(packedAction: Uint8Array): void;
  /** `current_time`: the block time in microseconds since the Unix epoch. */
  currentTime(): bigint;
  /** `publication_time`: the transaction's publication time in µs (the block time for input transactions). */
  publicationTime(): bigint;
  /** `tapos_block_num`: the transaction's `ref_block_num` (uint16). */
  taposBlockNum(): number;
  /** `tapos_block_prefix`: the transaction's `ref_block_prefix` (uint32). */
  taposBlockPrefix(): number;
  /** Whether `account` is privileged (may call the privileged intrinsics below). */
  isPrivileged(account: bigint): boolean;
  /** `get_active_producers`: the active schedule's producer names in order. */
  activeProducers(): readonly bigint[];
  /**
   * `get_blockchain_parameters_packed` (privileged): the packed `blockchain_parameters`. Absent or
   * throwing = the node does not support it; the action fails with that error.
   */
  getBlockchainParameters?(): Uint8Array;
  /** `set_blockchain_parameters_packed` (privileged). Absent = refused with `unaccessible_api`. */
  setBlockchainParameters?(packed: Uint8Array): void;
  /**
   * `set_proposed_producers` (privileged): packed `vector<producer_key>`; returns the proposed
   * schedule version, or -1n when nothing was proposed. Absent = refused with `unaccessible_api`.
   */
  setProposedProducers?(packed: Uint8Array): bigint;
  /**
   * `set_proposed_producers_ex` format 1 (privileged): packed `vector<producer_authority>`; same
   * return as `setProposedProducers`. Absent = refused with `unaccessible_api`.
   */
  setProposedProducerAuthorities?(packed: Uint8Array): bigint;
  /** `set_privileged` (privileged): marks `account` privileged or not; an unknown account throws. */
  setPrivileged?(account: bigint, privileged: boolean): void;
  /** `get_resource_limits`: `[ram_bytes, net_weight, cpu_weight]`, -1 = unlimited. */
  resourceLimits?(account: bigint): readonly [bigint, bigint, bigint];
  /** `set_resource_limits` (privileged; the VM has checked each value is ≥ -1). */
  setResourceLimits?(account: bigint, ram: bigint, net: bigint, cpu: bigint): void;
  /** `is_feature_activated`: whether the protocol feature with this 32-byte digest is active. */
  isFeatureActivated?(digest: Uint8Array): boolean;
  /** `preactivate_feature` (privileged): throws as Leap's controller does when it cannot. */
  preactivateFeature?(digest: Uint8Array): void;
  /** The running transaction, for the context-free transaction intrinsics (absent = refused). */
  readonly transaction?: RunningTransaction | undefined;
  /** The permission intrinsics (eosio.msig); absent = refused with `unaccessible_api`. */
  readonly permissions?: PermissionQueries;
}

/** What `read_transaction`, `transaction_size`, `expiration`, `get_action` and `get_context_free_data` read. */
export interface RunningTransaction {
  /** The serialized `transaction` (Leap re-packs it: the exact bytes are consensus). */
  readonly packed: Uint8Array;
  /** `expiration` in seconds since the Unix epoch. */
  readonly expirationSec: number;
  /** The context-free data entries. */
  readonly contextFreeData: readonly Uint8Array[];
  /** The serialized action `index` of `type` (0 = context-free, 1 = actions), or undefined. */
  action(type: 0 | 1, index: number): Uint8Array | undefined;
}

/** Authority questions a contract may ask (Leap's permission.cpp). */
export interface PermissionQueries {
  /**
   * Whether the serialized `transaction` is authorized by the keys (key ids) and permissions:
   * Leap's `check_authorization` over its actions, irrelevant keys counting as failure.
   */
  transactionAuthorized(packedTrx: Uint8Array, keys: ReadonlySet<string>, permissions: readonly PermissionLevel[]): boolean;
  /** Whether `account@permission` is satisfied by the keys and permissions (unknown permission throws). */
  permissionAuthorized(account: bigint, permission: bigint, keys: ReadonlySet<string>, permissions: readonly PermissionLevel[]): boolean;
  /** µs since the epoch the permission was last used (this node: last changed); unknown throws. */
  permissionLastUsed(account: bigint, permission: bigint): bigint;
  /** µs since the epoch of the account's creation; unknown throws `action_validate_exception`. */
  accountCreationTime(account: bigint): bigint;
}

/** What one `apply` produced besides its writes through the host. */
export interface ApplyResult {
  /** Everything the contract printed (prints, printi, printn, …), in order. */
  console: string;
  /** The value set by `set_action_return_value`, or an empty array. */
  returnValue: Uint8Array;
  /** Metered CPU units this action used (deterministic; see docs/contract-vm.md). */
  cpuUnits: number;
}

/**
 * Antelope's RAM cost of one `key_value_object` row before its value bytes:
 * 32 + 8 + 4 bytes of fields + 2 × 32 index overhead = 108, rounded up to 16-byte alignment.
 */
export const ROW_BILLABLE_BYTES = 112;
/** Antelope's RAM cost of one `table_id_object`: 44 bytes of fields + 2 × 32 index overhead, aligned to 16. */
export const TABLE_BILLABLE_BYTES = 112;
/**
 * Antelope's RAM cost of one secondary index entry (`billable_size<indexNN_object>`): 24 bytes of
 * fields + the key + 3 × 32 index overhead, aligned to 16.
 */
export const SECONDARY_ROW_BILLABLE_BYTES: Readonly<Record<SecondaryKind, number>> = {
  idx64: 128,
  idx128: 144,
  idx256: 160,
  idx_double: 128,
};
/** Leap's default `max_inline_action_size` (512 KiB); larger `send_inline` is `inline_action_too_big`. */
export const MAX_INLINE_ACTION_BYTES = 512 * 1024;
/** Leap's default `max_action_return_value_size` (256 B); larger is `action_return_value_exception`. */
export const MAX_ACTION_RETURN_VALUE_BYTES = 256;
