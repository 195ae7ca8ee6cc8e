/**
 * Runs a transaction's actions against chain state, in Antelope's order (Leap `apply_context::exec`):
 * context-free actions first, then each action with its receiver, then the accounts it notified
 * (`require_recipient`, in order, once each), then the inline actions it sent (`send_inline`), depth
 * first up to `MAX_INLINE_ACTION_DEPTH`. `eosio` runs the native actions; accounts with code run
 * through the contract VM with `TransactionHost` as their `ContractHost`. The whole transaction is
 * one undo checkpoint: any failure rolls every write back and rethrows.
 */
import { BinaryReader, BinaryWriter, Name, Action, Transaction, sha256 } from '../../abi/antelope/index.js';
import type { ContractVm } from '../vm/contract-vm.js';
import type {
  ContractAction,
  ContractDatabase,
  ContractHost,
  PermissionLevel as VmLevel,
  PermissionQueries,
  RunningTransaction,
} from '../vm/contract-host.js';
import { MAX_INLINE_ACTION_BYTES } from '../vm/contract-host.js';
import { ChainError, toChainError } from '../chain-error.js';
import type { AccountRecord, ChainState } from '../state/chain-state.js';
import { NATIVE_ACTIONS, type NativeContext } from './native-actions.js';
import type { AuthorizationManager } from './authorization-manager.js';
import type { ActionReceipt, ActionTrace, ExecAction, TransactionTrace } from './action-trace.js';
import type { DigestList } from './digest-list.js';
import type { DecodedTransaction } from '../packed-transaction.js';
import { isFeatureActivated, preactivateFeature } from './protocol-features.js';
import { decodeProducerAuthorities, decodeProducerKeys, proposeProducers } from './proposed-producers.js';

/** Leap `max_inline_action_depth`. */
export const MAX_INLINE_ACTION_DEPTH = 4;
/**
 * Metered units per microsecond of the chain's CPU limits (`max_transaction_cpu_usage`,
 * `max_block_cpu_usage`, a transaction's `max_cpu_usage_ms`): about one wasm instruction each, so
 * the limits are deterministic, the same count on every node.
 */
export const CPU_UNITS_PER_US = 1000;
/** The same per millisecond. */
export const CPU_UNITS_PER_MS = 1000 * CPU_UNITS_PER_US;
/** Per-transaction budget of metered contract CPU units without a chain configuration (Leap's default, 150 ms). */
export const TRANSACTION_CPU_UNITS = 150 * CPU_UNITS_PER_MS;

/**
 * The metered CPU a block's transactions may run in all (`budget`, from the chain's
 * `max_block_cpu_usage`) and what the ones before this transaction ran (`used`).
 */
export interface BlockCpu {
  readonly budget: number;
  readonly used: number;
}

export interface TransactionInput {
  readonly id: string;
  readonly contextFreeActions: readonly ExecAction[];
  readonly actions: readonly ExecAction[];
  readonly refBlockNum: number;
  readonly refBlockPrefix: number;
  /** The serialized transaction, expiration and context-free data (for the context-free intrinsics). */
  readonly packed?: { readonly bytes: Uint8Array; readonly expirationSec: number; readonly contextFreeData: readonly Uint8Array[] };
  /** The block the transaction goes into: producer schedule proposals take effect by block. */
  readonly blockNum?: number;
  /** The transaction's `max_cpu_usage_ms` (0 = the chain's limit only). */
  readonly maxCpuUsageMs?: number;
}

/** Decodes serialized context-free data (`vector<bytes>`); empty input is no entries. */
function contextFreeDataOf(cfd: Uint8Array): Uint8Array[] {
  if (cfd.length === 0) return [];
  const r = new BinaryReader(cfd);
  const n = r.varuint32();
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes());
  return out;
}

/** The executor's input for a decoded transaction going into block `blockNum`. */
export function transactionInputOf(d: DecodedTransaction, blockNum: number): TransactionInput {
  return {
    id: d.idHex,
    contextFreeActions: d.contextFreeActions,
    actions: d.actions,
    refBlockNum: d.trx.ref_block_num,
    refBlockPrefix: d.trx.ref_block_prefix,
    packed: { bytes: d.trxBytes, expirationSec: d.trx.expiration.seconds, contextFreeData: contextFreeDataOf(d.cfdBytes) },
    blockNum,
    maxCpuUsageMs: d.trx.max_cpu_usage_ms,
  };
}

