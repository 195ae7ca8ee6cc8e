/**
 * The chain controller: validates and executes pushed transactions into the pending block,
 * seals blocks, appends them to the block log, and rebuilds state on start by replaying the log.
 * Blocks are Leap's: block 1 is the unsigned genesis block, every later block is signed by the
 * producer its slot is scheduled to under Leap's legacy digest (block/block-header-state.ts), and
 * every block applied from the log or a peer is checked by the same rule before it runs.
 * Input checks follow Leap's order and messages: duplicate id, expiration (not past, at most
 * `MAX_TRANSACTION_LIFETIME_SEC` ahead of the pending block time), TaPoS against the last 65536
 * blocks, actions and authorizations present, keys recovered from canonical signatures
 * (duplicates refused), authority check (irrelevant signatures refused), then execution.
 */
import {
  BlockId,
  MAX_TRANSACTION_LIFETIME_SEC,
  type PrivateKey,
  type PublicKey,
  Name,
  BlockTimestamp,
  bytesToHex,
  bytesEqual,
  signingDigest,
  signCanonical,
  GenesisState,
  KeyType,
  Signature,
  keyIdOf,
  PRODUCER_REPETITIONS,
  type ProducerSchedule,
} from '../../abi/antelope/index.js';
import { BlockHeaderState } from '../block/block-header-state.js';
import { betterHead, ForkDatabase, type DoubleSign } from '../block/fork-database.js';
import { ContractVm, validate as validateWasm } from '../vm/contract-vm.js';
import { ChainState, type StateStoreOptions, type StoreWrite } from '../state/chain-state.js';
import { COMMIT_KEY, STATE_COMMIT_BLOCKS, decodeCommit, encodeCommit, type StoreCommit } from '../state/store-commit.js';
import { stateDigestOf, HashAccumulator } from '../state/state-digest.js';
import { AuthorizationManager } from './authorization-manager.js';
import { CPU_UNITS_PER_US, TransactionExecutor, transactionInputOf, type BlockCpu } from './transaction-executor.js';
import { ChainError, isBlockFull, toChainError } from '../chain-error.js';
import { billedAccount, COMPUTE_CPU_ALLOWANCE_US, COMPUTE_CPU_DRAIN_US_PER_S, FailedCpuBilling, NODE_WIDE } from './failed-cpu-billing.js';
import { singleKeyAuthority } from '../authority.js';
import type { TransactionTrace } from './action-trace.js';
import {
  blockId,
  blockNumOfId,
  decodeBlock,
  encodeBlock,
  merkleRoot,
  receiptDigest,
  type BlockHeader,
  type PackedTrx,
  type SignedBlock,
  type TransactionReceipt,
} from '../block.js';
import { decodePackedTrx, type DecodedTransaction } from '../packed-transaction.js';
import type { BlockLog } from '../block/block-log.js';
import type { Genesis } from './genesis.js';
import type { KeyRecovery } from '../keys/key-recovery.js';
import type { KeyRecoveryPool } from '../keys/key-recovery-pool.js';
import { PrimedRecovery, type SignedDigest } from '../keys/primed-recovery.js';
import { TransactionStatus } from './transaction-status.js';
import { DigestList } from './digest-list.js';
import { parseSnapshot, SNAPSHOT_SUMMARIES, StateSnapshot, type SnapshotFile } from '../state/state-snapshot.js';
import type { Schedule } from '../state/producer-schedule.js';
import { RecentTransactions } from '../state/recent-transactions.js';
import { StoredRecent } from '../state/stored-recent.js';
import { createGovernanceAccounts, updateProducersAuthority } from './producers-authority.js';
import { fromLegacySchedule, toLegacySchedule } from './legacy-schedule.js';

/** TaPoS window: Leap's block summary table has 2^16 entries (ref_block_num is a uint16). */
const TAPOS_WINDOW = 0x10000;
const BLOCK_INTERVAL_MS = 500;
/** How many recent blocks `freshen` keeps young: eosjs references the block 3 behind the head. */
export const FRESH_BLOCKS = 4;

export interface HeadBlock {
  num: number;
  id: Uint8Array;
  /** block_timestamp_type slot. */
  timestamp: number;
  block: SignedBlock;
  /** Leap's block header state after this block (schedules, LIB, merkle of previous ids). */
  state: BlockHeaderState;
}

export interface PushResult {
  trace: TransactionTrace;
  blockNum: number;
  /** Block time, ms since the Unix epoch. */
  blockTime: number;
  receipt: TransactionReceipt;
  /** Resolves once the accepted transaction is journaled durably (see accepted-journal.ts); absent without a journal. */
  accepted?: Promise<void>;
}

interface PendingBlock {
  num: number;
  timestamp: number;
  receipts: TransactionReceipt[];
  /** The action receipt digests, back to back (kept until the block is sealed; see digest-list.ts). */
  actionDigests: DigestList;
  /** Ids (hex) of the transactions in `receipts`, in order. */
  ids: string[];
  /** The receipts' net usage words, summed (the block's net usage, bounded by the chain's `max_block_net_usage`). */
  netWords: number;
  /** The receipts' CPU usage (µs), summed (the block's CPU, bounded by the chain's `max_block_cpu_usage`). */
  cpuUs: number;
}

/** The second of a head block's time: ids expiring at or before it are expired once it is the head. */
function headSecond(head: { timestamp: number }): number {
  return Math.floor(slotToMs(head.timestamp) / 1000);
}

/** A block applied on top of the last irreversible one: how to pop it again (Leap's undo session per block). */
interface ReversibleBlock {
  /** Undo mark opened before the block's changes. */
  mark: number;
  /** The head before this block. */
  before: HeadBlock;
  head: HeadBlock;
  /** Ids (hex) of its transactions (taken back out of the duplicate-check set when popped). */
  ids: string[];
  /** With a state store: the commits queued before it was applied (a later one holds its ids; stored-recent.ts). */
  commitsBefore: number;
}

/** The genesis producer schedule: `eosio` signing with the genesis key (version 0). */
function genesisSchedule(key: PublicKey): Schedule {
  return { version: 0, producers: [{ producerName: 'eosio', authority: singleKeyAuthority(key) }] };
}

function sameSchedule(a: ProducerSchedule | undefined, b: ProducerSchedule | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.version === b.version &&
    a.producers.length === b.producers.length &&
    a.producers.every(
      (p, i) => p.producerName.equals(b.producers[i]!.producerName) && p.blockSigningKey.equals(b.producers[i]!.blockSigningKey),
    )
  );
}

export function slotToMs(slot: number): number {
  return new BlockTimestamp(slot).toMilliseconds();
}

/** Blocks replayed between two turns of the event loop (an HTTP reply waits at most this many blocks). */
export const REPLAY_YIELD_BLOCKS = 64;

/** Header states `primeBlock` keeps for the blocks after them: a catch-up's window in flight (4 × 256 blocks), twice over. */
export const MAX_PRIMED_HEADERS = 2048;

/**
 * Unapplied transactions (a fork switch's popped blocks, an aborted pending block) that met a full
 * pending block and wait for the next ones: eight blocks of 2,000 (Leap's default CPU limits). Past
 * it the newest are dropped and reported (`ChainEvents.unappliedDropped`).
 */
export const MAX_WAITING_TRANSACTIONS = 16_384;

export interface ChainOptions {
  genesis: Genesis;
  /** The genesis key (`eosio` signs with it); null on a replica and on a node that joined a chain without it. */
  producerKey: PrivateKey | null;
  /**
   * A node that joined a chain without its genesis key (`peeros node --genesis FILE`): it validates
   * with the public key, takes pushes and produces in the slots of its `producerKeys` only.
   */
  joined?: boolean;
  /** More block signing keys (of `--producer` names): the node produces in the slots of the producers they sign for. */
  producerKeys?: readonly PrivateKey[];
  log: BlockLog;
  /**
   * Whose blocks the log holds: `'own'` (the default: this node wrote each after checking it) or
   * `'peer'` (a replica's copy of the followed node's log, which it may hold unchecked: replayed
   * with every transaction checked).
   */
  logSource?: BlockSource;
  recovery: KeyRecovery;
  /** Wall clock (ms); tests may pin it. */
  now?: () => number;
  /**
   * A state snapshot file's bytes to start from (used only if it matches the log; see
   * state-snapshot.ts), or how to read them (not read when the state store is used).
   */
  snapshot?: Uint8Array | null | (() => Promise<Uint8Array | null>);
  /** The block number of that snapshot, read cheaply (a state store older than it is not used). */
  snapshotBlock?: () => Promise<number | null>;
  /**
   * Take a snapshot every this many blocks (0 = never); with a state store, at such a block only once
   * enough changed since the last (chain-state.ts `SNAPSHOT_WALK_SHARE`).
   */
  snapshotEvery?: number;
  /** Who hears what happens to transactions and blocks (the node: its journal, timer, snapshots). */
  events?: ChainEvents;
  /** On a replica: where refused pushes should go instead (named in the refusal). */
  producerEndpoint?: string;
  /** Leave the log's blocks for the caller to replay with `replay()` (so it can serve meanwhile). */
  deferReplay?: boolean;
  /**
   * Opens where the state lives beyond its memory budget (chain-state.ts, store-commit.ts): the chain
   * starts at the store's last commit when the log holds that block, and empties it otherwise;
   * called once per state built (a half-loaded snapshot is dropped with its store). None: all in memory.
   */
  stateStore?: () => StateStoreOptions;
  /** Also recompute the digest over the whole store before using it (O(state); tests and audits). */
  verifyStateStore?: boolean;
  /** Commit the state to its store at least every this many blocks (default `STATE_COMMIT_BLOCKS`). */
  stateCommitEvery?: number;
}

