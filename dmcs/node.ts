/**
 * The embedded node: genesis + block log + chain + block production + (optionally) the HTTP
 * chain API, behind one small facade for the CLI (`peeros node`) and for the host (in-process
 * dispatch). A block is produced `BLOCK_INTERVAL_MS` after the first transaction enters an empty
 * pending block, so blocks come every 500 ms while there are transactions and not otherwise;
 * `produceBlock()` seals one on demand. `close()` seals pending transactions, then stops.
 */
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from './state-snapshot.js';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { Chain } from './chain.js';
import { BlockLog } from './block-log.js';
import { loadGenesis, saveReplicaGenesis, type Genesis } from './genesis.js';
import { ReplicationClient, ReplicationServer } from './block-replication.js';
import { hexToBytes, type PrivateKey } from '../abi/antelope/index.js';
import { ChainApi } from './chain-api.js';
import { ChainHttpServer, parseHostPort, type HttpEndpoint } from './http-server.js';
import { defaultKeyRecovery, nobleRecovery, type KeyRecovery } from './key-recovery.js';
import { packedTrxFromJson } from './packed-transaction.js';
import type { PackedTrx } from './block.js';
import type { PushResult } from './chain.js';
import { KeyRecoveryPool } from './key-recovery-pool.js';
import { ChainError, CHAIN_EXCEPTIONS, type ChainErrorName } from './chain-error.js';
import { cpus } from 'node:os';
import { AcceptedJournal, ACCEPTED_JOURNAL_FILE, packedTrxToJson } from './accepted-journal.js';

/** How long a new replica waits for the first block from the node it follows. */
export const FIRST_BLOCK_TIMEOUT_MS = 15_000;

interface BlockLogInfo { key: string; genesis: Genesis; replication: string | null; length: number }

/** Asks a producing node (its chain API URL) for its block log key, genesis and replication address. */
async function fetchBlockLogInfo(url: string): Promise<BlockLogInfo> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/peeros/get_block_log`, { method: 'POST', body: '{}' });
  } catch (e) {
    throw new Error(`cannot reach ${url} to follow it: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} did not describe its block log (HTTP ${res.status}); is it a peeros node?`);
  return (await res.json()) as BlockLogInfo;
}

/** Recent blocks older than this are refreshed on the next get_info (see NodeOptions.staleAfterMs). */
export const STALE_AFTER_MS = 5000;

/** Most time a relayed push may take at the producer. */
export const RELAY_TIMEOUT_MS = 30_000;

/** A replica relays pushes to the producer's chain API; its refusals come back as ChainErrors. */
async function relay(url: string, endpoint: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/chain/${endpoint}`, {
      method: 'POST', body: JSON.stringify(body ?? {}), signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    });
  } catch (e) {
    throw new ChainError('http_request_fail', `cannot relay the transaction to the producer at ${url}: ${(e as Error).message}`);
  }
  const json = (await res.json().catch(() => null)) as { error?: { name?: string; details?: Array<{ message?: string }>; what?: string } } | null;
  if (!res.ok || json?.error) {
    const name = json?.error?.name;
    const message = json?.error?.details?.[0]?.message ?? json?.error?.what ?? `HTTP ${res.status}`;
    throw new ChainError(name && name in CHAIN_EXCEPTIONS ? (name as ChainErrorName) : 'http_request_fail', message);
  }
  return json;
}

/** Default snapshot interval: 1000 blocks ≈ 8 minutes of continuous traffic. */
export const SNAPSHOT_EVERY_BLOCKS = 1000;

function readSnapshot(path: string): Snapshot | null {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Snapshot) : null;
  } catch {
    return null; // a damaged snapshot is only a lost shortcut: the log is replayed in full
  }
}

/** Antelope's block interval. */
export const BLOCK_INTERVAL_MS = 500;

export interface NodeOptions {
  /** Use the EOSIO development key for `eosio` and block signing. */
  dev?: boolean;
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
   * after it (default `SNAPSHOT_EVERY_BLOCKS`; 0 = never, always replay the whole log).
   */
  snapshotEvery?: number;
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
}

/** Thrown by every method once the node is closed (the dispatcher maps it to "unreachable"). */
export class NodeClosedError extends Error {
  override readonly name = 'NodeClosedError';
  readonly code = 'NODE_CLOSED';
  constructor() { super('the embedded node is closed'); }
}

