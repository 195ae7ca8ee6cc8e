/**
 * The embedded node: genesis + block log + chain + block production + (optionally) the HTTP
 * chain API, behind one small facade for the CLI (`peeros node`) and for the host (in-process
 * dispatch). A block is produced `BLOCK_INTERVAL_MS` after the first transaction enters an empty
 * pending block, so blocks come every 500 ms while there are transactions and not otherwise;
 * `produceBlock()` seals one on demand. `close()` seals pending transactions, then stops.
 *
 * Start-up is a sequence of named steps (see `open`); the chain and the API get their hooks when
 * they are built, pointing at this node, whose own state each step fills in: a hook whose part is
 * not there yet does nothing (the journal's carried transactions are re-applied before the journal
 * records anything or the producer timer runs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { Chain, type ChainEvents, type PushResult } from './chain/chain.js';
import { acknowledgedWhenDurable, type PushAcknowledgement } from './chain/push-acknowledgement.js';
import { BlockLog } from './block/block-log.js';
import { chainIdOf, loadGenesis, readGenesisFile, saveReplicaGenesis, type Genesis } from './chain/genesis.js';
import { ReplicationClient, ReplicationServer } from './block/block-replication.js';
import { bytesToHex, hexToBytes, type PrivateKey } from '../abi/antelope/index.js';
import { ChainApi } from './api/chain-api.js';
import { pushWhenRoom } from './api/chain-read-write.js';
import { ChainHttpServer } from './api/http-server.js';
import { parseHostPort, type HttpEndpoint } from './endpoint.js';
import { ReplayGate } from './api/replay-gate.js';
import { defaultKeyRecovery, nobleRecovery, type KeyRecovery } from './keys/key-recovery.js';
import { decodePackedTrx, inflatedBytes, packedTrxFromJson, type DecodedTransaction } from './packed-transaction.js';
import type { PackedTrx, SignedBlock } from './block.js';
import { KeyRecoveryPool } from './keys/key-recovery-pool.js';
import { PRIME_AHEAD_KEYS } from './keys/primed-recovery.js';
import { ChainError, isBlockFull } from './chain-error.js';
import { CodedError } from '../lib/coded-error.js';
import { AcceptedJournal, ACCEPTED_JOURNAL_FILE, packedTrxToJson } from './block/accepted-journal.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { fetchBlockLogInfo, relay, type BlockLogInfo } from './api/producer-client.js';
import { readSnapshotBlock, readSnapshotBytes, SnapshotFile, SNAPSHOT_FILE } from './state/snapshot-file.js';
import { loadProducerKeys } from './chain/producer-keys.js';
import type { StateSnapshot } from './state/state-snapshot.js';
import { OrderedStore } from './state/ordered-store.js';
import type { StateStoreOptions } from './state/chain-state.js';
import { BlockRelay } from './net/block-relay.js';
import { decodeBlock, decodeSignedHeader, encodeBlock } from './block.js';
import { BlockTimestamp } from '../abi/antelope/index.js';
import { ManualSlotClock } from './net/manual-slot-clock.js';
import { ProductionGate, type ProductionGateLimits, type ProductionGateReason } from './net/production-gate.js';
import { PEER_LIMITS, type PeerLimits } from './net/peer-limits.js';
import { STATE_STORE_DIR } from './state/store-dir.js';

export { RELAY_TIMEOUT_MS } from './api/producer-client.js';

/** Blocks a replica reads ahead of its head, their keys recovered on the pool meanwhile (a followed log catching up). */
export const FOLLOW_READ_AHEAD = 32;

/** Queued peer blocks waiting for room to be primed, at most (the fork database's bound; more than any honest window). */
const MAX_BLOCKS_TO_PRIME = 4096;

/** A peer's block waiting in the relay's queue: decoded, and the recovery of its keys once started. */
interface QueuedBlock {
  readonly block: SignedBlock;
  primed: Promise<void> | null;
}
/** How long a new replica waits for the first block from the node it follows. */
export const FIRST_BLOCK_TIMEOUT_MS = 15_000;

/** Recent blocks older than this are refreshed on the next get_info (see NodeOptions.staleAfterMs). */
export const STALE_AFTER_MS = 5000;

/** Default snapshot interval: 1000 blocks ≈ 8 minutes of continuous traffic. */
export const SNAPSHOT_EVERY_BLOCKS = 1000;

/** Antelope's block interval. */
export const BLOCK_INTERVAL_MS = 500;