/** What the chain reports to its owner; each is optional. */
export interface ChainEvents {
  /** The first transaction entered an empty pending block. */
  pendingStarted?(): void;
  /** A transaction was accepted into pending block `blockNum` (in acceptance order); may return when it is durable. */
  accepted?(packed: PackedTrx, blockNum: number): Promise<void> | undefined;
  /** Block `num` is in the log. */
  durable?(num: number): void;
  /**
   * A snapshot of the state after a block, once that block is in the log (every `snapshotEvery`
   * blocks); the receiver must write it (`chunks()`) or `abandon()` it.
   */
  snapshot?(s: StateSnapshot): void;
  /** A snapshot file given at start was not used, and why (the log was replayed instead). */
  snapshotRefused?(reason: string): void;
  /** The state store was opened at its last commit, block `blockNum`; `toReplay` log blocks follow it. */
  storeOpened?(blockNum: number, toReplay: number): void;
  /** The state store was not used, and why (it was emptied; the state is built from a snapshot or genesis). */
  storeRefused?(reason: string): void;
  /** The store's commit was of block `num`, which the log lacked (a crash before its append): appended from the store. */
  storeAppendedBlock?(num: number): void;
  /** A producer signed two different blocks for one slot (both kept in the fork database; fork choice decides). */
  doubleSigned?(d: DoubleSign): void;
  /** The head moved to another branch: `popped` blocks were undone, `applied` applied. */
  forkSwitched?(popped: number, applied: number): void;
  /**
   * An unapplied transaction met a full block and waits for block `blockNum` or a later one (its
   * record must outlive the block it was accepted into, which may be gone or sealed without it).
   */
  held?(packed: PackedTrx, blockNum: number): void;
  /** `count` unapplied transactions were dropped: more than `cap` (`MAX_WAITING_TRANSACTIONS`) waited. */
  unappliedDropped?(count: number, cap: number): void;
}

/** What `acceptBlock` did with a peer's block. */
export type AcceptOutcome = 'known' | 'stored' | 'applied';

/**
 * Where a block to apply comes from. `'own'`: this node's log, written only after the block was
 * checked (a replay, as Leap replays irreversible blocks: no signature, authority or input checks).
 * `'peer'`: anything else (the relay, a followed node's log): every transaction is checked as a
 * push is, and its receipt as this node would write it (Leap's full validation).
 */
export type BlockSource = 'own' | 'peer';

export class Chain {
  readonly state: ChainState;
  readonly vm = new ContractVm({ secondaryIndexes: true });
  readonly auth: AuthorizationManager;
  readonly executor: TransactionExecutor;
  readonly chainId: Uint8Array;
  readonly chainIdHex: string;
  /** What pushed transactions that failed have cost their signers (failed-cpu-billing.ts). */
  readonly failedCpu = new FailedCpuBilling();
  /** What compute_transaction calls have cost this node, whoever sent them (failed-cpu-billing.ts). */
  readonly computeCpu = new FailedCpuBilling(COMPUTE_CPU_ALLOWANCE_US, COMPUTE_CPU_DRAIN_US_PER_S, 'compute_transaction');
  /** Key recovery, with what `primeBlock` recovered ahead on the worker pool. */
  readonly recovery: PrimedRecovery;
  /** Who waits for the pending block to be sealed (`blockSealed`): pushes refused by a full block. */
  private sealedWaiters: Array<() => void> = [];
  /** Header states of blocks `primeBlock` verified and that may not be in the fork database yet (a window still arriving), by id; bounded. */
  private readonly primedHeaders = new Map<string, BlockHeaderState>();
  /** Whose blocks the log holds (`ChainOptions.logSource`): how `replay` applies them. */
  private readonly logSource: BlockSource;
  head!: HeadBlock;
  /** Highest block known written to the log. */
  durableNum = 0;
  /** Whether start used a snapshot, and of which block (0 = full replay). */
  startedFromSnapshot = 0;
  /** Whether start used the state store's last commit, and of which block (0 = no; -1 while loading). */
  startedFromStore = 0;
  /** Blocks `replay()` applied (those after the snapshot or the store's commit). */
  replayedBlocks = 0;
  /** The head block number at the state store's last commit. */
  private committedNum = 0;
  private readonly commitEvery: number;
  /** While `replay()` runs: blocks of the log applied so far, of how many. */
  replayProgress: { done: number; total: number } | null = null;
  /** The log block index `replay()` starts at (the snapshot's block number, else 0). */
  private replayFrom = 0;
  private readonly snapshotEvery: number;
  private readonly events: ChainEvents;
  /** Where a replica tells clients to push. */
  private readonly producerEndpoint: string | undefined;

  private readonly genesis: Genesis;
  private readonly producerKey: PrivateKey | null;
  /** Whether this node takes pushes and seals blocks (false on a read-only replica). */
  private readonly producing: boolean;
  /** The key that controls eosio and signs blocks (from genesis). */
  readonly producerPublicKey: PublicKey;
  /** The genesis state in Leap's form (chain id, block 1). */
  readonly genesisState: GenesisState;
  private readonly log: BlockLog;
  private readonly now: () => number;
  private readonly summaries: Array<Uint8Array | undefined> = new Array(TAPOS_WINDOW);
  private readonly summarySlots: number[] = new Array(TAPOS_WINDOW).fill(0);
  /**
   * Unexpired transaction ids (duplicate checks), expired in expiration order as heads advance: all
   * of them without a state store; with one, those not yet kept for good by the store (`stored`).
   */
  private readonly recent = new RecentTransactions();
  /** With a state store: the ids it holds, and which of `recent` may leave memory (stored-recent.ts). */
  private readonly stored: StoredRecent | null;
  /** Recent transactions and where they are (get_transaction_status). */
  readonly transactionStatus = new TransactionStatus();
  private readonly unflushed = new Map<number, SignedBlock>();
  /** Why writing a peer's applied block to the log failed (appendApplied), if it did. */
  private logFailure: Error | null = null;
  /** The last of those writes (settles, never rejects). */
  private written: Promise<void> = Promise.resolve();
  private pending: PendingBlock | null = null;
  /** Undo mark of the pending block's changes (open from its first transaction until sealed or aborted). */
  private pendingMark: number | null = null;
  /** While `produceSlot` re-applies transactions: the slot the pending block is for. */
  private slotOverride: number | null = null;
  /** Unapplied transactions that met a full block, oldest first; re-applied before anything else as each block is sealed or applied. */
  private waiting: PackedTrx[] = [];
  /** `MAX_WAITING_TRANSACTIONS`; a field so a test can lower it. */
  private readonly maxWaiting: number = MAX_WAITING_TRANSACTIONS;
  /** Applied blocks above the LIB, oldest first, each with its undo checkpoint still open. */
  private readonly reversible: ReversibleBlock[] = [];
  /** Verified reversible blocks of every branch heard of (fork-database.ts). */
  readonly forkDb = new ForkDatabase();
  /** Block signing keys this node holds, by key id (the genesis key, for `eosio`, and `--producer` keys). */
  private readonly signingKeys = new Map<string, PrivateKey>();

  private constructor(opts: ChainOptions) {
    this.state = new ChainState(opts.stateStore?.() ?? {});
    this.stored = this.state.store ? new StoredRecent(this.state.store, this.recent, this.state) : null;
    this.auth = new AuthorizationManager(this.state);
    this.genesis = opts.genesis;
    this.producerKey = opts.producerKey;
    this.producing = opts.producerKey !== null || opts.joined === true;
    this.genesisState = GenesisState.from(opts.genesis);
    this.producerPublicKey = this.genesisState.initialKey;
    this.log = opts.log;
    this.recovery = new PrimedRecovery(opts.recovery);
    this.logSource = opts.logSource ?? 'own';
    this.now = opts.now ?? Date.now;
    this.snapshotEvery = opts.snapshotEvery ?? 0;
    this.commitEvery = opts.stateCommitEvery ?? STATE_COMMIT_BLOCKS;
    for (const k of [...(opts.producerKey ? [opts.producerKey] : []), ...(opts.producerKeys ?? [])])
      this.signingKeys.set(keyIdOf(k.toPublic()), k);
    this.events = opts.events ?? {};
    this.producerEndpoint = opts.producerEndpoint;
    this.chainId = this.genesisState.chainId();
    this.chainIdHex = bytesToHex(this.chainId);
    this.executor = new TransactionExecutor(
      this.state,
      this.vm,
      this.auth,
      (code) => {
        try {
          validateWasm(code, { secondaryIndexes: true });
        } catch (e) {
          throw toChainError(e, 'wasm_exception');
        }
      },
      this.genesisState.initialConfiguration.max_transaction_cpu_usage * CPU_UNITS_PER_US,
    );
  }

  /**
   * Opens the chain: at the state store's last commit when it is sound (store-commit.ts), else at
   * genesis or a sound snapshot; then the log's later blocks are replayed (block 1 written if new).
   */
  static async open(opts: ChainOptions): Promise<Chain> {
    let chain = new Chain(opts);
    if (opts.log.length === 0 && (opts.producerKey || opts.joined)) {
      const g = chain.genesisBlock();
      await opts.log.append(encodeBlock(g.block), g.state.id);
    }
    if (chain.state.persistent) {
      const opened = await chain.openStore(opts);
      if (typeof opened === 'number') {
        chain.replayFrom = opened;
        chain.events.storeOpened?.(opened, opts.log.length - opened);
        if (!opts.deferReplay) await chain.replay();
        return chain;
      }
      chain.events.storeRefused?.(opened);
      if (chain.startedFromStore < 0) {
        await chain.state.close();
        chain = new Chain(opts); // half-loaded: start over
      }
    }
    chain.state.resetStore();
    chain.createGenesisAccounts(chain.state);
    let from = 0;
    const snapshot = typeof opts.snapshot === 'function' ? await opts.snapshot() : opts.snapshot;
    if (snapshot) {
      const restored = await chain.restore(snapshot);
      if (typeof restored === 'string') {
        chain.events.snapshotRefused?.(restored);
        if (chain.startedFromSnapshot < 0) {
          await chain.state.close();
          chain = Chain.atGenesis(opts); // half-loaded: start over
        }
      } else from = restored;
    }
    chain.replayFrom = from;
    if (!opts.deferReplay) await chain.replay();
    return chain;
  }