/** Leap's `authorization_exception` family (3090000–3090999): a "no" from the permission intrinsics, not a failure. */
function isAuthorizationFailure(e: unknown): boolean {
  return e instanceof ChainError && e.antelopeCode >= 3090000 && e.antelopeCode < 3091000;
}

const nameCache = new Map<bigint, string>();
/** u64 → name string, cached (contracts repeat the same few names). */
export function nameOf(v: bigint): string {
  let s = nameCache.get(v);
  if (s === undefined) {
    s = Name.fromU64(v).toString();
    if (nameCache.size > 8192) nameCache.clear();
    nameCache.set(v, s);
  }
  return s;
}
const valueCache = new Map<string, bigint>();
// biome-ignore lint/suspicious/noShadowRestrictedNames: a module function, it shadows no global
export function valueOf(name: string): bigint {
  let v = valueCache.get(name);
  if (v === undefined) {
    v = Name.from(name).value;
    if (valueCache.size > 8192) valueCache.clear();
    valueCache.set(name, v);
  }
  return v;
}

/** One reused writer for digests (hashing is synchronous, so nothing interleaves). */
const digestWriter = new BinaryWriter(1024);

/** Antelope-serialized action, for digests (a view valid until the next digest). */
export function packAction(a: ExecAction): Uint8Array {
  const w = digestWriter.reset();
  Name.from(a.account).encode(w);
  Name.from(a.name).encode(w);
  w.varuint32(a.authorization.length);
  for (const l of a.authorization) {
    Name.from(l.actor).encode(w);
    Name.from(l.permission).encode(w);
  }
  w.bytes(a.data);
  return w.peek();
}

/** sha256(account ‖ name ‖ authorization): the left half of an action digest, the same for every receiver. */
function actionBaseHash(a: ExecAction): Uint8Array {
  const w = digestWriter.reset();
  Name.from(a.account).encode(w);
  Name.from(a.name).encode(w);
  w.varuint32(a.authorization.length);
  for (const l of a.authorization) {
    Name.from(l.actor).encode(w);
    Name.from(l.permission).encode(w);
  }
  return sha256(w.peek());
}

/** sha256(data ‖ return value), each length-prefixed: the right half of an action digest. */
function actionDataHash(a: ExecAction, returnValue: Uint8Array): Uint8Array {
  const io = digestWriter.reset();
  io.bytes(a.data);
  io.bytes(returnValue);
  return sha256(io.peek());
}

/** One reused 64-byte buffer for the two halves (hashing copies its input's digest out). */
const digestPair = new Uint8Array(64);

function combineHalves(base: Uint8Array, rhs: Uint8Array): Uint8Array {
  digestPair.set(base, 0);
  digestPair.set(rhs, 32);
  return sha256(digestPair);
}

/**
 * Leap `generate_action_digest` (action.hpp), the receipt's `act_digest` once ACTION_RETURN_VALUE
 * is active (it is from genesis here): sha256(sha256(account ‖ name ‖ authorization) ‖
 * sha256(data ‖ return value)), data and return value each length-prefixed. Per receiver, since
 * each receiver may return its own value.
 */
export function actionDigest(a: ExecAction, returnValue: Uint8Array): Uint8Array {
  return combineHalves(actionBaseHash(a), actionDataHash(a, returnValue));
}

/**
 * The parts of one action's digest shared by its receivers (a transfer has three): the base half
 * always, and the whole digest while the receiver returns nothing (the common case: it covers
 * nothing that differs by receiver). Same bytes as `actionDigest`: three sha256 for a transfer's
 * three receivers instead of five (nine without sharing), and one digest array, which their
 * receipts share (a receipt lives until its block is sealed: each array was copied by the
 * scavenges in between).
 */