export interface NodeOptions {
  /** Use the EOSIO development key for `eosio` and block signing. */
  dev?: boolean;
  /**
   * Serve get_accounts_by_authorizers, which walks every account of the state on each request
   * (Leap's `enable-account-queries`). Default: on for a `dev` node, off otherwise.
   */
  accountQueries?: boolean;
  /** Directory of the block log, genesis and producer key (created when missing). */
  dataDir: string;
  /** Serve the chain API at HOST:PORT (port 0 = any free port); omit for in-process only. */
  http?: string | HttpEndpoint;
  /** Produce blocks automatically (default true); tests may turn it off and call produceBlock(). */
  autoProduce?: boolean;
  /**
   * With autoProduce: when a client asks for chain info and the recent blocks are older than this,
   * a few empty blocks are sealed first so TaPoS references and expirations computed from them are
   * current (see `Chain.freshen`). Default `STALE_AFTER_MS`.
   */
  staleAfterMs?: number;
  blockIntervalMs?: number;
  /** Key recovery implementation: 'auto' (native when loadable, default) or 'noble'. */
  keyRecovery?: 'auto' | 'noble' | KeyRecovery;
  /**
   * Worker threads that recover signature keys for HTTP and async pushes, so execution and
   * recovery use different cores (default: 1 when the machine has ≥ 2 cores, else 0 = inline).
   */
  recoveryWorkers?: number;
  /**
   * Save a state snapshot every this many blocks and on close, so restarts replay only the blocks
   * after it (default `SNAPSHOT_EVERY_BLOCKS`; 0 = never, always replay the whole log). With
   * `stateCache` a restart opens the store instead, and a multiple of this is skipped until enough
   * of the state changed since the last snapshot (chain-state.ts `SNAPSHOT_WALK_SHARE`).
   */
  snapshotEvery?: number;
  /**
   * Keep at most this many accounts, and this many contract tables (each with its rows; a big one
   * counting one per `ROWS_PER_CACHE_UNIT` rows, table-store.ts), in memory between blocks; the state lives in an on-disk store, `<data>/state`, committed at least every
   * `STATE_COMMIT_BLOCKS` blocks and at a clean stop, and a restart opens it at its last commit and
   * replays only the blocks after it (see docs/dmcs.md). Default: none, the whole state in memory.
   */
  stateCache?: number;
  /** With `stateCache`: recompute the state digest over the whole store before using it at start (O(state)). */
  verifyStateStore?: boolean;
  /** With `stateCache`: commit the state to its store at least every this many blocks (default `STATE_COMMIT_BLOCKS`; tests). */
  stateCommitEvery?: number;
  /** Serve the block log to replicas at HOST:PORT (port 0 = any free port). */
  replicate?: string | HttpEndpoint;
  /**
   * Run as a read-only replica of the node whose chain API is at this URL (it must serve its
   * block log with `replicate`): genesis and log key come from it, blocks are downloaded and
   * applied as they arrive, pushes are refused.
   */
  follow?: string;
  /** Where to report background failures (default stderr). */
  onError?: (err: Error) => void;
  /**
   * Producer names whose block signing keys this node holds (`<data>/producers/NAME.key`, made on
   * first start): it produces in their slots once a schedule names their keys.
   */
  producers?: readonly string[];
  /** Exchange blocks with other producing nodes: listen for peers at HOST:PORT (port 0 = any). */
  p2pListen?: string | HttpEndpoint;
  /**
   * Join an existing chain: its genesis.json (a path or the parsed form), saved in the data folder.
   * The genesis key is not needed: blocks are validated with the public key and the node produces
   * only in its `producers`' slots, so it needs `p2pListen` or `peers`. A data folder with a
   * genesis.json but no producer.key starts as such a node without this option too.
   */
  genesis?: string | Genesis;
  /** Peers to dial (HOST:PORT), redialled while down. With `p2pListen` or `peers`, autoProduce produces in this node's slots. */
  peers?: readonly string[];
  /**
   * 'wall' (default): with peers, produce at every 500 ms slot boundary. 'manual' (tests and
   * development only, needs `dev`): produce only when a slot is driven through the loopback
   * control endpoint (`slotClockAddress`, net/manual-slot-clock.ts), whose latest slot is also the
   * node's time; nothing is produced on a timer.
   */
  slotClock?: 'wall' | 'manual';
  /** How long the slot timer waits for peers after a start (tests only; default net/production-gate.ts's). */
  productionGateLimits?: ProductionGateLimits;
  /** Lower per-peer relay limits (tests only; default `PEER_LIMITS`, net/peer-limits.ts). */
  peerLimits?: Partial<PeerLimits>;
}

/** Transaction ids remembered as already forwarded to peers (cleared when full). */
const FORWARDED_IDS_KEPT = 10_000;

/** Thrown by every method once the node is closed (the dispatcher maps it to "unreachable"). */
export class NodeClosedError extends CodedError<'NODE_CLOSED'> {
  override readonly name = 'NodeClosedError';
  constructor() {
    super('NODE_CLOSED', 'the embedded node is closed');
  }
}

/** The block log a node runs on and where its genesis came from. */
interface BlockSource {
  genesis: Genesis;
  /** Null on a replica: it never seals blocks. */
  producerKey: PrivateKey | null;
  /** `--producer` names and their block signing keys. */
  producerKeys: Map<string, PrivateKey>;
  log: BlockLog;
  /** On a replica: the followed node's description of its log. */
  followed: BlockLogInfo | null;
}

const hostPort = (at: string | HttpEndpoint): string => (typeof at === 'string' ? at : `${at.host}:${at.port}`);
const endpointOf = (at: string | HttpEndpoint): HttpEndpoint => (typeof at === 'string' ? parseHostPort(at) : at);

export class EmbeddedNode {
  /** What the start did with transactions acknowledged before a crash but not yet in a block. */
  recovered: { carried: number; reapplied: number; alreadyInBlock: number; failed: number } | null = null;

  private readonly opts: NodeOptions;
  private readonly onError: (e: Error) => void;
  private source!: BlockSource;
  private chainOrNull: Chain | null = null;
  private apiOrNull: ChainApi | null = null;
  private pool: KeyRecoveryPool | null = null;
  private replication: ReplicationServer | null = null;
  private follower: ReplicationClient | null = null;
  private http: ChainHttpServer | null = null;
  private httpEndpoint: string | undefined;
  /** What HTTP serves: "replaying" until the state is current, then the chain API. */
  private gate: ReplayGate | null = null;
  /** How long the start's steps took (ms), for benchmarks and logs. */
  readonly startupTimes = { logOpenMs: 0, openMs: 0, replayMs: 0 };
  /** Set when the journal is opened at start: from then on accepted transactions are journaled (carried ones re-applied too). */
  private journal: AcceptedJournal | null = null;
  /** Set at the end of the start (when snapshots are on). */
  private snapshots: SnapshotFile | null = null;
  /** Set at the end of the start with autoProduce: pending transactions arm the timer, get_info freshens. */
  private autoProducing = false;
  private timer: NodeJS.Timeout | null = null;
  private producing: Promise<unknown> = Promise.resolve();
  private following: Promise<unknown> = Promise.resolve();
  /** Peer blocks in the relay's queue, decoded, with their keys' recovery once started (`queueBlock`), by their bytes. */
  private readonly queuedBlocks = new WeakMap<Uint8Array, QueuedBlock>();
  /** Queued peer blocks whose keys are not being recovered yet, oldest first (`primeAhead`). */
  private readonly toPrime: QueuedBlock[] = [];
  private closed = false;
  /** Block exchange with peers (`p2pListen` / `peers`). */
  private relay: BlockRelay | null = null;
  /** Chain changes from peers and slot production, one at a time. */
  private chainQueue: Promise<unknown> = Promise.resolve();
  private slotTimer: NodeJS.Timeout | null = null;
  /** With peers and autoProduce, made at the end of the start: when the slot timer may start producing. */
  private productionGate: ProductionGate | null = null;
  private readonly forwarded = new Set<string>();
  /** `slotClock: 'manual'`: the test clock that drives production (and the node's time). */
  private manualClock: ManualSlotClock | null = null;
  /** Double signings seen (producer, slot, the two ids). */
  readonly doubleSigns: Array<{ producer: string; slot: number; first: string; second: string }> = [];