  /** A chain holding the genesis state only (eosio, eosio.null, eosio.prods, the genesis schedule); its store emptied. */
  private static atGenesis(opts: ChainOptions): Chain {
    const chain = new Chain(opts);
    chain.state.resetStore();
    chain.createGenesisAccounts(chain.state);
    return chain;
  }

  /**
   * Opens the state at the store's last commit when it is this chain's, the log holds its block with
   * the recorded id and header state, no snapshot is newer, and the recorded sum hashes to the
   * recorded digest (with `verifyStateStore`, also a recompute over the whole store); returns the
   * block number, or why not (then, if loading had begun, `startedFromStore` is -1). Costs the
   * secondary indexes, not the accounts, tables and transaction ids (those stay in the store).
   */
  private async openStore(opts: ChainOptions): Promise<number | string> {
    const store = this.state.store!;
    const bytes = store.get(COMMIT_KEY);
    if (bytes === undefined) return 'state store: empty (no commit yet)';
    let c: StoreCommit;
    try {
      c = decodeCommit(bytes);
    } catch (e) {
      return (e as Error).message;
    }
    if (!bytesEqual(c.chainId, this.chainId)) return `state store: holds another chain (${bytesToHex(c.chainId).slice(0, 16)}…)`;
    const n = c.blockNum;
    if (n === this.log.length + 1 && c.headBlock) {
      const appended = await this.appendCommittedBlock(c.headBlock, c.blockId);
      if (appended) return appended;
    }
    if (n < 1 || n > this.log.length) return `state store: at block ${n}, which the block log (${this.log.length} blocks) does not hold`;
    const logged = await this.log.get(n - 1);
    if (!logged) return `state store: block ${n} is missing from the log`;
    const block = decodeBlock(logged);
    const id = blockId(block);
    if (!bytesEqual(id, c.blockId)) return `state store: block ${n} of the log has another id (the store followed a dropped fork)`;
    let headerState: BlockHeaderState;
    try {
      headerState = BlockHeaderState.fromJSON(c.blockHeaderState);
    } catch (e) {
      return `state store: block header state unreadable (${(e as Error).message})`;
    }
    if (!bytesEqual(headerState.id, id)) return `state store: the block header state is not block ${n}'s`;
    const snapAt = (await opts.snapshotBlock?.()) ?? null;
    if (snapAt !== null && snapAt > n && snapAt <= this.log.length)
      return `state store: at block ${n}, older than the snapshot (block ${snapAt})`;
    const acc = new HashAccumulator();
    acc.restore(c.recordSum, c.recordCount);
    if (!bytesEqual(stateDigestOf(acc, c.globalSequence), c.stateDigest))
      return 'state store: its record sum does not hash to its recorded digest';
    this.startedFromStore = -1;
    try {
      this.state.openAtCommit(c); // the transaction ids stay in the store (stored-recent.ts)
    } catch (e) {
      return `state store: ${(e as Error).message}`;
    }
    if (!bytesEqual(this.state.digest(), c.stateDigest)) return 'state store: the reopened state does not hash to its recorded digest';
    if (opts.verifyStateStore && !bytesEqual(this.state.recomputeDigest(), c.stateDigest))
      return 'state store: its records do not hash to the recorded digest';
    for (const [num, sid, slot] of c.summaries) {
      this.summaries[num & 0xffff] = sid;
      this.summarySlots[num & 0xffff] = slot;
    }
    this.setHead({ num: n, id, timestamp: block.timestamp, block, state: headerState });
    this.committedNum = n;
    this.startedFromStore = n;
    return n;
  }

  /**
   * The store's commit ran before its block's append to the log completed, and the process died in
   * between: the block (the commit record's copy, this node's own output) goes to the log now, when
   * it has the recorded id and follows the log's last block. Returns why not, or null once appended.
   */
  private async appendCommittedBlock(bytes: Uint8Array, id: Uint8Array): Promise<string | null> {
    let block: SignedBlock;
    try {
      block = decodeBlock(bytes);
    } catch (e) {
      return `state store: the committed head block is unreadable (${(e as Error).message})`;
    }
    if (!bytesEqual(blockId(block), id)) return 'state store: the committed head block has another id';
    const last = this.log.length > 0 ? await this.log.get(this.log.length - 1) : undefined;
    if (!last || !bytesEqual(blockId(decodeBlock(last)), block.previous))
      return `state store: its block ${this.log.length + 1} does not follow the block log's last block`;
    try {
      await this.log.append(bytes, id);
    } catch (e) {
      return `state store: cannot append its block ${this.log.length + 1} to the block log (${(e as Error).message})`;
    }
    this.events.storeAppendedBlock?.(this.log.length);
    return null;
  }

  /** The writes that go with the records at a commit: the ids changed since the last one and the commit record. */
  private readonly commitWrites = (digest: Uint8Array): StoreWrite[] => {
    const out: StoreWrite[] = [];
    this.stored?.commitWrites(out, headSecond(this.head));
    const { sum, count } = this.state.recordSum;
    const commit: StoreCommit = {
      chainId: this.chainId,
      blockNum: this.head.num,
      blockId: this.head.id,
      stateDigest: digest,
      recordSum: sum,
      recordCount: count,
      globalSequence: this.state.globalSequence,
      producers: { active: this.state.producers.active, proposed: this.state.producers.proposed },
      blockHeaderState: this.head.state.toJSON(),
      summaries: this.lastSummaries(),
      // not in the log yet (a produced block's append runs after this): kept so a crash in between loses nothing
      headBlock: this.head.num > this.log.length ? encodeBlock(this.head.block) : null,
    };
    out.push([COMMIT_KEY, encodeCommit(commit)]);
    this.committedNum = this.head.num;
    return out;
  };

  /** [number, id, slot] of the last `SNAPSHOT_SUMMARIES` blocks (TaPoS after a restart). */
  private lastSummaries(): Array<[number, Uint8Array, number]> {
    const out: Array<[number, Uint8Array, number]> = [];
    for (let num = Math.max(1, this.head.num - SNAPSHOT_SUMMARIES + 1); num <= this.head.num; num++) {
      const id = this.summaries[num & 0xffff];
      if (id) out.push([num, id, this.summarySlots[num & 0xffff]!]);
    }
    return out;
  }

  /**
   * Between blocks (nothing pending): the state's cache is trimmed when over budget, and with a store
   * the state is committed with the head when `STATE_COMMIT_BLOCKS` blocks (`stateCommitEvery`)
   * passed since the last commit (or `force`, at a clean stop), or sooner when the state asks
   * (many changes, or a cache still over budget after its trim: chain-state.ts `atSafePoint`). Every write to the store is a commit
   * (a trim's too), so the store is always the state after one block, whole.
   */
  private atSafePoint(force = false): void {
    if (!this.state.persistent) return;
    this.state.atSafePoint({
      due: force || this.head.num - this.committedNum >= this.commitEvery,
      writes: this.commitWrites,
      // the commit record keeps one block the log lacks (its head), not more: with two appends in
      // flight (blocks sealed back to back) the commit is owed until the log catches up
      ready: this.head.num <= this.log.length + 1,
    });
    this.stored?.settle();
  }

  /**
   * After a block, with a store: when commits are owed beyond the backlog the state allows
   * (chain-state.ts `STATE_COMMITS_IN_FLIGHT`, `mustWait`), waits for the one in flight to land
   * (counted in `state.work`) and starts the next, until the backlog is under its bound or a block
   * is pending (its end runs the safe point).
   */
  async settleCommits(): Promise<void> {
    while (this.state.mustWait) {
      await this.state.settle();
      if (this.pendingMark !== null) return;
      this.atSafePoint();
    }
  }

  /**
   * A clean stop: the pending block (if any) is dropped — its transactions are in the accepted journal
   * — and the state is committed to its store at the head, once the commits in flight landed;
   * resolves when that commit landed. Call once no snapshot is being written.
   */
  async commitState(): Promise<void> {
    if (!this.state.persistent || !this.head) return;
    this.abortBlock();
    await this.state.settle();
    this.atSafePoint(true);
    await this.state.settle();
  }

  /** The head block number at the state store's last commit (0: none in this run). */
  get stateCommittedAt(): number {
    return this.committedNum;
  }

  private genesisMs(): number {
    return Math.floor(this.genesisState.initialTimestamp.micros / 1000);
  }

  private createGenesisAccounts(state: ChainState): void {
    const auth = singleKeyAuthority(this.producerPublicKey);
    state.createAccount('eosio', auth, auth, this.genesisMs(), true);
    state.producers.active = genesisSchedule(this.producerPublicKey);
    createGovernanceAccounts(state, this.genesisMs());
  }

  /** Block 1 as Leap makes it: the genesis header, an empty (all-zero) signature, no transactions. */
  genesisBlock(): { block: SignedBlock; state: BlockHeaderState } {
    const state = BlockHeaderState.genesis(this.genesisState);
    return { block: { ...state.header, producerSignature: new Signature(KeyType.K1, new Uint8Array(65)), transactions: [] }, state };
  }