class ActionDigester {
  private base: Uint8Array | undefined;
  private withoutReturnValue: Uint8Array | undefined;
  constructor(private readonly act: ExecAction) {}
  digest(returnValue: Uint8Array): Uint8Array {
    this.base ??= actionBaseHash(this.act);
    if (returnValue.length !== 0) return combineHalves(this.base, actionDataHash(this.act, returnValue));
    this.withoutReturnValue ??= combineHalves(this.base, actionDataHash(this.act, returnValue));
    return this.withoutReturnValue;
  }
}

/** The action receipt serialized as Leap's `action_receipt::digest` hashes it (a view valid until the next digest). */
function packActionReceipt(r: ActionReceipt): Uint8Array {
  const w = digestWriter.reset();
  Name.from(r.receiver).encode(w);
  w.raw(r.actDigest);
  w.u64(BigInt(r.globalSequence));
  w.u64(BigInt(r.recvSequence));
  w.varuint32(r.authSequence.length);
  for (const [actor, seq] of r.authSequence) {
    Name.from(actor).encode(w);
    w.u64(BigInt(seq));
  }
  w.varuint32(r.codeSequence);
  w.varuint32(r.abiSequence);
  return w.peek();
}

/** An action's distinct authorizing actors in name order. */
function sortedActors(act: ExecAction): string[] {
  const auth = act.authorization;
  if (auth.length === 1) return [auth[0]!.actor];
  return [...new Set(auth.map((l) => l.actor))].sort((a, b) => (valueOf(a) < valueOf(b) ? -1 : 1));
}

/** The return value of an action that returned none (shared: zero bytes cannot be written). */
const NO_RETURN_VALUE = new Uint8Array(0);

function inOrdinalOrder(traces: readonly ActionTrace[]): boolean {
  for (let i = 1; i < traces.length; i++) if (traces[i - 1]!.actionOrdinal > traces[i]!.actionOrdinal) return false;
  return true;
}

const NO_DB: ContractDatabase = {
  findTable() {
    throw new ChainError('unaccessible_api', 'context-free actions cannot access contract tables');
  },
  createTable() {
    throw new ChainError('unaccessible_api', 'context-free actions cannot access contract tables');
  },
};

/** Per-action scheduling state (Leap `apply_context`'s `_notified` and `_inline_actions`). */
interface ApplyScope {
  act: ExecAction;
  receiver: string;
  notified: string[];
  inline: ExecAction[];
  contextFree: boolean;
  digester: ActionDigester;
  /** The action's distinct authorizing actors in name order (its receipts' `auth_sequence` keys), computed once. */
  actors: string[] | undefined;
  vmAction: { account: bigint; name: bigint; authorization: readonly VmLevel[] } | undefined;
}

/** The `ContractHost` of one transaction; `scope` points at the action being run. */
class TransactionHost implements ContractHost {
  scope!: ApplyScope;
  blockTimeUs = 0n;
  refBlockNum = 0;
  refBlockPrefix = 0;
  constructor(private readonly ex: TransactionExecutor) {}