  private constructor(opts: NodeOptions) {
    this.opts = opts;
    this.onError = opts.onError ?? ((e: Error) => process.stderr.write(`peeros node: ${e.message}\n`));
  }

  static async start(opts: NodeOptions): Promise<EmbeddedNode> {
    const node = new EmbeddedNode(opts);
    try {
      await node.open();
    } catch (e) {
      await node.unwind();
      throw e;
    }
    return node;
  }

  /** The start-up steps, in order. */
  private async open(): Promise<void> {
    if (this.opts.slotClock === 'manual' && !this.opts.dev)
      throw new Error('the manual slot clock is for tests and development (--dev); a production node uses wall time');
    if (this.opts.slotClock === 'manual')
      this.manualClock = new ManualSlotClock({
        produceSlot: (slot) => this.produceSlot(slot),
        head: () => ({
          num: this.chain.head.num,
          id: bytesToHex(this.chain.head.id),
          lib: this.chain.lastIrreversibleBlockNum,
          timestamp: this.chain.head.timestamp,
          producer: this.chain.head.block.producer,
        }),
      });
    mkdirSync(this.opts.dataDir, { recursive: true });
    const tLog = performance.now();
    this.source = await this.openBlockSource();
    this.startupTimes.logOpenMs = performance.now() - tLog;
    const log = this.source.log;
    this.gate = new ReplayGate({ chainIdHex: bytesToHex(chainIdOf(this.source.genesis)), logLength: () => log.length });
    this.httpEndpoint = await this.serveHttp();
    const t0 = performance.now();
    this.chainOrNull = await this.openChain();
    this.startupTimes.openMs = performance.now() - t0;
    this.gate.attach(this.chain);
    this.pool = this.startRecoveryPool();
    this.replication = await this.serveReplication();
    this.apiOrNull = this.buildApi();
    await this.replayLog();
    await this.followFirstBlock();
    this.gate.open(this.api);
    if (!this.source.followed) await this.recoverJournal();
    this.startSnapshots();
    await this.startRelay();
    if (this.opts.slotClock === 'manual') await this.startManualClock();
    else if (this.source.followed) this.startFollowing();
    else if (this.relay) {
      if (this.opts.autoProduce ?? true) {
        this.productionGate = new ProductionGate(Date.now(), (this.opts.peers?.length ?? 0) > 0, this.opts.productionGateLimits);
        this.armSlotTimer();
      }
    } else if (this.opts.autoProduce ?? true) this.autoProducing = true;
  }

  /** Whether this node seals its blocks by itself (its timer, or its slots with peers): a push that meets a full block can wait for the next. */
  private get sealsBlocks(): boolean {
    return !this.opts.follow && this.opts.slotClock !== 'manual' && (this.opts.autoProduce ?? true);
  }

  private get p2p(): boolean {
    return this.opts.p2pListen !== undefined || (this.opts.peers?.length ?? 0) > 0;
  }

  /** `p2pListen` / `peers`: the block relay (net/block-relay.ts), fed through the chain queue. */
  private async startRelay(): Promise<void> {
    if (!this.p2p) return;
    if (this.source.followed) throw new Error('--follow and --p2p-listen/--peer exclude each other');
    const chain = this.chain;
    const relay = new BlockRelay(
      {
        chainId: chain.chainId,
        headNum: () => chain.head.num,
        libNum: () => chain.lastIrreversibleBlockNum,
        blockQueued: (bytes) => this.queueBlock(bytes),
        acceptBlock: (bytes) => {
          const queued = this.queuedBlocks.get(bytes);
          return this.serial(async () => {
            // known or unlinkable from its header alone, before its transactions are decoded
            if (!queued && chain.linkHeader(decodeSignedHeader(bytes).header) === 'known') return 'known';
            this.primeAhead();
            // its keys are being recovered on the pool since it arrived, or since there was room
            if (queued?.primed) await queued.primed;
            try {
              return await chain.acceptBlock(queued?.block ?? decodeBlock(bytes));
            } finally {
              this.primeAhead(); // its keys were used: room for the blocks after it
            }
          });
        },
        blocksFrom: (from, max, maxBytes) =>
          this.serial(async () => {
            const out: Uint8Array[] = [];
            let bytes = 0;
            for (let n = from; n < from + max && n <= chain.head.num && bytes < maxBytes; n++) {
              const b = await chain.getBlock(n);
              if (!b) break;
              const encoded = encodeBlock(b.block);
              out.push(encoded);
              bytes += encoded.length;
            }
            return out;
          }),
        acceptTransaction: (bytes) => {
          let p: PackedTrx;
          try {
            p = packedTrxFromJson(JSON.parse(new TextDecoder().decode(bytes)));
          } catch {
            return { accepted: false, inflatedBytes: 0 };
          }
          let d: DecodedTransaction | null = null;
          try {
            d = decodePackedTrx(p);
            chain.pushTransaction(p, d);
            return { accepted: true, inflatedBytes: inflatedBytes(p, d) };
          } catch {
            // a duplicate (seen already) or invalid here: not passed on
            return { accepted: false, inflatedBytes: inflatedBytes(p, d) };
          }
        },
        pendingTransactions: (max) =>
          chain.pendingTransactions.slice(0, max).map((t) => new TextEncoder().encode(JSON.stringify(packedTrxToJson(t)))),
        log: (m) => this.onError(new Error(m)),
      },
      (this.opts.peers ?? []).map((p) => parseHostPort(p)),
      { ...PEER_LIMITS, ...this.opts.peerLimits },
    );
    try {
      await relay.start(this.opts.p2pListen !== undefined ? endpointOf(this.opts.p2pListen) : undefined);
    } catch (e) {
      await relay.close();
      throw new Error(`cannot listen for peers on ${hostPort(this.opts.p2pListen!)}: ${(e as Error).message}`);
    }
    this.relay = relay;
  }

