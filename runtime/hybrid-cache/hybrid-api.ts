/**
 * The hybrid read API behind the `chain` ISA: chain info, accounts and table rows, each answer
 * pinned to the head block it was read at and cached under (chain id, block, query).
 *
 * A read first learns the node's head block (get_info, reused for `INFO_REUSE_MS`). If the answer
 * for that block is cached it is returned without asking the node again (it cannot have changed);
 * otherwise it is fetched and cached. Both are `stale: false`.
 *
 * If the DMCS is unreachable (at get_info or at the read itself), the newest cached answer for the
 * same query is returned with `stale: true`, `atBlock` saying how old it is; with nothing cached,
 * the `UNREACHABLE` error is thrown. A refusal by the chain (`REJECTED`) is never papered over with
 * a cached answer: the chain answered, and the caller must hear what it said.
 */
import { DmcsError } from '../dispatch/dmcs-error.js';
import type { ChainInfo, DmcsBackend, TableRowsQuery, TableRowsResult } from '../dispatch/dmcs-backend.js';
import { queryHash } from './cache-key.js';
import type { CacheStore } from './cache-store.js';
import { INFO_REUSE_MS, PERSIST_DELAY_MS } from './limits.js';
import { isChainId } from '../../abi/antelope/index.js';

export interface HybridRead<T> {
  value: T;
  /** True when the DMCS could not be reached and this is the newest answer cached. */
  stale: boolean;
  /** Head block number the answer was read at. */
  atBlock: number;
  /** When the answer was fetched from the DMCS (ms since 1970). */
  fetchedAt: number;
}

export interface HybridApiOptions {
  /** The chain id the backend must serve (from the DMCS registry). */
  chainId: string;
  infoReuseMs?: number;
  /** Delay before a changed cache is written to disk; 0 disables automatic persistence. */
  persistDelayMs?: number;
  now?: () => number;
  /** Told when the DMCS answers again after being unreachable (e.g. `QueueFlusher.kick`). */
  onReconnect?: () => void;
}

export class HybridApi {
  readonly chainId: string;
  readonly #backend: DmcsBackend;
  readonly #cache: CacheStore;
  readonly #infoReuseMs: number;
  readonly #persistDelayMs: number;
  readonly #now: () => number;
  #info: { info: ChainInfo; at: number } | undefined;
  #infoInFlight: Promise<ChainInfo> | undefined;
  #down = false;
  readonly #onReconnect: (() => void) | undefined;
  #persistTimer: NodeJS.Timeout | undefined;

  constructor(backend: DmcsBackend, cache: CacheStore, opts: HybridApiOptions) {
    if (!isChainId(opts.chainId)) throw new TypeError(`HybridApi: chainId must be 64 lowercase hex digits, got ${opts.chainId}`);
    this.#backend = backend;
    this.#cache = cache;
    this.chainId = opts.chainId;
    this.#infoReuseMs = opts.infoReuseMs ?? INFO_REUSE_MS;
    this.#persistDelayMs = opts.persistDelayMs ?? PERSIST_DELAY_MS;
    this.#now = opts.now ?? Date.now;
    this.#onReconnect = opts.onReconnect;
  }

  /** get_info, cached per head block. */
  async getInfo(): Promise<HybridRead<ChainInfo>> {
    const q = queryHash('get_info', {});
    let info: ChainInfo;
    try {
      info = await this.#headInfo(true);
    } catch (err) {
      return this.#stale<ChainInfo>(q, err);
    }
    const fetchedAt = this.#info!.at;
    this.#store(q, info.head_block_num, info, fetchedAt);
    return { value: info, stale: false, atBlock: info.head_block_num, fetchedAt };
  }

  async getAccount(accountName: string): Promise<HybridRead<Record<string, unknown>>> {
    return this.#read('get_account', { account_name: accountName }, () => this.#backend.getAccount(accountName));
  }