  /**
   * Loads a snapshot file when the log's block N has the recorded id and the loaded state hashes
   * to the recorded digest; returns N, or why not (then, if loading had begun, `startedFromSnapshot`
   * is -1 and the caller starts over from genesis). The state is loaded once, into this chain.
   */
  private async restore(bytes: Uint8Array): Promise<number | string> {
    let file: SnapshotFile;
    try {
      file = parseSnapshot(bytes);
    } catch (e) {
      return (e as Error).message;
    }
    const h = file.head;
    if (h.blockNum < 1 || h.blockNum > this.log.length) return `state snapshot: block ${h.blockNum} is not in the log`;
    const logged = await this.log.get(h.blockNum - 1);
    if (!logged) return `state snapshot: block ${h.blockNum} is missing from the log`;
    const block = decodeBlock(logged);
    const id = blockId(block);
    if (!bytesEqual(id, h.blockId)) return `state snapshot: block ${h.blockNum} of the log has another id`;
    if (!file.blockHeaderState) return 'state snapshot: no block header state (written before Leap blocks)';
    let headerState: BlockHeaderState;
    try {
      headerState = BlockHeaderState.fromJSON(file.blockHeaderState);
    } catch (e) {
      return `state snapshot: block header state unreadable (${(e as Error).message})`;
    }
    if (!bytesEqual(headerState.id, id)) return `state snapshot: the block header state is not block ${h.blockNum}'s`;
    this.startedFromSnapshot = -1;
    try {
      file.loadInto(this.state);
    } catch (e) {
      return (e as Error).message;
    }
    if (!bytesEqual(this.state.digest(), h.stateDigest)) return 'state snapshot: the loaded state does not hash to its recorded digest';
    for (const [txid, exp] of file.recent) this.recent.add(txid, exp);
    this.stored?.irreversible(
      file.recent.map(([txid]) => txid),
      this.state.commitsQueued,
    );
    for (const [num, sid, slot] of file.summaries) {
      this.summaries[num & 0xffff] = sid;
      this.summarySlots[num & 0xffff] = slot;
    }
    this.setHead({ num: h.blockNum, id, timestamp: block.timestamp, block, state: headerState });
    this.startedFromSnapshot = h.blockNum;
    return h.blockNum;
  }

  /**
   * Starts a snapshot of the state after the head block (call only with nothing pending): O(1)
   * here besides the last block ids (TaPoS); the state and the unexpired transaction ids are read
   * later, copy-on-write, while blocks go on (state-snapshot.ts). Null while an earlier snapshot is
   * still being written, and, with a store, while the log lacks more than the head (the capture's
   * commit record could not keep the blocks in between).
   */
  takeSnapshot(): StateSnapshot | null {
    if (this.state.persistent && this.head.num > this.log.length + 1) return null;
    const capture = this.state.beginCapture(this.state.persistent ? this.commitWrites : undefined);
    if (!capture) return null;
    // with a store, the ids at N are the store's, read through the view of the capture's commit
    const recent = this.stored ? { stored: this.stored, nowSec: headSecond(this.head) } : this.recent.beginCapture();
    if (!recent) {
      this.state.endCapture(capture);
      return null;
    }
    const summaries = this.lastSummaries();
    const meta = {
      blockNum: this.head.num,
      blockId: this.head.id,
      stateDigest: this.state.digest(),
      globalSequence: this.state.globalSequence,
      recent,
      summaries,
      blockHeaderState: this.head.state.toJSON(),
    };
    return new StateSnapshot(meta, this.state, capture);
  }