  /**
   * A peer's block waiting in the relay's queue: decoded once, for `acceptBlock`, its header
   * verified now (`Chain.primeHeader`: a refusal is returned, for the relay to count against the
   * peer at once) and its keys recovered on the pool meanwhile (`primeAhead`).
   */
  private queueBlock(bytes: Uint8Array): Error | null {
    if (!this.pool) return null;
    // decoded whole only when its header can be verified now: a block known here, or on a block not
    // here (yet), waits for its turn, where its header alone may answer (`Chain.linkHeader`).
    // Before, each was decoded whole: a peer repeating a 50-transaction block 900 times a second,
    // under its unsolicited rate, known or unlinkable, took 40% of the node's thread.
    let block: SignedBlock;
    try {
      if (!this.chain.canPrime(decodeSignedHeader(bytes).header)) return null;
      block = decodeBlock(bytes);
    } catch {
      return null; // refused with its error when its turn comes
    }
    const queued: QueuedBlock = { block, primed: null };
    this.queuedBlocks.set(bytes, queued);
    const refused = this.chain.primeHeader(block);
    if (refused) return refused;
    // a peer dropped with blocks queued leaves them here: the oldest go unprimed past the bound
    if (this.toPrime.length >= MAX_BLOCKS_TO_PRIME) this.toPrime.shift();
    this.toPrime.push(queued);
    this.primeAhead();
    return null;
  }

  /**
   * Starts recovering the keys of queued peer blocks on the pool, oldest first, while fewer than
   * `PRIME_AHEAD_KEYS` are outstanding (`Chain.primeTransactions`: only a block whose header verified).
   * A block whose turn comes before there was room has its keys recovered as it applies.
   */
  private primeAhead(): void {
    const pool = this.pool;
    if (!pool) return;
    while (this.toPrime.length > 0 && this.chain.recovery.outstanding < PRIME_AHEAD_KEYS) {
      const q = this.toPrime.shift()!;
      q.primed = this.chain.primeTransactions(q.block, pool);
    }
  }

  /** `slotClock: 'manual'`: blocks are produced only when the test clock drives a slot. */
  private async startManualClock(): Promise<void> {
    await this.manualClock!.listen();
  }

  /** HOST:PORT of the manual slot clock's control endpoint (127.0.0.1), when the node runs on one. */
  get slotClockAddress(): string | undefined {
    return this.manualClock?.address ?? undefined;
  }

  /** Runs `fn` after every earlier chain change from peers or slots. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chainQueue.then(fn);
    this.chainQueue = run.catch(() => {});
    return run;
  }

  /** Why the slot timer started producing after this start (net/production-gate.ts); null while it waits, or without peers. */
  get productionStartedBy(): ProductionGateReason | null {
    return this.productionGate?.openedBy ?? null;
  }

  /** HOST:PORT where peers reach this node's block relay. */
  get p2pAddress(): string | undefined {
    const a = this.relay?.address;
    return a ? `${a.host}:${a.port}` : undefined;
  }

  /** Greeted peer connections. */
  get connectedPeers(): number {
    return this.relay?.connected ?? 0;
  }

  /** Transactions peers forwarded past the node-wide budget (`MAX_NODE_TRX_PER_SECOND`), dropped unread. */
  get droppedPeerTransactions(): number {
    return this.relay?.droppedTransactions ?? 0;
  }

  /** Unrequested blocks peers sent past the node-wide budget (`MAX_NODE_UNSOLICITED_BLOCKS_PER_SECOND`), dropped unread. */
  get droppedPeerBlocks(): number {
    return this.relay?.droppedBlocks ?? 0;
  }

  /**
   * Produces the block of `slot` if it belongs to a producer this node holds the key of (after
   * any blocks from peers being applied), and sends it to the peers. Null when not this node's slot.
   */
  produceSlot(slot: number): Promise<{ num: number; id: string; producer: string } | null> {
    this.live();
    return this.serial(async () => {
      const made = await this.chain.produceSlot(slot);
      if (!made) return null;
      this.relay?.announceBlock(encodeBlock(this.chain.head.block));
      return { ...made, producer: this.chain.head.block.producer };
    });
  }

  /** The slot timer's gate after a start (net/production-gate.ts): caught up with the peers, or why it produces anyway. */
  private mayProduce(): boolean {
    const gate = this.productionGate;
    if (!gate) return true;
    const { open, openedNow } = gate.check(this.chain.head.num, this.relay?.peerHeads() ?? [], Date.now());
    if (openedNow === 'alone' || openedNow === 'timeout')
      this.onError(
        new Error(
          openedNow === 'alone'
            ? `no peer answered within ${gate.limits.aloneMs} ms of the start: producing from head ${this.chain.head.num} alone`
            : `peers stayed ahead of head ${this.chain.head.num} for ${gate.limits.behindMs} ms: producing anyway`,
        ),
      );
    return open;
  }