export class EmbeddedNode {
  readonly chain: Chain;
  readonly api: ChainApi;
  /** `http://host:port` when serving HTTP. */
  readonly endpoint: string | undefined;
  private readonly log: BlockLog;
  private readonly http: ChainHttpServer | null;
  private readonly pool: KeyRecoveryPool | null;
  private timer: NodeJS.Timeout | null = null;
  private replication: ReplicationServer | null = null;
  private follower: ReplicationClient | null = null;
  private following: Promise<unknown> = Promise.resolve();
  private snapshotPath: string | null = null;
  private snapshotWrite: Promise<unknown> = Promise.resolve();

  /** Writes a snapshot atomically (one write at a time, in order). */
  private saveSnapshot(snap: Snapshot): Promise<unknown> {
    const path = this.snapshotPath;
    if (!path) return this.snapshotWrite;
    this.snapshotWrite = this.snapshotWrite.then(() => writeFileAtomic(path, JSON.stringify(snap), 0o644)).catch((e: Error) => {
      process.stderr.write(`peeros node: cannot save a state snapshot: ${e.message}\n`);
    });
    return this.snapshotWrite;
  }
  private producing: Promise<unknown> = Promise.resolve();
  private closed = false;
  private journal: AcceptedJournal | null = null;
  /** What the start did with transactions acknowledged before a crash but not yet in a block. */
  recovered: { carried: number; reapplied: number; alreadyInBlock: number; failed: number } | null = null;

  private constructor(chain: Chain, log: BlockLog, api: ChainApi, http: ChainHttpServer | null, endpoint: string | undefined, pool: KeyRecoveryPool | null) {
    this.pool = pool;
    this.chain = chain;
    this.log = log;
    this.api = api;
    this.http = http;
    this.endpoint = endpoint;
  }

