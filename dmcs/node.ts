/**
 * The embedded node: genesis + block log + chain + block production + (optionally) the HTTP
 * chain API, behind one small facade for the CLI (`peeros node`) and for the host (in-process
 * dispatch). A block is produced `BLOCK_INTERVAL_MS` after the first transaction enters an empty
 * pending block, so blocks come every 500 ms while there are transactions and not otherwise;
 * `produceBlock()` seals one on demand. `close()` seals pending transactions, then stops.
 */
import { mkdirSync } from 'node:fs';
import { Chain } from './chain.js';
import { BlockLog } from './block-log.js';
import { loadGenesis } from './genesis.js';
import { ChainApi } from './chain-api.js';
import { ChainHttpServer, parseHostPort, type HttpEndpoint } from './http-server.js';
import { defaultKeyRecovery, nobleRecovery, type KeyRecovery } from './key-recovery.js';
import { packedTrxFromJson } from './packed-transaction.js';
import type { PackedTrx } from './block.js';
import type { PushResult } from './chain.js';
import { KeyRecoveryPool } from './key-recovery-pool.js';
import { cpus } from 'node:os';

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
  blockIntervalMs?: number;
  /** Key recovery implementation: 'auto' (native when loadable, default) or 'noble'. */
  keyRecovery?: 'auto' | 'noble' | KeyRecovery;
  /**
   * Worker threads that recover signature keys for HTTP and async pushes, so execution and
   * recovery use different cores (default: 1 when the machine has ≥ 2 cores, else 0 = inline).
   */
  recoveryWorkers?: number;
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
  private producing: Promise<unknown> = Promise.resolve();
  private closed = false;

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
    const setup = await loadGenesis(opts.dataDir, opts.dev ?? false);
    const log = await BlockLog.open(opts.dataDir);
    let chain: Chain;
    try {
      const recovery = opts.keyRecovery === 'noble' ? nobleRecovery : typeof opts.keyRecovery === 'object' ? opts.keyRecovery : defaultKeyRecovery();
      chain = await Chain.open({ genesis: setup.genesis, producerKey: setup.producerKey, log, recovery });
    } catch (e) {
      await log.close().catch(() => {});
      throw e;
    }
    const api = new ChainApi(chain);
    const workers = opts.recoveryWorkers ?? (cpus().length >= 2 ? 1 : 0);
    const pool = workers > 0 && opts.keyRecovery !== 'noble' ? new KeyRecoveryPool(workers) : null;
    api.pool = pool;
    let http: ChainHttpServer | null = null;
    let endpoint: string | undefined;
    if (opts.http !== undefined) {
      http = new ChainHttpServer(api);
      try {
        const at = await http.listen(typeof opts.http === 'string' ? parseHostPort(opts.http) : opts.http);
        endpoint = `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
      } catch (e) {
        await log.close().catch(() => {});
        await pool?.close();
        throw new Error(`cannot serve HTTP on ${typeof opts.http === 'string' ? opts.http : `${opts.http.host}:${opts.http.port}`}: ${(e as Error).message}`);
      }
    }
    const node = new EmbeddedNode(chain, log, api, http, endpoint, pool);
    if (opts.autoProduce ?? true) {
      const interval = opts.blockIntervalMs ?? BLOCK_INTERVAL_MS;
      const onError = opts.onError ?? ((e: Error) => process.stderr.write(`peeros node: block production failed: ${e.message}\n`));
      chain.onPending = () => {
        if (node.timer || node.closed) return;
        node.timer = setTimeout(() => {
          node.timer = null;
          node.produceBlock().catch(onError);
        }, interval);
      };
    }
    return node;
  }

  get chainId(): string { return this.chain.chainIdHex; }

  private live(): void { if (this.closed) throw new NodeClosedError(); }

  /** Pushes a packed transaction (`PackedTrx` or its JSON form); returns Leap's push_transaction reply. */
  pushTransaction(packed: PackedTrx | object): unknown {
    this.live();
    const p = 'packedTrx' in packed ? (packed as PackedTrx) : packedTrxFromJson(packed);
    return this.api.pushResponse(this.chain.pushTransaction(p));
  }

  /** The same push without building the JSON reply (the fast path for the host and benchmarks). */
  pushPacked(packed: PackedTrx): PushResult {
    this.live();
    return this.chain.pushTransaction(packed);
  }

  /** `pushPacked` with the keys recovered on the worker pool (inline when there is none). */
  async pushPackedAsync(packed: PackedTrx): Promise<PushResult> {
    this.live();
    return this.pool ? this.chain.pushTransactionAsync(packed, this.pool) : this.chain.pushTransaction(packed);
  }

  getInfo(): unknown { this.live(); return this.api.getInfo(); }
  getAccount(accountName: string): unknown { this.live(); return this.api.getAccount({ account_name: accountName }); }
  getTableRows(query: object): unknown { this.live(); return this.api.getTableRows(query as Record<string, unknown>); }
  getAbi(accountName: string): unknown { this.live(); return this.api.getAbi({ account_name: accountName }); }
  getRawAbi(accountName: string): unknown { this.live(); return this.api.getRawAbi({ account_name: accountName }); }
  getBlock(blockNumOrId: number | string): Promise<unknown> { this.live(); return this.api.getBlock({ block_num_or_id: blockNumOrId }); }
  getBlockInfo(blockNum: number): Promise<unknown> { this.live(); return this.api.getBlockInfo({ block_num: blockNum }); }

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
    await this.log.close();
  }
}

/** Starts an embedded node (see `NodeOptions`). */
export function startNode(opts: NodeOptions): Promise<EmbeddedNode> {
  return EmbeddedNode.start(opts);
}