  /**
   * Replays the log's blocks after the snapshot (all of them without one), giving the event loop
   * a turn every `REPLAY_YIELD_BLOCKS` blocks so an HTTP server can answer meanwhile;
   * `replayProgress` says how far it got.
   */
  async replay(): Promise<void> {
    const n = this.log.length;
    const from = this.replayFrom;
    this.replayProgress = { done: from, total: n };
    for (let i = from; i < n; i++) {
      const bytes = await this.log.get(i);
      if (!bytes) throw new ChainError('block_validate_exception', `block log: block ${i + 1} is missing`);
      this.applyLoggedBlock(i + 1, bytes, this.logSource);
      if (this.state.mustWait) await this.settleCommits();
      this.replayedBlocks++;
      this.replayProgress.done = i + 1;
      if ((i + 1 - from) % REPLAY_YIELD_BLOCKS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.durableNum = n;
    this.replayProgress = null;
  }

  /**
   * Applies block `num` read from a block log (ours on replay, a peer's when following). Nothing is
   * applied unless the block passes Leap's checks: block 1 must be this chain's genesis block; a
   * later block must link to the head, be made by the producer its slot is scheduled to, carry that
   * producer's signature over Leap's legacy digest, and have the transaction_mroot of its
   * transactions; then they are re-executed at its time and the action_mroot must come out as
   * recorded. Only a block of this node's own log (`source` `'own'`) skips the checks of its
   * transactions' signatures, authorities and inputs, as Leap replays (see `BlockSource`).
   */
  applyLoggedBlock(num: number, bytes: Uint8Array, source: BlockSource = 'peer'): void {
    if (num === 1) {
      const g = this.genesisBlock();
      if (!bytesEqual(bytes, encodeBlock(g.block))) {
        throw new ChainError(
          'block_validate_exception',
          "block 1 is not the genesis block of this chain (a data folder written before blocks followed Leap's rules cannot be read: start a new one)",
        );
      }
      this.setHead({ num: 1, id: g.state.id, timestamp: g.block.timestamp, block: g.block, state: g.state });
      return;
    }
    if (num !== this.head.num + 1) throw new ChainError('unlinkable_block_exception', `block ${num} cannot follow head ${this.head.num}`);
    this.applyBlock(decodeBlock(bytes), undefined, source);
  }

  /**
   * Leap's header checks of a block that would follow `prev` (links, slot producer, schedule rules,
   * signature, transaction_mroot), without executing it: the header state after it.
   */
  validateHeader(prev: BlockHeaderState, block: SignedBlock): BlockHeaderState {
    const num = prev.blockNum + 1;
    if (block.headerExtensions) {
      throw new ChainError(
        'invalid_block_header_extension',
        `block ${num}: header extensions (protocol feature activations) are not supported by this node`,
      );
    }
    const state = prev.next(block);
    state.verifySignee(block.producerSignature, (sig, digest) => this.recovery.recover(sig, digest));
    if (!bytesEqual(merkleRoot(block.transactions.map(receiptDigest)), block.transactionMroot)) {
      throw new ChainError('block_validate_exception', `block ${num}: transaction_mroot does not match its transactions`);
    }
    return state;
  }

  /**
   * Verifies and executes `block` on top of the head (nothing may be pending) and makes it the
   * head; its changes stay undoable until it is irreversible. `checked` is its header state when
   * `validateHeader` already ran. A block from a peer (the default) has each transaction checked as
   * a push is before it runs (`validateBlockTransaction`).
   */
  applyBlock(block: SignedBlock, checked?: BlockHeaderState, source: BlockSource = 'peer'): void {
    if (this.pendingMark !== null) throw new Error('applyBlock with a pending block: abortBlock() first');
    const num = this.head.num + 1;
    if (block.headerExtensions) {
      throw new ChainError(
        'invalid_block_header_extension',
        `block ${num}: header extensions (protocol feature activations) are not supported by this node`,
      );
    }
    const state = checked && bytesEqual(checked.header.previous, this.head.id) ? checked : this.validateHeader(this.head.state, block);
    const expected = this.announcement(this.head.state);
    if (!sameSchedule(expected, block.newProducers)) {
      throw new ChainError(
        'block_validate_exception',
        `block ${num}: new_producers is not the schedule this chain has waiting to be announced`,
      );
    }
    const digests = new DigestList();
    const ids: string[] = [];
    const expirations: Array<[string, number]> = [];
    const blockTimeMs = slotToMs(block.timestamp);
    let blockWords = 0;
    // a peer's block runs within the chain's CPU limit, billed as this node computes it, so
    // validating it costs at most that much whatever its producer put in it and claims; the node's
    // own log was produced within it
    let blockUs = 0;
    const mark = this.state.undo.checkpoint();
    try {
      if (expected) this.state.producers.take();
      for (const r of block.transactions) {
        const d = decodePackedTrx(r.trx);
        const cpu = source === 'peer' ? this.validateBlockTransaction(num, r, d, blockTimeMs, blockWords, blockUs) : undefined;
        blockWords += r.netUsageWords;
        let trace: TransactionTrace;
        try {
          trace = this.executor.execute(transactionInputOf(d, num), blockTimeMs, cpu, digests);
        } catch (e) {
          const err = toChainError(e);
          if (err.code === 'block_cpu_usage_exceeded')
            throw new ChainError(err.code, `block ${num}: transaction ${d.idHex}: ${err.message}`);
          throw new ChainError(
            'block_validate_exception',
            `replay of block ${num} diverged: transaction ${d.idHex} failed: ${(e as Error).message}`,
          );
        }
        const billedUs = this.billedCpuUs(trace.cpuUnits);
        // metered units are the same on every node, so the receipt must say what this node billed
        if (source === 'peer' && r.cpuUsageUs !== billedUs) {
          throw new ChainError(
            'block_validate_exception',
            `block ${num}: the receipt of transaction ${d.idHex} does not match: cpu_usage_us ${r.cpuUsageUs}, this node computes ${billedUs}`,
          );
        }
        blockUs += billedUs;
        // listed once added: a refusal removes only what this block added (a duplicate's id is an earlier block's)
        this.recent.add(d.idHex, d.trx.expiration.seconds);
        ids.push(d.idHex);
        expirations.push([d.idHex, d.trx.expiration.seconds]);
      }
      if (!bytesEqual(digests.merkleRoot(), block.actionMroot)) {
        throw new ChainError('block_validate_exception', `replay of block ${num} diverged: action_mroot differs from the one recorded`);
      }
    } catch (e) {
      this.state.undo.rollback(mark);
      for (const id of ids) this.recent.delete(id);
      throw e;
    }
    this.pushReversible(mark, { num, id: state.id, timestamp: block.timestamp, block, state }, ids);
    this.transactionStatus.included(num, state.id, blockTimeMs, expirations);
    if (this.primedHeaders.size > 0) this.primedHeaders.delete(bytesToHex(state.id));
  }

  /**
   * A transaction of a peer's block `num`, before it runs: its receipt must say executed (deferred
   * transactions are disabled, so nothing else is valid) and carry the net usage this node
   * computes (its CPU usage is checked once it has run), within the chain's net limits with the `blockWords` before it and with CPU left after
   * the `blockUs` before it (what it may run is returned); then the checks of a push at the block's
   * time (expiration, TaPoS, duplicates, shape) and its signatures against the authorities it
   * declares. A producer's signature covers only
   * what the producer chose to include: without these, a producer could spend any account's
   * tokens or replay a user's transaction, and every validating node would follow.
   */
  private validateBlockTransaction(
    num: number,
    r: TransactionReceipt,
    d: DecodedTransaction,
    blockTimeMs: number,
    blockWords: number,
    blockUs: number,
  ): BlockCpu {
    if (r.status !== 0) {
      throw new ChainError(
        'block_validate_exception',
        `block ${num}: transaction ${d.idHex} has receipt status ${r.status}, only executed (0) is valid for an input transaction`,
      );
    }
    const net = this.netUsageWords(d.packed);
    if (r.netUsageWords !== net) {
      throw new ChainError(
        'block_validate_exception',
        `block ${num}: the receipt of transaction ${d.idHex} does not match: net_usage_words ${r.netUsageWords}, this node computes ${net}`,
      );
    }
    try {
      this.checkNetUsage(net, blockWords);
      const cpu = this.blockCpu(blockUs);
      this.validateInput(d, blockTimeMs, 'validating');
      this.auth.check(d.actions, this.recoverKeys(d), [], false);
      return cpu;
    } catch (e) {
      const err = toChainError(e);
      throw new ChainError(err.code, `block ${num}: transaction ${d.idHex}: ${err.message}`);
    }
  }

  /** Makes `head` the head with its undo checkpoint (`mark`) kept open, then releases what became irreversible. */
  private pushReversible(mark: number, head: HeadBlock, ids: string[]): void {
    const before = this.head;
    this.setHead(head);
    this.reversible.push({ mark, before, head, ids, commitsBefore: this.state.commitsQueued });
    const lib = head.state.dposIrreversibleBlocknum;
    while (this.reversible.length > 0 && this.reversible[0]!.head.num <= lib) {
      const r = this.reversible.shift()!;
      this.stored?.irreversible(r.ids, r.commitsBefore);
      this.state.undo.releaseOldest(this.reversible[0]?.mark ?? this.pendingMark ?? this.state.undo.end);
    }
    this.forkDb.prune(lib);
    if (this.pendingMark === null) this.atSafePoint();
  }

  /**
   * A block from a peer: its header is verified against the block it builds on (any reversible
   * block of any branch: signature of the slot's producer under that branch's schedule, links,
   * transaction_mroot) and it joins the fork database; when its branch becomes the best by Leap's
   * legacy rule the node switches to it: the pending block is aborted, blocks above the fork point
   * popped, the branch's blocks executed (a block that fails is dropped with its descendants and
   * the old branch restored), and the log follows. Unapplied transactions are re-applied after.
   * `unlinkable_block_exception` when it builds on no block this node knows (ask for earlier ones).
   */
  async acceptBlock(block: SignedBlock): Promise<AcceptOutcome> {
    if (this.logFailure) throw new ChainError('chain_exception', `the block log cannot be written: ${this.logFailure.message}`);
    if (this.linkHeader(block) === 'known') return 'known';
    const idHex = bytesToHex(blockId(block));
    const prev = this.forkDb.get(bytesToHex(block.previous))!;
    const headHex = bytesToHex(this.head.id);
    this.forkDb.checkRoom(block, headHex);
    // verified as it was queued (its header state follows from the same block before it)
    const state = this.primedHeaders.get(idHex) ?? this.validateHeader(prev.state, block);
    // only a verified block makes another producer's give way
    this.forkDb.makeRoom(block, headHex);
    const double = this.forkDb.add({ idHex, block, state });
    if (double) this.events.doubleSigned?.(double);
    const applied = await this.switchToBest();
    if (this.state.mustWait) await this.settleCommits();
    return applied ? 'applied' : 'stored';
  }

  /**
   * What `acceptBlock` answers from a block's header alone, so a peer's block is decoded whole only
   * past it: 'known' when the fork database holds it, `unlinkable_block_exception` when it builds
   * on no block there, else 'links'.
   */
  linkHeader(header: BlockHeader): 'known' | 'links' {
    const idHex = bytesToHex(blockId(header));
    if (this.forkDb.has(idHex)) return 'known';
    if (!this.forkDb.get(bytesToHex(header.previous))) {
      throw new ChainError(
        'unlinkable_block_exception',
        `block ${blockNumOfId(header.previous) + 1} (${idHex.slice(0, 16)}) builds on no block this node knows above its LIB ${this.lastIrreversibleBlockNum}`,
      );
    }
    return 'links';
  }

  /**
   * Whether `primeHeader` could verify a block of this header now: neither it nor the block it
   * builds on is unknown here (known, or primed just before), and it is not known or primed itself.
   */
  canPrime(header: BlockHeader): boolean {
    const idHex = bytesToHex(blockId(header));
    if (this.forkDb.has(idHex) || this.primedHeaders.has(idHex)) return false;
    const prevHex = bytesToHex(header.previous);
    return this.primedHeaders.has(prevHex) || this.forkDb.has(prevHex);
  }

  /**
   * Starts recovering the keys of `block`'s transaction signatures on `pool`'s threads, so that
   * applying it later (`acceptBlock`, `applyLoggedBlock` from a peer) finds them ready: blocks that
   * arrive one after another have their keys recovered while the blocks before them execute. Only
   * a block whose header verifies (signed by its slot's producer, on a block this node knows or
   * primed just before) is primed, so a peer cannot make the workers recover what no producer
   * signed, and a block known here or primed already is not primed again. Nothing else changes:
   * `acceptBlock` checks the block again in full. Null when the block is not primed (known,
   * unlinkable, refused: its own checks will say why).
   */
  primeBlock(block: SignedBlock, pool: KeyRecoveryPool): Promise<void> | null {
    return this.primeHeader(block) ? null : this.primeTransactions(block, pool);
  }

  /**
   * The first half of `primeBlock`: verifies the header of a block with transactions, on the block
   * it builds on (known, or primed just before), and keeps its header state for `primeTransactions`
   * and `acceptBlock` (which then does not verify it again). The refusal when the header is refused
   * (its block is refused the same way when its turn comes), else null: verified, or nothing to
   * verify now (no transactions, known, primed already, unlinkable).
   */
  primeHeader(block: SignedBlock): ChainError | null {
    if (block.transactions.length === 0) return null;
    // a block flooded by several peers is verified once
    const idHex = bytesToHex(blockId(block));
    if (this.forkDb.has(idHex) || this.primedHeaders.has(idHex)) return null;
    const prevHex = bytesToHex(block.previous);
    const prev = this.primedHeaders.get(prevHex) ?? this.forkDb.get(prevHex)?.state;
    if (!prev) return null;
    let state: BlockHeaderState;
    try {
      state = this.validateHeader(prev, block);
    } catch (e) {
      return toChainError(e);
    }
    if (this.primedHeaders.size >= MAX_PRIMED_HEADERS) this.primedHeaders.delete(this.primedHeaders.keys().next().value!);
    this.primedHeaders.set(idHex, state);
    return null;
  }

  /**
   * The second half of `primeBlock`: starts recovering the keys of a block whose header
   * `primeHeader` verified (null for any other block, or when it was applied meanwhile).
   */
  primeTransactions(block: SignedBlock, pool: KeyRecoveryPool): Promise<void> | null {
    if (!this.primedHeaders.has(bytesToHex(blockId(block)))) return null;
    const items: SignedDigest[] = [];
    for (const r of block.transactions) {
      let d: DecodedTransaction;
      try {
        d = decodePackedTrx(r.trx);
      } catch {
        continue; // refused when the block applies
      }
      const digest = signingDigest(this.chainId, d.trxBytes, d.cfdBytes).array;
      for (const sig of d.packed.signatures) items.push({ sig, digest });
    }
    return this.recovery.prime(items, pool);
  }

  /** Moves the head to the fork database's best branch when it is better than the head's; true if it moved. */
  private async switchToBest(): Promise<boolean> {
    const best = this.forkDb.best(this.head.state.dposIrreversibleBlocknum);
    if (!best || !betterHead(best.state, this.head.state)) return false;
    const ours = new Set([bytesToHex((this.reversible[0]?.before ?? this.head).id), ...this.reversible.map((r) => bytesToHex(r.head.id))]);
    const branch = this.forkDb.branchFrom(best.idHex, (id) => ours.has(id));
    if (!branch || branch.length === 0) return false;
    const forkPoint = bytesToHex(branch[0]!.block.previous);
    const unapplied = this.abortBlock();
    const popped: HeadBlock[] = [];
    while (bytesToHex(this.head.id) !== forkPoint) popped.push(this.popBlock());
    popped.reverse();
    const applied: HeadBlock[] = [];
    let failure: unknown = null;
    for (const b of branch) {
      try {
        this.applyBlock(b.block, b.state, 'peer');
        applied.push(this.head);
      } catch (e) {
        this.forkDb.removeBranch(b.idHex);
        failure = e;
        break;
      }
    }
    if (failure !== null) {
      // Leap restores the branch it was on when a block of the new one fails
      while (applied.length > 0) {
        this.popBlock();
        applied.pop();
      }
      // checked when first applied (or made here): put back as they were
      for (const h of popped) this.applyBlock(h.block, h.state, 'own');
      this.reapply(unapplied);
      throw failure;
    }
    if (popped.length > 0) {
      await this.log.truncate(popped[0]!.num - 1, forkPoint);
      this.durableNum = Math.min(this.durableNum, popped[0]!.num - 1);
      this.events.forkSwitched?.(popped.length, applied.length);
    }
    for (const h of applied) this.appendApplied(h);
    this.reapply([...popped.flatMap((h) => h.block.transactions.map((r) => r.trx)), ...unapplied]);
    return true;
  }

  /**
   * Writes a block applied from a peer to the log without holding up the next one (a catch-up
   * applies block after block while the log writes them, in order; `getBlock` serves a block from
   * memory until it is written). A failed write refuses the next peer block (`logFailure`).
   */
  private appendApplied(h: HeadBlock): void {
    const block = h.block;
    this.unflushed.set(h.num, block);
    this.written = this.log
      .append(encodeBlock(block), h.id)
      .then(
        () => {
          this.durableNum = Math.max(this.durableNum, h.num);
          this.events.durable?.(h.num);
        },
        (e: unknown) => {
          this.logFailure ??= e instanceof Error ? e : new Error(String(e));
        },
      )
      .finally(() => {
        if (this.unflushed.get(h.num) === block) this.unflushed.delete(h.num);
      });
  }

  /** Resolves once every block applied from a peer so far is in the log (or failed: `logFailure`). */
  logWritten(): Promise<void> {
    return this.written;
  }

  /** Whether this node holds the key of the producer scheduled for `slot` on its head. */
  ownsSlot(slot: number): boolean {
    return this.signingKeys.has(keyIdOf(this.head.state.scheduledProducer(slot).blockSigningKey));
  }

  /**
   * Produces the block of `slot` when this node holds its producer's key and the head is older
   * (Leap's producer at a slot boundary); pending transactions made for another slot are moved to
   * this one. Null when the slot is not this node's to produce.
   */
  async produceSlot(slot: number): Promise<{ num: number; id: string } | null> {
    if (slot <= this.head.timestamp || !this.ownsSlot(slot) || !this.producing) return null;
    if (this.pending && this.pending.receipts.length > 0 && this.pending.timestamp !== slot) {
      const unapplied = this.abortBlock();
      this.slotOverride = slot;
      try {
        this.reapply(unapplied);
      } finally {
        this.slotOverride = null;
      }
    }
    return this.produceBlock(slot);
  }

  /** Blocks applied above the LIB that `popBlock` can undo, oldest first. */
  get reversibleHeads(): readonly HeadBlock[] {
    return this.reversible.map((r) => r.head);
  }

  /**
   * Undoes the head block (it must be reversible and nothing pending): its state changes are
   * rolled back and the block before it is the head again. Returns the popped block.
   */
  popBlock(): HeadBlock {
    if (this.pendingMark !== null) throw new Error('popBlock with a pending block: abortBlock() first');
    const top = this.reversible.pop();
    if (!top) throw new ChainError('fork_database_exception', `block ${this.head.num} is irreversible and cannot be popped`);
    this.state.undo.rollback(top.mark);
    for (const id of top.ids) this.recent.delete(id);
    this.stored?.popped(top.ids);
    if (this.summaries[top.head.num & 0xffff] === top.head.id) this.summaries[top.head.num & 0xffff] = undefined;
    this.head = top.before;
    const hs = top.before.state;
    const pending = hs.pendingSchedule.schedule;
    this.state.producers.pending = pending.producers.length > 0 ? fromLegacySchedule(pending) : null;
    this.state.producers.active = fromLegacySchedule(hs.activeSchedule); // eosio.prods came back with the rollback
    this.durableNum = Math.min(this.durableNum, top.before.num);
    return top.head;
  }

  /**
   * Drops the pending block (Leap's abort_block): every change its transactions made is undone and
   * they are handed back, in order, as "unapplied transactions" to re-apply on the next head
   * (`reapply`). Used before applying a peer's block or switching forks.
   */
  abortBlock(): PackedTrx[] {
    const p = this.pending;
    this.pending = null;
    if (this.pendingMark === null) return [];
    this.state.undo.rollback(this.pendingMark);
    this.pendingMark = null;
    if (!p) return [];
    for (const id of p.ids) this.recent.delete(id);
    return p.receipts.map((r) => r.trx);
  }

  /**
   * Re-applies unapplied transactions into the pending block, after those still waiting from before;
   * those no longer valid (in the new head's blocks already, expired, failing) are dropped. From the
   * first that meets a full block on, they wait, in order, for the next blocks (a fork switch can
   * hand back several blocks' worth; dropping them lost acknowledged transactions). Returns how many
   * entered the pending block.
   */
  reapply(unapplied: readonly PackedTrx[]): number {
    const all = this.waiting.length > 0 ? [...this.waiting, ...unapplied] : unapplied;
    this.waiting = [];
    let kept = 0;
    let full = false;
    const held: PackedTrx[] = [];
    for (const t of all) {
      if (!full) {
        try {
          this.pushTransaction(t);
          kept++;
          continue;
        } catch (e) {
          // Leap drops an unapplied transaction that fails on the new head, too
          if (!isBlockFull(e) || this.pendingCount === 0) continue;
          full = true;
        }
      }
      held.push(t);
    }
    if (held.length > this.maxWaiting) this.events.unappliedDropped?.(held.splice(this.maxWaiting).length, this.maxWaiting);
    this.waiting = held;
    for (const t of held) this.events.held?.(t, this.head.num + 2); // the pending block (head + 1) is full
    return kept;
  }

  /** Unapplied transactions waiting for a block with room (`reapply`). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private setHead(head: HeadBlock): void {
    this.head = head;
    this.forkDb.add({ idHex: bytesToHex(head.id), block: head.block, state: head.state });
    this.mirrorSchedules(head);
    this.summaries[head.num & 0xffff] = head.id;
    this.summarySlots[head.num & 0xffff] = head.timestamp;
    this.recent.expire(headSecond(head));
  }

  /** The head or a reversible block by number, with its header state; undefined once irreversible. */
  reversibleBlock(num: number): HeadBlock | undefined {
    if (num === this.head.num) return this.head;
    if (num <= this.lastIrreversibleBlockNum) return undefined;
    return this.reversible.find((r) => r.head.num === num)?.head;
  }

  /**
   * Mirrors the header state's schedules into the state: `pending` for the next proposal's version,
   * `active` for get_active_producers; a newly active schedule also rewrites eosio.prods (Leap's
   * update_producers_authority; Leap does it as the next block starts, this node as this one ends).
   */
  private mirrorSchedules(head: HeadBlock): void {
    const hs = head.state;
    const pending = hs.pendingSchedule.schedule;
    this.state.producers.pending = pending.producers.length > 0 ? fromLegacySchedule(pending) : null;
    if (hs.activeSchedule.version !== this.state.producers.active.version) {
      this.state.producers.active = fromLegacySchedule(hs.activeSchedule);
      updateProducersAuthority(this.state, this.state.producers.active, slotToMs(head.timestamp));
    }
  }

  /** Block time (ms) the next transaction would execute at. */
  pendingBlockTime(): number {
    return slotToMs(this.pendingBlock().timestamp);
  }

  /** A block with nothing in it yet, after the head, at `slot`. */
  private emptyBlockAt(slot: number): PendingBlock {
    return { num: this.head.num + 1, timestamp: slot, receipts: [], actionDigests: new DigestList(), ids: [], netWords: 0, cpuUs: 0 };
  }

  private pendingBlock(): PendingBlock {
    if (!this.pending || this.pending.receipts.length === 0) {
      const slot =
        this.slotOverride ?? this.nextOwnSlot(Math.max(this.head.timestamp + 1, BlockTimestamp.fromMilliseconds(this.now()).slot));
      this.pending = this.emptyBlockAt(slot);
    }
    return this.pending;
  }

  /**
   * The first slot from `from` on that a producer whose key this node holds is scheduled to (a
   * node produces only in its producers' slots); `from` itself when it holds none of them (a
   * replica, or a node whose producers are not scheduled: sealing then fails with
   * wrong_signing_key).
   */
  private nextOwnSlot(from: number): number {
    if (this.signingKeys.size === 0) return from;
    // every push asks while the pending block is empty (256 in flight right after a block): the
    // answer depends only on the head (its schedule) and `from`, so the last one is kept
    const memo = this.ownSlotMemo;
    if (memo && memo.head === this.head && memo.from === from) return memo.slot;
    const round = this.head.state.activeSchedule.producers.length * PRODUCER_REPETITIONS;
    let found = from;
    for (let slot = from; slot < from + round; slot++) {
      if (this.signingKeys.has(keyIdOf(this.head.state.scheduledProducer(slot).blockSigningKey))) {
        found = slot;
        break;
      }
    }
    this.ownSlotMemo = { head: this.head, from, slot: found };
    return found;
  }
  private ownSlotMemo: { readonly head: HeadBlock; readonly from: number; readonly slot: number } | undefined;

  /**
   * Leap's start_block: the proposal goes into the next header once the block that proposed it is
   * irreversible and no other schedule is pending.
   */
  private announcement(head: BlockHeaderState): ProducerSchedule | undefined {
    const p = this.state.producers.proposed;
    if (!p || p.blockNum > head.dposIrreversibleBlocknum || head.pendingSchedule.schedule.producers.length > 0) return undefined;
    return toLegacySchedule(p);
  }

  get pendingCount(): number {
    return this.pending?.receipts.length ?? 0;
  }

  /** The pending block's transactions, in order (what a node hands a peer that just connected). */
  get pendingTransactions(): PackedTrx[] {
    return this.pending?.receipts.map((r) => r.trx) ?? [];
  }

  /**
   * Leap's input checks that need no signature (expiration, TaPoS, duplicates, shape), for the
   * block this node is building or (`validating`) a peer's block being applied.
   */
  private validateInput(d: DecodedTransaction, blockTimeMs: number, role: 'producing' | 'validating' = 'producing'): void {
    const trx = d.trx;
    const exp = trx.expiration.seconds;
    const nowSec = blockTimeMs / 1000;
    // Leap's producer reports an expiration before the pending block time as expired before it looks
    // for a duplicate: the set may still hold such an id (expiry runs at the head's time, and a head
    // expires at most EXPIRE_STEP ids)
    if (exp >= nowSec && (this.stored ? this.stored.has(d.idHex, exp) : this.recent.has(d.idHex)))
      throw new ChainError('tx_duplicate', `duplicate transaction ${d.idHex}`);
    const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, -1);
    if (exp <= nowSec) {
      throw new ChainError(
        'expired_tx_exception',
        `transaction ${d.idHex} has expired, expiration is ${iso(exp)} and pending block time is ${iso(nowSec)}`,
      );
    }
    if (exp > nowSec + MAX_TRANSACTION_LIFETIME_SEC) {
      throw new ChainError(
        'tx_exp_too_far_exception',
        `Transaction expiration is too far in the future relative to the reference time of ${iso(nowSec)}, expiration is ${iso(exp)} and the maximum transaction lifetime is ${MAX_TRANSACTION_LIFETIME_SEC} seconds`,
      );
    }
    const ref = this.summaries[trx.ref_block_num];
    if (!ref || !BlockId.bytesReferencedBy(ref, trx)) {
      throw new ChainError(
        'invalid_ref_block_exception',
        `Transaction's reference block did not match. Is this transaction from a different fork? (ref_block_num ${trx.ref_block_num}, ref_block_prefix ${trx.ref_block_prefix})`,
      );
    }
    // Leap 5 `init_for_input_trx` with DISABLE_DEFERRED_TRXS_STAGE_1 active, on a producing node
    if (trx.delay_sec !== 0) throw new ChainError('transaction_exception', 'transaction cannot be delayed');
    if (trx.transaction_extensions.length) {
      // Leap's disallow_transaction_extensions: subjective while producing, a bad block otherwise
      throw new ChainError(
        role === 'producing' ? 'subjective_block_production_exception' : 'disallowed_transaction_extensions_bad_block_exception',
        'no transaction extensions supported yet for input transactions',
      );
    }
    if (trx.max_net_usage_words > 0 && this.netUsageWords(d.packed) > trx.max_net_usage_words) {
      throw new ChainError(
        'tx_net_usage_exceeded',
        `transaction net usage is too high: ${this.netUsageWords(d.packed) * 8} > ${trx.max_net_usage_words * 8}`,
      );
    }
    if (d.actions.length === 0) throw new ChainError('tx_no_action', 'transaction must have at least one action');
    for (const a of d.contextFreeActions) {
      if (a.authorization.length) throw new ChainError('cfa_irrelevant_auth', 'context-free actions cannot have authorizations');
    }
    let oneAuth = false;
    for (const a of d.actions) {
      if (!this.state.getAccount(a.account))
        throw new ChainError('transaction_exception', `action's code account '${a.account}' does not exist`);
      for (const l of a.authorization) {
        oneAuth = true;
        const actor = this.state.getAccount(l.actor);
        if (!actor) throw new ChainError('transaction_exception', `action's authorizing actor '${l.actor}' does not exist`);
        if (!actor.permissions.has(l.permission))
          throw new ChainError(
            'transaction_exception',
            `action's authorizations include a non-existent permission: {"actor":"${l.actor}","permission":"${l.permission}"}`,
          );
      }
    }
    if (!oneAuth) throw new ChainError('tx_no_auths', 'transaction must have at least one authorization');
  }

  /** Keys recovered from the signatures; a key signing twice is `tx_duplicate_sig`. */
  recoverKeys(d: DecodedTransaction): Set<string> {
    const digest = signingDigest(this.chainId, d.trxBytes, d.cfdBytes).array;
    const keys = new Set<string>();
    for (const sig of d.packed.signatures) {
      const k = this.recovery.recover(sig, digest);
      if (keys.has(k)) throw new ChainError('tx_duplicate_sig', 'transaction includes more than one signature signed using the same key');
      keys.add(k);
    }
    return keys;
  }

  /**
   * Resolves once the pending block is sealed (`produceBlock`), or after `timeoutMs`: a push
   * refused by a full block (`block_net_usage_exceeded`) waits for the next one, as Leap's producer
   * keeps such a transaction for its next block.
   */
  blockSealed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.sealedWaiters.push(done);
    });
  }

  /**
   * Leap's objective net limits, from the chain's configuration: a transaction of `netWords` words
   * (`max_transaction_net_usage`), and the block it would join, holding `blockWords` already
   * (`max_block_net_usage`). A producer refuses a push into a full block (it goes into a later
   * one); a validator refuses a peer's block over the limit.
   */
  private checkNetUsage(netWords: number, blockWords: number): void {
    const cfg = this.genesisState.initialConfiguration;
    if (netWords * 8 > cfg.max_transaction_net_usage)
      throw new ChainError(
        'tx_net_usage_exceeded',
        `transaction net usage is too high: ${netWords * 8} > ${cfg.max_transaction_net_usage}`,
      );
    if ((blockWords + netWords) * 8 > cfg.max_block_net_usage)
      throw new ChainError(
        'block_net_usage_exceeded',
        `not enough space left in block: ${(blockWords + netWords) * 8} > ${cfg.max_block_net_usage}`,
      );
  }

  /**
   * Leap's objective CPU limit of a block, from the chain's configuration: its receipts' CPU usage
   * (`billedCpuUs`) sums to at most `max_block_cpu_usage` µs. What a transaction may run in a block
   * whose transactions before it used `usedUs`: what is left, in metered units, as long as at least
   * the minimum a transaction is billed is left (`block_cpu_usage_exceeded` otherwise). The units are
   * deterministic, so a validator computes the same usage and holds a producer to the limit.
   */
  private blockCpu(usedUs: number): BlockCpu {
    const cfg = this.genesisState.initialConfiguration;
    if (usedUs > 0 && cfg.max_block_cpu_usage - usedUs < cfg.min_transaction_cpu_usage)
      throw new ChainError(
        'block_cpu_usage_exceeded',
        `not enough CPU left in block: ${cfg.max_block_cpu_usage - usedUs} us, a transaction is billed at least ${cfg.min_transaction_cpu_usage} us`,
      );
    return { budget: cfg.max_block_cpu_usage * CPU_UNITS_PER_US, used: usedUs * CPU_UNITS_PER_US };
  }

  /**
   * A transaction's CPU usage (its receipt's `cpu_usage_us`): the metered units it ran, in µs
   * rounded up, and at least the chain's `min_transaction_cpu_usage` (100 µs), as Leap bills it. The
   * minimum stands for what every transaction costs beyond its contracts (decoding, signatures,
   * authorities), so a block of cheap transactions is bounded too (2,000 at Leap's defaults).
   */
  private billedCpuUs(units: number): number {
    return Math.max(this.genesisState.initialConfiguration.min_transaction_cpu_usage, Math.ceil(units / CPU_UNITS_PER_US));
  }

  private netUsageWords(p: PackedTrx): number {
    let sigBytes = 0;
    for (const s of p.signatures) sigBytes += 1 + s.data.length; // key type ‖ payload (WebAuthn ones are longer)
    return Math.ceil((p.packedTrx.length + p.packedContextFreeData.length + sigBytes + 12) / 8);
  }

  private requireProducer(): void {
    if (!this.producing) {
      throw new ChainError(
        'unsupported_feature',
        `this node is a read-only replica; push transactions to the producing node${this.producerEndpoint ? ` at ${this.producerEndpoint}` : ''}`,
      );
    }
  }

  /** Validates, authorizes and executes a pushed transaction into the pending block (`decoded`: `packed` decoded already). */
  pushTransaction(packed: PackedTrx, decoded?: DecodedTransaction): PushResult {
    this.requireProducer();
    const d = decoded ?? decodePackedTrx(packed);
    this.validateInput(d, this.pendingBlockTime());
    this.failedCpu.check(billedAccount(d), this.now());
    return this.applyInput(d, this.recoverKeys(d));
  }

  /**
   * The same with the keys recovered on `pool`'s worker threads while this thread keeps executing
   * other transactions (a lone push recovers inline, see `KeyRecoveryPool.inlineNow`). Input checks run before recovery (cheap refusals stay cheap) and again
   * after it, since the pending block and the set of known ids may have changed meanwhile.
   */
  async pushTransactionAsync(packed: PackedTrx, pool: KeyRecoveryPool, decoded?: DecodedTransaction): Promise<PushResult> {
    this.requireProducer();
    const d = decoded ?? decodePackedTrx(packed);
    this.validateInput(d, this.pendingBlockTime());
    this.failedCpu.check(billedAccount(d), this.now());
    // a lone push (the pool idle, no other push just before) is not worth a hand-off when recovery is native
    if (this.recovery.name === 'native-libsecp256k1' && pool.inlineNow()) return this.applyInput(d, this.recoverKeys(d));
    const digest = signingDigest(this.chainId, d.trxBytes, d.cfdBytes).array;
    const sigs = d.packed.signatures;
    // one signature (the common case): no array of promises to gather
    const recovered =
      sigs.length === 1 ? [await pool.recover(sigs[0]!, digest)] : await Promise.all(sigs.map((s) => pool.recover(s, digest)));
    const keys = new Set<string>();
    for (const k of recovered) {
      if (keys.has(k)) throw new ChainError('tx_duplicate_sig', 'transaction includes more than one signature signed using the same key');
      keys.add(k);
    }
    this.validateInput(d, this.pendingBlockTime());
    return this.applyInput(d, keys);
  }

  private applyInput(d: DecodedTransaction, keys: Set<string>): PushResult {
    const pending = this.pendingBlock();
    const blockTime = slotToMs(pending.timestamp);
    const netWords = this.netUsageWords(d.packed);
    this.checkNetUsage(netWords, pending.netWords);
    this.auth.check(d.actions, keys, [], false);
    const cpu = this.blockCpu(pending.cpuUs);
    if (this.pendingMark === null) this.pendingMark = this.state.undo.checkpoint();
    let trace: TransactionTrace;
    try {
      trace = this.executor.execute(transactionInputOf(d, pending.num), blockTime, cpu, pending.actionDigests);
    } catch (e) {
      // what it ran is billed to its signer, unless only the block being full stopped it
      if (!isBlockFull(e)) this.failedCpu.bill(billedAccount(d), this.billedCpuUs(this.executor.failedCpuUnits), this.now());
      throw e;
    }
    const receipt: TransactionReceipt = {
      status: 0,
      cpuUsageUs: this.billedCpuUs(trace.cpuUnits),
      netUsageWords: netWords,
      trx: d.packed,
    };
    const wasEmpty = pending.receipts.length === 0;
    pending.receipts.push(receipt);
    pending.netWords += netWords;
    pending.cpuUs += receipt.cpuUsageUs;
    pending.ids.push(d.idHex);
    this.recent.add(d.idHex, d.trx.expiration.seconds);
    this.transactionStatus.applied(d.idHex, d.trx.expiration.seconds, pending.num);
    const accepted = this.events.accepted?.(d.packed, pending.num);
    if (wasEmpty) this.events.pendingStarted?.();
    return { trace, blockNum: pending.num, blockTime, receipt, ...(accepted ? { accepted } : {}) };
  }

  /**
   * Runs a transaction without keeping it (compute_transaction): input checks and execution, no
   * signature or authority checks, every write rolled back. What it runs is billed to the node-wide
   * compute bill, which refuses the next once over its allowance (`tx_cpu_usage_exceeded`).
   */
  computeTransaction(packed: PackedTrx): PushResult {
    const d = decodePackedTrx(packed);
    const pending = this.pendingBlock();
    const blockTime = slotToMs(pending.timestamp);
    this.validateInput(d, blockTime);
    this.computeCpu.check(NODE_WIDE, this.now());
    const outer = this.state.undo.checkpoint();
    try {
      let trace: TransactionTrace;
      try {
        trace = this.executor.execute(transactionInputOf(d, pending.num), blockTime);
      } catch (e) {
        this.computeCpu.bill(NODE_WIDE, this.billedCpuUs(this.executor.failedCpuUnits), this.now());
        throw e;
      }
      this.computeCpu.bill(NODE_WIDE, this.billedCpuUs(trace.cpuUnits), this.now());
      const receipt: TransactionReceipt = {
        status: 0,
        cpuUsageUs: this.billedCpuUs(trace.cpuUnits),
        netUsageWords: this.netUsageWords(packed),
        trx: packed,
      };
      return { trace, blockNum: pending.num, blockTime, receipt };
    } finally {
      this.state.undo.rollback(outer);
    }
  }

  /**
   * Signs the pending block as its slot's scheduled producer, which must be one this node holds
   * the key of. `confirmed` counts the blocks since this producer's last one, as Leap's producer
   * does, so its block also confirms them for the 2/3+1 irreversibility rule.
   */
  private sealBlock(p: PendingBlock): { block: SignedBlock; id: Uint8Array; state: BlockHeaderState } {
    const head = this.head.state;
    const scheduled = head.scheduledProducer(p.timestamp);
    const producer = scheduled.producerName.toString();
    const key = this.producerKeyFor(producer, scheduled.blockSigningKey);
    const announce = this.announcement(head);
    const last = head.producerToLastProduced.get(producer);
    const header: BlockHeader = {
      timestamp: p.timestamp,
      producer,
      confirmed: last !== undefined && last < head.blockNum ? Math.min(0xffff, head.blockNum - last) : 0,
      previous: head.id,
      transactionMroot: merkleRoot(p.receipts.map(receiptDigest)),
      actionMroot: p.actionDigests.merkleRoot(),
      scheduleVersion: head.activeSchedule.version,
      ...(announce ? { newProducers: announce } : {}),
    };
    const state = head.next(header);
    if (announce) this.state.producers.take();
    // libsecp256k1 when it loads (the same bytes as noble, a tenth of the main thread's time), as the vault signs
    const producerSignature = signCanonical(key, state.sigDigest());
    const block: SignedBlock = { ...header, producerSignature, transactions: p.receipts };
    return { block, id: state.id, state };
  }

  /** The signing key of `producer` (this node holds the genesis key, which `eosio` signs with, and its `--producer` keys). */
  private producerKeyFor(producer: string, expected: PublicKey): PrivateKey {
    if (!this.producing) {
      throw new ChainError(
        'unsupported_feature',
        "this node is a replica: it follows another node's block log and does not produce blocks",
      );
    }
    const key = this.signingKeys.get(keyIdOf(expected));
    if (!key) {
      throw new ChainError(
        'wrong_signing_key',
        `this node does not hold the signing key of ${producer} (${expected.toString()}), scheduled for the next slot`,
      );
    }
    return key;
  }

  /**
   * Seals the pending block (an empty one when nothing is pending) and appends it to the log;
   * resolves when it is written.
   */
  async produceBlock(atSlot?: number): Promise<{ num: number; id: string }> {
    if (atSlot !== undefined && this.pendingCount === 0) {
      const slot = this.nextOwnSlot(Math.max(this.head.timestamp + 1, atSlot));
      this.pending = this.emptyBlockAt(slot);
    }
    const p = this.pendingBlock();
    this.pending = null;
    const mark = this.pendingMark ?? this.state.undo.checkpoint();
    this.pendingMark = null;
    let sealed: ReturnType<Chain['sealBlock']>;
    try {
      sealed = this.sealBlock(p);
    } catch (e) {
      // the pending block stays as it was
      if (this.pendingMark === null && p.receipts.length > 0) {
        this.pending = p;
        this.pendingMark = mark;
      } else this.state.undo.rollback(mark);
      throw e;
    }
    const { block, id, state } = sealed;
    this.pushReversible(mark, { num: p.num, id, timestamp: p.timestamp, block, state }, p.ids);
    if (this.sealedWaiters.length > 0) {
      const waiters = this.sealedWaiters;
      this.sealedWaiters = [];
      for (const w of waiters) w();
    }
    this.transactionStatus.included(p.num, id, slotToMs(p.timestamp));
    this.unflushed.set(p.num, block);
    // taken now, before any later transaction runs, so it is exactly the state after this block
    // with a state store, only once enough changed since the last one (SNAPSHOT_WALK_SHARE)
    const due =
      this.snapshotEvery > 0 &&
      p.num % this.snapshotEvery === 0 &&
      this.events.snapshot &&
      this.state.snapshotWorthWalking(this.stored?.spacing);
    const snap = due ? this.takeSnapshot() : null;
    // the waiting go first into the next block, before pushes that arrive during the append
    if (this.waiting.length > 0) this.reapply([]);
    try {
      await this.log.append(encodeBlock(block), id);
      this.durableNum = Math.max(this.durableNum, p.num);
      this.events.durable?.(p.num);
    } catch (e) {
      snap?.abandon();
      throw e;
    } finally {
      this.unflushed.delete(p.num);
    }
    if (snap) this.events.snapshot?.(snap);
    if (this.state.mustWait) await this.settleCommits();
    return { num: p.num, id: bytesToHex(id) };
  }

  /** A block by number (from memory while its append is in flight, else from the log). */
  async getBlock(num: number): Promise<{ block: SignedBlock; id: Uint8Array } | undefined> {
    if (!Number.isInteger(num) || num < 1 || num > this.head.num) return undefined;
    if (num === this.head.num) return { block: this.head.block, id: this.head.id };
    const mem = this.unflushed.get(num);
    const block = mem ?? (await this.log.get(num - 1).then((b) => (b ? decodeBlock(b) : undefined)));
    return block ? { block, id: blockId(block) } : undefined;
  }

  /**
   * Clients take TaPoS and expiration from recent blocks (wharfkit: the head's time; eosjs: the
   * block 3 behind the head). This node makes no blocks while idle, so after a pause those are
   * old and a freshly signed transaction would already be expired. When the block
   * `FRESH_BLOCKS - 1` behind the head is older than `staleAfterMs`, or the chain is younger than
   * `FRESH_BLOCKS` blocks, this seals `FRESH_BLOCKS` empty blocks ending at the current slot (never
   * before the head). Returns their appends.
   */
  freshen(staleAfterMs: number): Array<Promise<unknown>> {
    if (!this.producerKey || this.pendingCount > 0) return []; // a joined node holds no key for eosio's slots
    const nowSlot = BlockTimestamp.fromMilliseconds(this.now()).slot;
    const refNum = Math.max(1, this.head.num - (FRESH_BLOCKS - 1));
    const refSlot = this.summarySlots[refNum & 0xffff] ?? 0;
    // a young chain (head < FRESH_BLOCKS) has no block 3 behind its head yet: eosjs's blocksBehind 3 needs one
    if (this.head.num >= FRESH_BLOCKS && (nowSlot - refSlot) * BLOCK_INTERVAL_MS <= staleAfterMs) return [];
    const out: Array<Promise<unknown>> = [];
    for (let i = 0; i < FRESH_BLOCKS; i++) out.push(this.produceBlock(nowSlot - (FRESH_BLOCKS - 1) + i));
    return out;
  }

  /** The block_timestamp slot of block `num` when it is among the last 65536 blocks. */
  blockSlotByNum(num: number): number | undefined {
    return this.blockIdByNum(num) ? this.summarySlots[num & 0xffff] : undefined;
  }

  /** The id of block `num` when it is among the last 65536 blocks. */
  blockIdByNum(num: number): Uint8Array | undefined {
    const id = this.summaries[num & 0xffff];
    return id && blockNumOfId(id) === num ? id : undefined;
  }

  /**
   * Leap's DPoS last irreversible block (2/3+1 of the active producers confirmed it), never one not
   * yet in the log, and at least block 1 (the genesis block is final by definition).
   */
  get lastIrreversibleBlockNum(): number {
    return Math.max(1, Math.min(this.durableNum, this.head.state.dposIrreversibleBlocknum));
  }

  /** The producer account's name as clients see it. */
  get producer(): string {
    return Name.from('eosio').toString();
  }
}