  get db(): ContractDatabase {
    return this.scope.contextFree ? NO_DB : this.ex.state.tables;
  }
  isAccount(name: bigint): boolean {
    return this.ex.state.getAccountByValue(name) !== undefined;
  }
  requireRecipient(account: bigint): void {
    const name = nameOf(account);
    if (!this.scope.notified.includes(name)) this.scope.notified.push(name);
  }
  sendInline(packedAction: Uint8Array): void {
    if (this.scope.contextFree) throw new ChainError('unaccessible_api', 'context-free actions cannot send inline actions');
    if (packedAction.length > MAX_INLINE_ACTION_BYTES)
      throw new ChainError('inline_action_too_big', `inline action too big: ${packedAction.length} > ${MAX_INLINE_ACTION_BYTES} bytes`);
    let a: Action;
    try {
      const r = new BinaryReader(packedAction);
      a = Action.decode(r);
    } catch (e) {
      throw new ChainError('action_validate_exception', `send_inline: cannot decode the action: ${(e as Error).message}`);
    }
    const act: ExecAction = {
      account: a.account.toString(),
      name: a.name.toString(),
      data: a.data,
      authorization: a.authorization.map((l) => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
    };
    this.ex.checkInline(act, this.scope.receiver);
    this.scope.inline.push(act);
  }
  currentTime(): bigint {
    return this.blockTimeUs;
  }
  publicationTime(): bigint {
    return this.blockTimeUs;
  }
  taposBlockNum(): number {
    return this.refBlockNum;
  }
  taposBlockPrefix(): number {
    return this.refBlockPrefix;
  }
  isPrivileged(account: bigint): boolean {
    return this.ex.state.getAccountByValue(account)?.privileged ?? false;
  }
  activeProducers(): readonly bigint[] {
    const producers = this.ex.state.producers.active.producers;
    return producers.length ? producers.map((p) => valueOf(p.producerName)) : [valueOf('eosio')];
  }
  private accountOrFail(account: bigint) {
    const a = this.ex.state.getAccountByValue(account);
    if (!a) throw new ChainError('action_validate_exception', `account '${nameOf(account)}' does not exist`);
    return a;
  }
  setPrivileged(account: bigint, privileged: boolean): void {
    const a = this.accountOrFail(account);
    const old = a.privileged;
    a.privileged = privileged;
    this.ex.state.undo.record(() => {
      a.privileged = old;
    });
  }
  resourceLimits(account: bigint): readonly [bigint, bigint, bigint] {
    const l = this.ex.state.resourceLimits.get(this.accountOrFail(account).name);
    return [l.ramBytes, l.netWeight, l.cpuWeight];
  }
  setResourceLimits(account: bigint, ram: bigint, net: bigint, cpu: bigint): void {
    this.ex.state.resourceLimits.set(this.accountOrFail(account).name, { ramBytes: ram, netWeight: net, cpuWeight: cpu });
  }
  isFeatureActivated(digest: Uint8Array): boolean {
    return isFeatureActivated(digest);
  }
  preactivateFeature(digest: Uint8Array): void {
    preactivateFeature(digest);
  }
  setProposedProducers(packed: Uint8Array): bigint {
    return proposeProducers(this.ex.state, decodeProducerKeys(packed), this.blockNum);
  }
  setProposedProducerAuthorities(packed: Uint8Array): bigint {
    return proposeProducers(this.ex.state, decodeProducerAuthorities(packed), this.blockNum);
  }
  blockNum = 0;
  transaction: RunningTransaction | undefined = undefined;
  readonly permissions: PermissionQueries = {
    transactionAuthorized: (packedTrx, keys, permissions) => {
      let trx: Transaction;
      try {
        trx = Transaction.decode(new BinaryReader(packedTrx));
      } catch (e) {
        throw new ChainError('unpack_exception', `check_transaction_authorization: cannot unpack the transaction: ${(e as Error).message}`);
      }
      const actions = trx.actions.map((a) => ({
        account: a.account.toString(),
        name: a.name.toString(),
        data: a.data,
        authorization: a.authorization.map((l) => ({ actor: l.actor.toString(), permission: l.permission.toString() })),
      }));
      const levels = permissions.map((l) => ({ actor: nameOf(l.actor), permission: nameOf(l.permission) }));
      try {
        this.ex.auth.check(actions, keys, levels, false);
        return true;
      } catch (e) {
        if (isAuthorizationFailure(e)) return false;
        throw e;
      }
    },
    permissionAuthorized: (account, permission, keys, permissions) => {
      const level = { actor: nameOf(account), permission: nameOf(permission) };
      if (!this.ex.state.getAccount(level.actor)?.permissions.has(level.permission)) {
        throw new ChainError('permission_query_exception', `Failed to retrieve permission: ${level.actor}@${level.permission}`);
      }
      const checker = this.ex.auth.checker(
        keys,
        permissions.map((l) => ({ actor: nameOf(l.actor), permission: nameOf(l.permission) })),
      );
      return checker.satisfied(level) && checker.unusedKeys().length === 0;
    },
    permissionLastUsed: (account, permission) => {
      const p = this.ex.state.getAccountByValue(account)?.permissions.get(nameOf(permission));
      if (!p) throw new ChainError('permission_query_exception', `Failed to retrieve permission: ${nameOf(account)}@${nameOf(permission)}`);
      return BigInt(p.lastUpdated) * 1000n;
    },
    accountCreationTime: (account) => BigInt(this.accountOrFail(account).creation) * 1000n,
  };
}

/** The running transaction as the context-free intrinsics read it. */
function runningTransaction(trx: TransactionInput): RunningTransaction | undefined {
  const p = trx.packed;
  if (!p) return undefined;
  return {
    packed: p.bytes,
    expirationSec: p.expirationSec,
    contextFreeData: p.contextFreeData,
    action(type, index) {
      const a = (type === 0 ? trx.contextFreeActions : trx.actions)[index];
      return a ? packAction(a).slice() : undefined;
    },
  };
}

export class TransactionExecutor {
  private readonly host = new TransactionHost(this);
  private traces: ActionTrace[] = [];
  /** Where the running transaction's action receipt digests go (none: not computed, e.g. compute_transaction). */
  private digests: DigestList | undefined;
  private ordinal = 0;
  private cpuUnits = 0;
  private cpuLimit = 0;
  /** The metered units the last transaction that failed ran before it failed (its subjective bill). */
  failedCpuUnits = 0;
  private blockTime = 0;
  /** RAM deltas of the action run in progress (one map reused: runs do not nest, inline actions run after). */
  private readonly deltas = new Map<string, number>();
  /** Accounts whose RAM grew in this transaction (Leap's `validate_ram_usage`), checked against their limits at the end. */
  private ramGrew = new Set<string>();