  /** With peers and autoProduce: a timer at every slot boundary produces this node's slots (once the production gate opens). */
  private armSlotTimer(): void {
    if (this.closed) return;
    const interval = BLOCK_INTERVAL_MS;
    const wait = interval - (Date.now() % interval) + 1;
    this.slotTimer = setTimeout(() => {
      this.slotTimer = null;
      if (this.closed) return;
      if (!this.mayProduce()) {
        this.armSlotTimer();
        return;
      }
      this.produceSlot(BlockTimestamp.fromMilliseconds(Date.now()).slot)
        .catch((e: Error) => this.onError(new Error(`block production failed: ${e.message}`)))
        .finally(() => this.armSlotTimer());
    }, wait);
  }

  /** Genesis and block log: our own (created on first start), or the followed producer's. */
  private async openBlockSource(): Promise<BlockSource> {
    const { dataDir, follow } = this.opts;
    const followed = follow ? await fetchBlockLogInfo(follow) : null;
    if (followed) {
      if (this.opts.dev) throw new Error('--dev and --follow exclude each other: a replica takes its genesis from the node it follows');
      if (!followed.replication) throw new Error(`${follow} does not serve its block log to peers (start it with --replicate HOST:PORT)`);
      await saveReplicaGenesis(dataDir, followed.genesis);
      const log = await BlockLog.openReplica(dataDir, hexToBytes(followed.key, 'block log key'));
      if (this.opts.producers?.length) throw new Error('--producer and --follow exclude each other: a replica produces no blocks');
      if (this.opts.genesis !== undefined)
        throw new Error('--genesis and --follow exclude each other: a replica takes the genesis of the node it follows');
      return { genesis: followed.genesis, producerKey: null, producerKeys: new Map(), log, followed };
    }
    const join = typeof this.opts.genesis === 'string' ? readGenesisFile(this.opts.genesis) : this.opts.genesis;
    const { genesis, producerKey } = await loadGenesis(dataDir, this.opts.dev ?? false, join);
    if (!producerKey && !this.p2p)
      throw new Error(
        "this node does not hold the genesis key (it joined a chain): it needs peers (--p2p-listen and/or --peer) to receive blocks and produces only in its producers' slots",
      );
    const producerKeys = await loadProducerKeys(dataDir, this.opts.producers ?? []);
    return { genesis, producerKey, producerKeys, log: await BlockLog.open(dataDir), followed: null };
  }

  /** The chain at genesis or at a sound snapshot; the log's later blocks are replayed by `replayLog`. */
  private async openChain(): Promise<Chain> {
    const { genesis, producerKey, producerKeys, log } = this.source;
    const kr = this.opts.keyRecovery;
    const recovery = kr === 'noble' ? nobleRecovery : typeof kr === 'object' ? kr : defaultKeyRecovery();
    const snapshotEvery = this.snapshotEvery;
    return Chain.open({
      genesis,
      producerKey,
      producerKeys: [...producerKeys.values()],
      log,
      // a replica's log is the followed node's copy: its blocks may be unchecked (a restart replays them checked)
      logSource: this.opts.follow ? 'peer' : 'own',
      recovery,
      snapshotEvery,
      // read only when used: a restart from the state store never reads the snapshot
      snapshot:
        snapshotEvery > 0
          ? () =>
              readSnapshotBytes(join(this.opts.dataDir, SNAPSHOT_FILE), (reason) =>
                this.onError(new Error(`${reason}; replaying the whole block log`)),
              )
          : null,
      snapshotBlock: () => (snapshotEvery > 0 ? readSnapshotBlock(join(this.opts.dataDir, SNAPSHOT_FILE)) : Promise.resolve(null)),
      ...(this.opts.stateCache !== undefined ? { stateStore: this.stateStore(this.opts.stateCache) } : {}),
      ...(this.opts.verifyStateStore ? { verifyStateStore: true } : {}),
      ...(this.opts.stateCommitEvery !== undefined
        ? { stateCommitEvery: positiveInt('stateCommitEvery', this.opts.stateCommitEvery) }
        : {}),
      events: this.chainEvents(),
      deferReplay: true,
      ...(this.manualClock ? { now: () => this.manualClock!.nowMs() } : {}),
      ...(producerKey === null && !this.opts.follow ? { joined: true } : {}),
      ...(this.opts.follow !== undefined ? { producerEndpoint: this.opts.follow } : {}),
    });
  }

  /** Opens the state's store (as it was left) with caches of `n` accounts and `n` tables (see chain-state.ts). */
  private stateStore(n: number): () => StateStoreOptions {
    positiveInt('stateCache', n);
    return () => ({ store: new OrderedStore(join(this.opts.dataDir, STATE_STORE_DIR)), accountCache: n, tableCache: n });
  }

  private get snapshotEvery(): number {
    return this.opts.snapshotEvery ?? SNAPSHOT_EVERY_BLOCKS;
  }