  static async start(opts: NodeOptions): Promise<EmbeddedNode> {
    mkdirSync(opts.dataDir, { recursive: true });
    const follow = opts.follow ? await fetchBlockLogInfo(opts.follow) : null;
    let genesis: Genesis;
    let producerKey: PrivateKey | null = null;
    let log: BlockLog;
    if (follow) {
      if (opts.dev) throw new Error('--dev and --follow exclude each other: a replica takes its genesis from the node it follows');
      if (!follow.replication) throw new Error(`${opts.follow} does not serve its block log to peers (start it with --replicate HOST:PORT)`);
      genesis = follow.genesis;
      await saveReplicaGenesis(opts.dataDir, genesis);
      log = await BlockLog.openReplica(opts.dataDir, hexToBytes(follow.key, 'block log key'));
    } else {
      const setup = await loadGenesis(opts.dataDir, opts.dev ?? false);
      genesis = setup.genesis;
      producerKey = setup.producerKey;
      log = await BlockLog.open(opts.dataDir);
    }
    const cleanup: Array<() => Promise<unknown> | unknown> = [() => log.close()];
    const fail = async (e: unknown): Promise<never> => {
      for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
      throw e;
    };
    let chain: Chain;
    try {
      const recovery = opts.keyRecovery === 'noble' ? nobleRecovery : typeof opts.keyRecovery === 'object' ? opts.keyRecovery : defaultKeyRecovery();
      const snapshotEvery = opts.snapshotEvery ?? SNAPSHOT_EVERY_BLOCKS;
      chain = await Chain.open({ genesis, producerKey, log, recovery, snapshotEvery, snapshot: snapshotEvery > 0 ? readSnapshot(join(opts.dataDir, 'snapshot.json')) : null });
    } catch (e) {
      return fail(e);
    }
    chain.producerEndpoint = opts.follow;
    const workers = opts.recoveryWorkers ?? (cpus().length >= 2 ? 1 : 0);
    const pool = !follow && workers > 0 && opts.keyRecovery !== 'noble' ? new KeyRecoveryPool(workers) : null;
    if (pool) cleanup.push(() => pool.close());
    let replication: ReplicationServer | null = null;
    if (opts.replicate !== undefined) {
      try {
        replication = await ReplicationServer.listen(log, typeof opts.replicate === 'string' ? parseHostPort(opts.replicate) : opts.replicate);
        cleanup.push(() => replication!.close());
      } catch (e) {
        return fail(new Error(`cannot serve the block log to peers on ${String(typeof opts.replicate === 'string' ? opts.replicate : `${opts.replicate.host}:${opts.replicate.port}`)}: ${(e as Error).message}`));
      }
    }
    let beforeInfo: (() => void) | null = null;
    const api = new ChainApi(chain, {
      pool,
      relay: follow ? (endpoint, body) => relay(opts.follow!, endpoint, body) : null,
      beforeInfo: () => beforeInfo?.(),
      blockLogInfo: () => ({
      key: log.key,
      genesis,
      replication: replication ? `${replication.address.host}:${replication.address.port}` : null,
      length: log.length,
      }),
    });
    let follower: ReplicationClient | null = null;
    if (follow) {
      follower = new ReplicationClient(log, parseHostPort(follow.replication!));
      follower.start();
      cleanup.push(() => follower!.close());
      if (!chain.head) {
        await log.waitForLength(0, FIRST_BLOCK_TIMEOUT_MS);
        const first = log.length > 0 ? await log.get(0) : null;
        if (!first) return fail(new Error(`no block arrived from ${follow.replication} within ${FIRST_BLOCK_TIMEOUT_MS} ms`));
        try { chain.applyLoggedBlock(1, first, true); } catch (e) { return fail(e); }
        chain.durableNum = 1;
      }
    }
    let http: ChainHttpServer | null = null;
    let endpoint: string | undefined;
    if (opts.http !== undefined) {
      http = new ChainHttpServer(api);
      try {
        const at = await http.listen(typeof opts.http === 'string' ? parseHostPort(opts.http) : opts.http);
        endpoint = `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
      } catch (e) {
        return fail(new Error(`cannot serve HTTP on ${typeof opts.http === 'string' ? opts.http : `${opts.http.host}:${opts.http.port}`}: ${(e as Error).message}`));
      }
    }
    const node = new EmbeddedNode(chain, log, api, http, endpoint, pool);
    if (!follow) {
      try {
        await node.openJournal(opts.dataDir, opts.onError ?? ((e: Error) => process.stderr.write(`peeros node: ${e.message}\n`)));
      } catch (e) {
        await http?.close().catch(() => {});
        return fail(e);
      }
      cleanup.push(() => node.journal?.close());
    }
    node.snapshotPath = (opts.snapshotEvery ?? SNAPSHOT_EVERY_BLOCKS) > 0 ? join(opts.dataDir, 'snapshot.json') : null;
    chain.onSnapshot = (snap) => node.saveSnapshot(snap);
    node.replication = replication;
    node.follower = follower;
    const onError = opts.onError ?? ((e: Error) => process.stderr.write(`peeros node: ${e.message}\n`));
    if (follow) {
      node.following = node.followLoop().catch((e: Error) => onError(new Error(`stopped following ${opts.follow}: ${e.message}`)));
    } else if (opts.autoProduce ?? true) {
      const interval = opts.blockIntervalMs ?? BLOCK_INTERVAL_MS;
      const staleAfter = opts.staleAfterMs ?? STALE_AFTER_MS;
      beforeInfo = () => {
        if (node.closed) return;
        for (const p of chain.freshen(staleAfter)) p.catch((e: Error) => onError(new Error(`block production failed: ${e.message}`)));
      };
      chain.onPending = () => {
        if (node.timer || node.closed) return;
        node.timer = setTimeout(() => {
          node.timer = null;
          node.produceBlock().catch((e: Error) => onError(new Error(`block production failed: ${e.message}`)));
        }, interval);
      };
    }
    return node;
  }

  /**
   * Opens the accepted-transaction journal (accepted-journal.ts) and pushes again what it still
   * holds, sealing it into a block at once; from then on every accepted transaction is journaled
   * before its HTTP reply. A carried transaction that no longer applies (expired while the node was
   * down, say) is reported and kept in `accepted.failed-TIME.json`.
   */
  private async openJournal(dataDir: string, warn: (e: Error) => void): Promise<void> {
    const path = join(dataDir, ACCEPTED_JOURNAL_FILE);
    const { journal, carried, cutBytes } = await AcceptedJournal.open(path);
    this.journal = journal;
    if (cutBytes > 0) warn(new Error(`${path}: cut ${cutBytes} bytes of a record torn by a crash (never acknowledged)`));
    const chain = this.chain;
    let reapplied = 0;
    let alreadyInBlock = 0;
    const failed: Array<{ error: string; trx: unknown }> = [];
    for (const packed of carried) {
      try {
        chain.pushTransaction(packed);
        reapplied++;
      } catch (e) {
        if (e instanceof ChainError && e.code === 'tx_duplicate') alreadyInBlock++;
        else failed.push({ error: (e as Error).message, trx: packedTrxToJson(packed) });
      }
    }
    chain.onAccepted = (packed, blockNum) => {
      const p = journal.append(blockNum, packed);
      p.catch(() => {}); // a caller that does not wait (pushPacked) must not crash the node
      return p;
    };
    chain.onDurable = (num) => journal.durable(num);
    if (carried.length === 0) return;
    this.recovered = { carried: carried.length, reapplied, alreadyInBlock, failed: failed.length };
    if (reapplied > 0) await chain.produceBlock();
    else journal.durable(chain.head.num);
    let note = `${carried.length} transaction(s) acknowledged before the last stop were not known to be in a block: ` +
      `${reapplied} re-applied into block ${chain.head.num}, ${alreadyInBlock} already in a block`;
    if (failed.length > 0) {
      const aside = join(dataDir, `accepted.failed-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      await writeFileAtomic(aside, JSON.stringify(failed, null, 1), 0o600);
      note += `, ${failed.length} no longer apply (first: ${failed[0]!.error}); they are kept in ${aside}`;
    }
    warn(new Error(note));
  }

  /** A replica: applies the followed node's blocks as they arrive, until closed. */
  private async followLoop(): Promise<void> {
    while (!this.closed) {
      const next = this.chain.head.num; // hypercore index of the next chain block
      if (this.log.length > next) {
        const bytes = await this.log.get(next);
        if (this.closed) return;
        if (bytes) {
          this.chain.applyLoggedBlock(next + 1, bytes, true);
          this.chain.durableNum = next + 1;
          continue;
        }
      }
      await this.log.waitForLength(next, 500);
    }
  }

  /** Whether this node follows another node's block log (read-only). */
  get isReplica(): boolean { return this.follower !== null; }

  /** HOST:PORT where peers replicate this node's block log, when serving it. */
  get replicationAddress(): string | undefined {
    return this.replication ? `${this.replication.address.host}:${this.replication.address.port}` : undefined;
  }

  get chainId(): string { return this.chain.chainIdHex; }

  private live(): void { if (this.closed) throw new NodeClosedError(); }

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

  /** `pushPacked` with the keys recovered on the worker pool (inline when there is none). */
  async pushPackedAsync(packed: PackedTrx): Promise<PushResult> {
    this.live();
    const r = this.pool ? await this.chain.pushTransactionAsync(packed, this.pool) : this.chain.pushTransaction(packed);
    await r.accepted;
    return r;
  }

  getInfo(): unknown { this.live(); return this.api.getInfo(); }
  getAccount(accountName: string): unknown { this.live(); return this.api.readOnly.getAccount({ account_name: accountName }); }
  getTableRows(query: object): unknown { this.live(); return this.api.readOnly.getTableRows(query as Record<string, unknown>); }
  getAbi(accountName: string): unknown { this.live(); return this.api.readOnly.getAbi({ account_name: accountName }); }
  getRawAbi(accountName: string): unknown { this.live(); return this.api.readOnly.getRawAbi({ account_name: accountName }); }
  getBlock(blockNumOrId: number | string): Promise<unknown> { this.live(); return this.api.readOnly.getBlock({ block_num_or_id: blockNumOrId }); }
  getBlockInfo(blockNum: number): Promise<unknown> { this.live(); return this.api.readOnly.getBlockInfo({ block_num: blockNum }); }

  /** Seals the pending block now (empty if nothing is pending); resolves once it is in the log. */
  produceBlock(): Promise<{ num: number; id: string }> {
    this.live();
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const p = this.chain.produceBlock();
    this.producing = p.catch(() => {});
    return p;
  }

  /** Stops producing and serving; pending transactions are sealed into a last block first. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.chain.pendingCount > 0) await this.chain.produceBlock().catch(() => {});
    this.closed = true;
    await this.producing;
    await this.http?.close();
    await this.pool?.close();
    this.follower?.close();
    await this.following;
    if (this.snapshotPath && this.chain.head && this.chain.pendingCount === 0 && this.chain.durableNum === this.chain.head.num) {
      await this.saveSnapshot(this.chain.takeSnapshot());
    }
    await this.snapshotWrite;
    await this.replication?.close();
    await this.journal?.close();
    await this.log.close();
  }
}

/** Starts an embedded node (see `NodeOptions`). */
export function startNode(opts: NodeOptions): Promise<EmbeddedNode> {
  return EmbeddedNode.start(opts);
}