  constructor(
    readonly state: ChainState,
    readonly vm: ContractVm,
    readonly auth: AuthorizationManager,
    private readonly validateCode: (code: Uint8Array) => void,
    /** The chain's `max_transaction_cpu_usage` in units: what one transaction may run. */
    private readonly transactionCpuUnits = TRANSACTION_CPU_UNITS,
  ) {}

  /** Leap `apply_context::execute_inline` checks for an action sent by contract `sender`. */
  checkInline(act: ExecAction, sender: string): void {
    const st = this.state;
    if (!st.getAccount(act.account))
      throw new ChainError('action_validate_exception', `inline action's code account ${act.account} does not exist`);
    for (const l of act.authorization) {
      const actor = st.getAccount(l.actor);
      if (!actor) throw new ChainError('action_validate_exception', `inline action's authorizing actor ${l.actor} does not exist`);
      if (!actor.permissions.has(l.permission)) {
        throw new ChainError(
          'action_validate_exception',
          `inline action's authorizations include a non-existent permission: ${JSON.stringify(l)}`,
        );
      }
    }
    if (st.getAccount(sender)?.privileged) return;
    this.auth.check([act], new Set(), [{ actor: sender, permission: 'eosio.code' }], true);
  }

  /**
   * Runs `trx` at `blockTime` (ms). On success the writes stay and the trace is returned; on failure
   * every write is undone and the error (a `ChainError`) is thrown. With `block`, the transaction
   * also runs within what is left of its block's CPU budget: cut by that, in a block that already
   * holds others, it is `block_cpu_usage_exceeded` (it may fit in the next block); in an empty block
   * it is its own limit, `tx_cpu_usage_exceeded`. With `digests`, the digests of its action receipts
   * (its block's action_mroot leaves) are appended there on success; on failure it is left as it was.
   */
  execute(trx: TransactionInput, blockTime: number, block?: BlockCpu, digests?: DigestList): TransactionTrace {
    const t0 = performance.now();
    this.traces = [];
    this.digests = digests;
    const digestsBefore = digests?.length ?? 0;
    this.ordinal = 0;
    this.cpuUnits = 0;
    this.vm.failedUnits = 0;
    const chain = this.transactionCpuUnits;
    const own = trx.maxCpuUsageMs ? Math.min(chain, trx.maxCpuUsageMs * CPU_UNITS_PER_MS) : chain;
    const left = block ? Math.max(0, block.budget - block.used) : own;
    this.cpuLimit = Math.min(own, left);
    const cutByBlock = block !== undefined && block.used > 0 && left < own;
    this.ramGrew.clear();
    this.blockTime = blockTime;
    this.host.blockTimeUs = BigInt(blockTime) * 1000n;
    this.host.refBlockNum = trx.refBlockNum;
    this.host.refBlockPrefix = trx.refBlockPrefix;
    this.host.blockNum = trx.blockNum ?? 0;
    this.host.transaction = runningTransaction(trx);
    const mark = this.state.undo.checkpoint();
    try {
      for (const a of trx.contextFreeActions) this.executeAction(a, 0, 0, true);
      for (const a of trx.actions) this.executeAction(a, 0, 0, false);
      this.checkRamLimits();
    } catch (e) {
      this.state.undo.rollback(mark);
      digests?.truncate(digestsBefore);
      // the action that failed ran its units too (0 when it failed outside the VM)
      this.failedCpuUnits = Math.min(this.cpuLimit, this.cpuUnits + this.vm.failedUnits);
      const err = toChainError(e);
      if (cutByBlock && err.code === 'tx_cpu_usage_exceeded') {
        throw new ChainError(
          'block_cpu_usage_exceeded',
          `not enough CPU left in block: ${left} of its ${block.budget} metered units (${err.message})`,
        );
      }
      throw err;
    }
    this.state.undo.commit(mark);
    // in ordinal order already unless an action sent inline actions (then its notifications ran first)
    if (!inOrdinalOrder(this.traces)) this.traces.sort((a, b) => a.actionOrdinal - b.actionOrdinal);
    return {
      id: trx.id,
      traces: this.traces,
      elapsedUs: Math.round((performance.now() - t0) * 1000),
      cpuUnits: this.cpuUnits,
    };
  }