  async getTableRows(query: TableRowsQuery): Promise<HybridRead<TableRowsResult>> {
    return this.#read('get_table_rows', query, () => this.#backend.getTableRows(query));
  }

  /** Writes the cache to disk now. */
  async persist(): Promise<void> {
    if (this.#persistTimer) {
      clearTimeout(this.#persistTimer);
      this.#persistTimer = undefined;
    }
    await this.#cache.persist();
  }

  /** Persists and stops the persistence timer. */
  async close(): Promise<void> {
    await this.persist();
  }

  async #read<T>(endpoint: string, params: unknown, fetchIt: () => Promise<T>): Promise<HybridRead<T>> {
    const q = queryHash(endpoint, params);
    let head: number;
    try {
      head = (await this.#headInfo(false)).head_block_num;
    } catch (err) {
      return this.#stale<T>(q, err);
    }
    const hit = this.#cache.get(this.chainId, head, q);
    if (hit) return { value: hit.value as T, stale: false, atBlock: hit.atBlock, fetchedAt: hit.fetchedAt };
    let value: T;
    try {
      value = await fetchIt();
    } catch (err) {
      this.#info = undefined;
      return this.#stale<T>(q, err);
    }
    const fetchedAt = this.#now();
    this.#store(q, head, value, fetchedAt);
    return { value, stale: false, atBlock: head, fetchedAt };
  }

  /**
   * The head block: the one fetched less than `infoReuseMs` ago (unless `force`), else the answer of
   * the get_info in flight (concurrent reads after a block share one request: it was sent after they
   * were made, so it is as fresh as their own), else a new get_info.
   */
  #headInfo(force: boolean): Promise<ChainInfo> {
    const now = this.#now();
    if (!force && this.#info && now - this.#info.at < this.#infoReuseMs) return Promise.resolve(this.#info.info);
    if (this.#infoInFlight) return this.#infoInFlight;
    const p = this.#fetchHeadInfo(now).finally(() => {
      if (this.#infoInFlight === p) this.#infoInFlight = undefined;
    });
    this.#infoInFlight = p;
    return p;
  }

  async #fetchHeadInfo(now: number): Promise<ChainInfo> {
    let info: ChainInfo;
    try {
      info = await this.#backend.getInfo();
    } catch (err) {
      this.#info = undefined;
      throw err;
    }
    if (info.chain_id !== this.chainId) {
      throw new DmcsError(
        'CHAIN_MISMATCH',
        `DMCS ${this.#backend.label} serves chain ${info.chain_id}, not ${this.chainId}; check the DMCS registry`,
        { dmcs: this.#backend.label },
      );
    }
    this.#info = { info, at: now };
    if (this.#down) {
      this.#down = false;
      this.#onReconnect?.();
    }
    return info;
  }

  #stale<T>(q: string, err: unknown): HybridRead<T> {
    if (!(err instanceof DmcsError && err.code === 'UNREACHABLE')) throw err;
    this.#down = true;
    const cached = this.#cache.newest(this.chainId, q);
    if (!cached) {
      throw new DmcsError('UNREACHABLE', `${err.message}; and no cached answer to this query exists yet`, {
        dmcs: err.dmcs,
        cause: err,
      });
    }
    return { value: cached.value as T, stale: true, atBlock: cached.atBlock, fetchedAt: cached.fetchedAt };
  }

  #store(q: string, atBlock: number, value: unknown, fetchedAt: number): void {
    this.#cache.put({ chainId: this.chainId, atBlock, query: q, value, fetchedAt });
    if (this.#cache.dirty && this.#persistDelayMs > 0 && !this.#persistTimer) {
      this.#persistTimer = setTimeout(() => {
        this.#persistTimer = undefined;
        this.#cache.persist().catch((err: unknown) => {
          process.stderr.write(`warning: hybrid API cache not saved: ${(err as Error).message}\n`);
        });
      }, this.#persistDelayMs);
      this.#persistTimer.unref();
    }
  }
}