  /** What this node does when the chain reports; each does nothing until its part is started. */
  private chainEvents(): ChainEvents {
    return {
      pendingStarted: () => this.scheduleBlock(),
      accepted: (packed, blockNum) => {
        this.forward(packed);
        if (!this.journal) return undefined;
        const p = this.journal.append(blockNum, packed);
        p.catch(() => {}); // a caller that does not wait (pushPacked) must not crash the node
        return p;
      },
      durable: (num) => this.journal?.durable(num),
      // its record of the block it entered becomes obsolete once a block of that number is in the log
      held: (packed, blockNum) => this.journal?.append(blockNum, packed).catch(() => {}),
      unappliedDropped: (count, cap) =>
        this.onError(new Error(`${count} unapplied transaction(s) dropped: more than ${cap} waited for room in a block`)),
      snapshot: (snap) => {
        void this.saveSnapshot(snap);
      },
      snapshotRefused: (reason) => this.onError(new Error(`${reason}; replaying the whole block log`)),
      storeOpened: (num, toReplay) =>
        this.onError(new Error(`state store: opened at its last commit, block ${num}; replaying the ${toReplay} block(s) after it`)),
      storeAppendedBlock: (num) =>
        this.onError(
          new Error(
            `state store: its last commit is of block ${num}, which the block log lacked (a stop before the append completed): appended it from the store`,
          ),
        ),
      storeRefused: (reason) =>
        this.onError(
          new Error(
            `${reason}; building the state from ${this.snapshotEvery > 0 ? 'the snapshot if sound, else ' : ''}the whole block log`,
          ),
        ),
      doubleSigned: (d) => {
        this.doubleSigns.push(d);
        this.onError(
          new Error(`double signing: ${d.producer} signed blocks ${d.first.slice(0, 16)} and ${d.second.slice(0, 16)} for slot ${d.slot}`),
        );
      },
    };
  }

  /** Passes an accepted transaction on to the peers once (the producers of the coming slots are among them). */
  private forward(packed: PackedTrx): void {
    if (!this.relay) return;
    const json = packedTrxToJson(packed);
    const key = String(json.packed_trx);
    if (this.forwarded.has(key)) return;
    if (this.forwarded.size >= FORWARDED_IDS_KEPT) this.forwarded.clear();
    this.forwarded.add(key);
    this.relay.forwardTransaction(new TextEncoder().encode(JSON.stringify(json)));
  }

  /** Worker threads for key recovery: pushes, a peer's blocks, a followed log's (not with noble). */
  private startRecoveryPool(): KeyRecoveryPool | null {
    const workers = this.opts.recoveryWorkers ?? (cpus().length >= 2 ? 1 : 0);
    return workers > 0 && this.opts.keyRecovery !== 'noble' ? new KeyRecoveryPool(workers) : null;
  }

  /** `--replicate`: serve the block log's corestore to replicas. */
  private async serveReplication(): Promise<ReplicationServer | null> {
    const at = this.opts.replicate;
    if (at === undefined) return null;
    try {
      return await ReplicationServer.listen(this.source.log, endpointOf(at));
    } catch (e) {
      throw new Error(`cannot serve the block log to peers on ${hostPort(at)}: ${(e as Error).message}`);
    }
  }

  private buildApi(): ChainApi {
    const { follow } = this.opts;
    return new ChainApi(this.chain, {
      accountQueries: this.opts.accountQueries ?? this.opts.dev === true,
      pool: this.pool,
      sealsBlocks: this.sealsBlocks,
      relay: follow ? (endpoint, body) => relay(follow, endpoint, body) : null,
      beforeInfo: () => this.freshen(),
      blockLogInfo: () => ({
        key: this.source.log.key,
        genesis: this.source.genesis,
        replication: this.replicationAddress ?? null,
        length: this.source.log.length,
      }),
    });
  }

  /** Replays the log after the snapshot while HTTP already answers get_info ("replaying", with progress). */
  private async replayLog(): Promise<void> {
    const t0 = performance.now();
    await this.chain.replay();
    this.startupTimes.replayMs = performance.now() - t0;
  }

  /** A new replica: start downloading, and wait for block 1 (its chain has no head before it). */
  private async followFirstBlock(): Promise<void> {
    const followed = this.source.followed;
    if (!followed) return;
    const log = this.source.log;
    this.follower = new ReplicationClient(log, parseHostPort(followed.replication!));
    this.follower.start();
    if (this.chain.head) return;
    await log.waitForLength(0, FIRST_BLOCK_TIMEOUT_MS);
    const first = log.length > 0 ? await log.get(0) : null;
    if (!first) throw new Error(`no block arrived from ${followed.replication} within ${FIRST_BLOCK_TIMEOUT_MS} ms`);
    this.chain.applyLoggedBlock(1, first);
    this.chain.durableNum = 1;
  }

  /** `--http`: serve the chain API; returns `http://host:port`. */
  private async serveHttp(): Promise<string | undefined> {
    const at = this.opts.http;
    if (at === undefined) return undefined;
    this.http = new ChainHttpServer(this.gate!);
    try {
      const bound = await this.http.listen(endpointOf(at));
      return `http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
    } catch (e) {
      this.http = null; // never listened: nothing to close
      throw new Error(`cannot serve HTTP on ${hostPort(at)}: ${(e as Error).message}`);
    }
  }

  /**
   * Opens the accepted-transaction journal (accepted-journal.ts) and pushes again what it still
   * holds, journaled again under the block each enters now (their old frames dropped once those are
   * durable), sealing them into a block at once; from then on every accepted transaction is
   * journaled before its HTTP reply. A carried transaction that no longer applies (expired while the node was
   * down, say) is reported and kept in `accepted.failed-TIME.json`.
   */
  private async recoverJournal(): Promise<void> {
    const dataDir = this.opts.dataDir;
    const path = join(dataDir, ACCEPTED_JOURNAL_FILE);
    const chain = this.chain;
    // entries of blocks the log holds are obsolete (the journal keeps them until its cut)
    const { journal, carried, cutBytes, malformed } = await AcceptedJournal.open(path, { durable: chain.head.num });
    if (cutBytes > 0) this.onError(new Error(`${path}: cut ${cutBytes} bytes of a record torn by a crash (never acknowledged)`));
    if (malformed.count > 0)
      this.onError(
        new Error(
          `${path}: skipped ${malformed.count} whole record(s) that do not decode (the first at byte ${malformed.first}); the records after them are kept`,
        ),
      );
    let reapplied = 0;
    let alreadyInBlock = 0;
    const failed: Array<{ error: string; trx: unknown }> = [];
    // journaled from here on: each carried one re-applied is appended again, under the block it enters now
    this.journal = journal;
    for (const packed of carried) {
      try {
        try {
          chain.pushTransaction(packed);
        } catch (e) {
          // more than one block holds (two blocks' worth, one sealed but not logged): seal and go on
          if (!isBlockFull(e) || this.p2p || chain.pendingCount === 0) throw e;
          await chain.produceBlock();
          chain.pushTransaction(packed);
        }
        reapplied++;
      } catch (e) {
        if (e instanceof ChainError && e.code === 'tx_duplicate') alreadyInBlock++;
        else failed.push({ error: (e as Error).message, trx: packedTrxToJson(packed) });
      }
    }
    if (carried.length === 0) return;
    this.recovered = { carried: carried.length, reapplied, alreadyInBlock, failed: failed.length };
    let aside: string | undefined;
    if (failed.length > 0) {
      // kept aside before the journal lets them go
      aside = join(dataDir, `accepted.failed-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      await writeFileAtomic(aside, JSON.stringify(failed, null, 1), 0o600);
    }
    await journal.dropCarried();
    if (reapplied > 0 && !this.p2p) await chain.produceBlock(); // with peers they wait for this node's slot
    let note =
      `${carried.length} transaction(s) acknowledged before the last stop were not known to be in a block: ` +
      `${reapplied} re-applied into block ${chain.head.num}, ${alreadyInBlock} already in a block`;
    if (aside) note += `, ${failed.length} no longer apply (first: ${failed[0]!.error}); they are kept in ${aside}`;
    this.onError(new Error(note));
  }