  private executeAction(act: ExecAction, depth: number, creator: number, contextFree: boolean): void {
    const scope: ApplyScope = {
      act,
      receiver: act.account,
      notified: [act.account],
      inline: [],
      contextFree,
      digester: new ActionDigester(act),
      actors: undefined,
      vmAction: undefined,
    };
    const ordinal = ++this.ordinal;
    for (let i = 0; i < scope.notified.length; i++) {
      scope.receiver = scope.notified[i]!;
      this.executeOne(scope, i === 0 ? ordinal : ++this.ordinal, i === 0 ? creator : creator, ordinal);
    }
    if (scope.inline.length > 0 && depth >= MAX_INLINE_ACTION_DEPTH) {
      throw new ChainError('transaction_exception', 'max inline action depth per transaction reached');
    }
    for (const inline of scope.inline) this.executeAction(inline, depth + 1, ordinal, false);
  }

  private executeOne(scope: ApplyScope, ordinal: number, creator: number, unnotifiedAncestor: number): void {
    const t0 = performance.now();
    const { act, receiver } = scope;
    const acct = this.state.getAccount(receiver);
    if (!acct)
      throw new ChainError('action_validate_exception', `account '${receiver}' does not exist (receiver of ${act.account}::${act.name})`);
    const deltas = this.deltas;
    deltas.clear();
    this.state.ramDeltas = deltas;
    let result: { console: string; returnValue: Uint8Array } | undefined;
    try {
      result = this.applyOne(scope, acct);
    } finally {
      this.state.ramDeltas = null;
    }
    const console = result?.console ?? '';
    const returnValue = result?.returnValue ?? NO_RETURN_VALUE;
    this.checkRamDeltas(scope, acct, deltas);
    for (const [account, delta] of deltas) if (delta > 0) this.ramGrew.add(account);
    const receipt = this.receipt(acct, scope, scope.digester.digest(returnValue));
    this.digests?.pushSha256(packActionReceipt(receipt));
    this.traces.push({
      actionOrdinal: ordinal,
      creatorActionOrdinal: creator,
      closestUnnotifiedAncestorActionOrdinal: ordinal === unnotifiedAncestor ? creator : unnotifiedAncestor,
      receiver,
      act,
      contextFree: scope.contextFree,
      elapsedUs: Math.round((performance.now() - t0) * 1000),
      console,
      returnValue,
      receipt,
      ramDeltas: deltas.size === 0 ? [] : [...deltas].filter(([, d]) => d !== 0).map(([account, delta]) => ({ account, delta })),
    });
  }

  /** Leap `resource_limits_manager::verify_account_ram_usage` for every account whose RAM grew. */
  private checkRamLimits(): void {
    for (const name of this.ramGrew) {
      const limit = this.state.resourceLimits.get(name).ramBytes;
      const usage = this.state.getAccount(name)?.ramUsage ?? 0;
      if (limit >= 0n && BigInt(usage) > limit) {
        throw new ChainError('ram_usage_exceeded', `account ${name} has insufficient ram; needs ${usage} bytes has ${limit} bytes`);
      }
    }
  }

  /**
   * Leap's `ram_restrictions`: an unprivileged receiver may raise another account's RAM only
   * outside notifications and only when that account authorized the action.
   */
  private checkRamDeltas(scope: ApplyScope, acct: AccountRecord, deltas: Map<string, number>): void {
    if (acct.privileged) return;
    for (const [account, delta] of deltas) {
      if (delta <= 0 || account === acct.name) continue;
      if (scope.receiver !== scope.act.account) {
        throw new ChainError(
          'unauthorized_ram_usage_increase',
          `unprivileged contract cannot increase RAM usage of another account within a notify context: ${account}`,
        );
      }
      if (!scope.act.authorization.some((l) => l.actor === account)) {
        throw new ChainError(
          'unauthorized_ram_usage_increase',
          `unprivileged contract cannot increase RAM usage of another account that has not authorized the action: ${account}`,
        );
      }
    }
  }

  /** Runs the receiver's native handler and contract; the contract's console and return value, when it has code. */
  private applyOne(scope: ApplyScope, acct: AccountRecord): { console: string; returnValue: Uint8Array } | undefined {
    const { act, receiver } = scope;
    if (receiver === 'eosio' && act.account === 'eosio') {
      const handler = NATIVE_ACTIONS.get(act.name);
      if (handler) {
        if (scope.contextFree) throw new ChainError('unaccessible_api', `native action eosio::${act.name} cannot run context-free`);
        handler(this.nativeContext(act));
      }
    }
    if (acct.code) {
      this.host.scope = scope;
      // the action as names' values, the same for every receiver: built once per action
      const vm = (scope.vmAction ??= {
        account: valueOf(act.account),
        name: valueOf(act.name),
        authorization: act.authorization.map((l): VmLevel => ({ actor: valueOf(l.actor), permission: valueOf(l.permission) })),
      });
      const action: ContractAction = scope.contextFree
        ? { receiver: acct.value, account: vm.account, name: vm.name, data: act.data, authorization: vm.authorization, contextFree: true }
        : { receiver: acct.value, account: vm.account, name: vm.name, data: act.data, authorization: vm.authorization };
      const result = this.vm.apply(acct.code, action, this.host, {
        codeHash: acct.codeHashHex,
        cpuUnits: this.cpuLimit - this.cpuUnits,
      });
      this.cpuUnits += result.cpuUnits;
      return result;
    }
    return undefined;
  }

  private receipt(acct: AccountRecord, scope: ApplyScope, actDigest: Uint8Array): ActionReceipt {
    const st = this.state;
    const actors = (scope.actors ??= sortedActors(scope.act));
    // sized to fit, not grown by push (which leaves room for 16): the undo record of the sequences
    // keeps this array until the block is sealed, so its spare slots would be copied by every
    // scavenge in between (docs/performance.md, fourteenth round)
    const authorizers: AccountRecord[] = new Array(actors.length);
    let found = 0;
    for (const actor of actors) {
      const a = st.getAccount(actor);
      if (a) authorizers[found++] = a;
    }
    if (found < actors.length) authorizers.length = found;
    const globalSequence = st.receiptSequences(acct, authorizers);
    const authSequence: Array<[string, number]> = authorizers.map((a) => [a.name, a.authSequence]);
    return {
      receiver: acct.name,
      actDigest,
      globalSequence,
      recvSequence: acct.recvSequence,
      authSequence,
      codeSequence: acct.codeSequence,
      abiSequence: acct.abiSequence,
    };
  }

  private nativeContext(act: ExecAction): NativeContext {
    return {
      state: this.state,
      authorization: act.authorization,
      data: act.data,
      blockTime: this.blockTime,
      requireAuthorization: (account: string) => {
        if (!act.authorization.some((l) => l.actor === account))
          throw new ChainError('missing_auth_exception', `missing authority of ${account}`);
      },
      validateCode: this.validateCode,
    };
  }
}