  private startSnapshots(): void {
    if (this.snapshotEvery > 0) this.snapshots = new SnapshotFile(join(this.opts.dataDir, SNAPSHOT_FILE));
  }

  /** Writes `snap` in the background (block production goes on meanwhile; see state-snapshot.ts). */
  private saveSnapshot(snap: StateSnapshot): Promise<unknown> {
    if (this.snapshots) return this.snapshots.save(snap);
    snap.abandon();
    return Promise.resolve();
  }

  private startFollowing(): void {
    this.following = this.followLoop().catch((e: Error) => this.onError(new Error(`stopped following ${this.opts.follow}: ${e.message}`)));
  }

  /**
   * A replica: applies the followed node's blocks as they arrive, until closed. Up to
   * `FOLLOW_READ_AHEAD` blocks the log holds past the head are read ahead, their keys recovered on
   * the pool while the blocks before them execute (`Chain.primeBlock`).
   */
  private async followLoop(): Promise<void> {
    const log = this.source.log;
    const ahead: Array<{ index: number; bytes: Uint8Array; primed: Promise<void> | null; tried: boolean }> = [];
    while (!this.closed) {
      const next = this.chain.head.num; // hypercore index of the next chain block
      while (ahead.length > 0 && ahead[0]!.index !== next) ahead.shift();
      for (let i = next + ahead.length; i < log.length && ahead.length < FOLLOW_READ_AHEAD; i++) {
        const bytes = await log.get(i);
        if (!bytes || this.closed) break;
        ahead.push({ index: i, bytes, primed: null, tried: false });
      }
      if (this.closed) return;
      // in order, while there is room (a block primes only after the one it builds on)
      for (const a of ahead) {
        if (a.tried) continue;
        if (this.chain.recovery.outstanding >= PRIME_AHEAD_KEYS) break;
        a.tried = true;
        a.primed = this.primeFollowed(a.bytes);
      }
      const first = ahead.shift();
      if (first) {
        if (first.primed) await first.primed;
        if (this.closed) return;
        this.chain.applyLoggedBlock(next + 1, first.bytes, 'peer');
        this.chain.durableNum = next + 1;
        if (this.chain.state.mustWait) await this.chain.settleCommits();
        continue;
      }
      await log.waitForLength(next, 500);
    }
  }

  /** A followed block read ahead: its keys recovered on the pool (null without one, or when its header does not verify). */
  private primeFollowed(bytes: Uint8Array): Promise<void> | null {
    if (!this.pool) return null;
    try {
      return this.chain.primeBlock(decodeBlock(bytes), this.pool);
    } catch {
      return null; // refused with its error when applied
    }
  }

  /** The first transaction of an empty pending block: seal it one block interval later. */
  private scheduleBlock(): void {
    if (!this.autoProducing || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.produceBlock().catch((e: Error) => this.onError(new Error(`block production failed: ${e.message}`)));
    }, this.opts.blockIntervalMs ?? BLOCK_INTERVAL_MS);
  }

  /** Before get_info: seal a few empty blocks when the recent ones are stale (see Chain.freshen). */
  private freshen(): void {
    if (!this.autoProducing || this.closed || this.relay) return;
    for (const p of this.chain.freshen(this.opts.staleAfterMs ?? STALE_AFTER_MS)) {
      p.catch((e: Error) => this.onError(new Error(`block production failed: ${e.message}`)));
    }
  }

  /** A failed start: closes what the steps opened, last first. */
  private async unwind(): Promise<void> {
    const quietly = async (close: () => Promise<unknown> | unknown): Promise<void> => {
      await Promise.resolve()
        .then(close)
        .catch(() => {});
    };
    await quietly(() => this.journal?.close());
    await quietly(() => this.manualClock?.close());
    await quietly(() => this.relay?.close());
    await quietly(() => this.http?.close());
    await quietly(() => this.follower?.close());
    await quietly(() => this.replication?.close());
    await quietly(() => this.pool?.close());
    if (this.source) await quietly(() => this.source.log.close());
  }

  get chain(): Chain {
    if (!this.chainOrNull) throw new Error('the embedded node has not started');
    return this.chainOrNull;
  }

  get api(): ChainApi {
    if (!this.apiOrNull) throw new Error('the embedded node has not started');
    return this.apiOrNull;
  }

  /** `http://host:port` when serving HTTP. */
  get endpoint(): string | undefined {
    return this.httpEndpoint;
  }

  /** Whether this node follows another node's block log (read-only). */
  get isReplica(): boolean {
    return this.follower !== null;
  }

  /** HOST:PORT where peers replicate this node's block log, when serving it. */
  get replicationAddress(): string | undefined {
    return this.replication ? `${this.replication.address.host}:${this.replication.address.port}` : undefined;
  }

  get chainId(): string {
    return this.chain.chainIdHex;
  }

  /** Whether this node holds the genesis key (and so produces `eosio`'s slots). */
  get holdsGenesisKey(): boolean {
    return this.source.producerKey !== null;
  }

  /** The `--producer` names this node signs for, with their public block signing keys. */
  get producers(): Array<{ name: string; key: string }> {
    return [...this.source.producerKeys].map(([name, k]) => ({ name, key: k.toPublic().toString() }));
  }

  /** The snapshot writer's time in slices and rests so far (`SnapshotFile.pace`; null without snapshots): diagnosis. */
  get snapshotPace(): Readonly<{ sliceMs: number; restMs: number; rests: number }> | null {
    return this.snapshots?.pace ?? null;
  }

  /** Waits for the snapshots being written; the block number of the last one written (0 = none, or snapshots off). */
  async snapshotsSettled(): Promise<number> {
    await this.snapshots?.settled();
    return this.snapshots?.lastWritten ?? 0;
  }

  private live(): void {
    if (this.closed) throw new NodeClosedError();
  }

  /** Pushes a packed transaction (`PackedTrx` or its JSON form); returns Leap's push_transaction reply. */
  pushTransaction(packed: PackedTrx | object): unknown {
    this.live();
    const p = 'packedTrx' in packed ? (packed as PackedTrx) : packedTrxFromJson(packed);
    return this.api.json.pushResponse(this.chain.pushTransaction(p));
  }

  /** The same push without building the JSON reply (the fast path for the host and benchmarks). */
  pushPacked(packed: PackedTrx): PushResult {
    this.live();
    return this.chain.pushTransaction(packed);
  }

  /**
   * `pushPacked` with the keys recovered on the worker pool (inline when there is none), answered
   * once the transaction is journaled durably: its acknowledgement, without the trace.
   */
  async pushPackedAsync(packed: PackedTrx): Promise<PushAcknowledgement> {
    this.live();
    const pool = this.pool;
    const attempt = () => (pool ? this.chain.pushTransactionAsync(packed, pool) : this.chain.pushTransaction(packed));
    // returned, not awaited here: this frame would keep the result (its trace) until the sync answers
    return acknowledgedWhenDurable(this.sealsBlocks ? await pushWhenRoom(this.chain, attempt) : await attempt());
  }

  getInfo(): unknown {
    this.live();
    return this.api.getInfo();
  }
  getAccount(accountName: string): unknown {
    this.live();
    return this.api.readOnly.getAccount({ account_name: accountName });
  }
  getTableRows(query: object): unknown {
    this.live();
    return this.api.readOnly.getTableRows(query as Record<string, unknown>);
  }
  getAbi(accountName: string): unknown {
    this.live();
    return this.api.readOnly.getAbi({ account_name: accountName });
  }
  getRawAbi(accountName: string): unknown {
    this.live();
    return this.api.readOnly.getRawAbi({ account_name: accountName });
  }
  getBlock(blockNumOrId: number | string): Promise<unknown> {
    this.live();
    return this.api.readOnly.getBlock({ block_num_or_id: blockNumOrId });
  }
  getBlockInfo(blockNum: number): Promise<unknown> {
    this.live();
    return this.api.readOnly.getBlockInfo({ block_num: blockNum });
  }

  /** Seals the pending block now (empty if nothing is pending); resolves once it is in the log. */
  produceBlock(): Promise<{ num: number; id: string }> {
    this.live();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const p = this.relay
      ? this.serial(async () => {
          const made = await this.chain.produceBlock();
          this.relay?.announceBlock(encodeBlock(this.chain.head.block));
          return made;
        })
      : this.chain.produceBlock();
    this.producing = p.catch(() => {});
    return p;
  }

  /** Stops producing and serving; pending transactions are sealed into a last block first. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.slotTimer) {
      clearTimeout(this.slotTimer);
      this.slotTimer = null;
    }
    // with peers, a block outside this node's slot would fork: pending transactions stay in the journal instead
    if (this.chain.pendingCount > 0 && !this.relay) await this.chain.produceBlock().catch(() => {});
    this.closed = true;
    await this.manualClock?.close();
    await this.relay?.close();
    await this.chainQueue;
    await this.chain.logWritten(); // peers' blocks are written behind the chain (the journal hears they are durable)
    await this.producing;
    await this.http?.close();
    await this.pool?.close();
    this.follower?.close();
    await this.following;
    this.snapshots?.hurry(); // no block to make room for any more: the writer runs at full speed
    if (this.snapshots && this.chain.head && this.chain.pendingCount === 0 && this.chain.durableNum === this.chain.head.num) {
      await this.snapshots.settled(); // one capture at a time
      const snap = this.snapshots.lastWritten === this.chain.head.num ? null : this.chain.takeSnapshot();
      if (snap) await this.saveSnapshot(snap);
    }
    await this.snapshots?.settled();
    await this.chain.commitState(); // with a state store: the next start opens it at this head
    await this.replication?.close();
    await this.journal?.close();
    await this.chain.state.close();
    await this.source.log.close();
  }
}

function positiveInt(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: expected a positive integer, got ${n}`);
  return n;
}

export { STATE_STORE_DIR };

/** Starts an embedded node (see `NodeOptions`). */
export function startNode(opts: NodeOptions): Promise<EmbeddedNode> {
  return EmbeddedNode.start(opts);
}
