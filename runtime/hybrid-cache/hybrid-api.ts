/**
 * The hybrid read API behind the `chain` ISA: chain info, accounts and table rows, each answer
 * pinned to the head block it was read at and cached under (chain id, block, query).
 *
 * A read first learns the node's head block (get_info, reused for `INFO_REUSE_MS`). If the answer
 * for that block is cached it is returned without asking the node again; otherwise it is fetched
 * and cached. Both are `stale: false`. A get_account answer names its own head, so it is asked
 * without a get_info first when the head is not known.
 *
 * If the DMCS is unreachable (at get_info or at the read itself), the newest cached answer for the
 * same query is returned with `stale: true`, `atBlock` saying how old it is; with nothing cached,
 * the `UNREACHABLE` error is thrown. A refusal by the chain (`REJECTED`) is never papered over with
 * a cached answer: the chain answered, and the caller must hear what it said.
 *
 * Each read names who it is for (`owner`: the app's name; the host's own reads when omitted): an
 * answer it stores counts toward that owner's share of the cache (see cache-store.ts).
 */
import { DmcsError } from '../dispatch/dmcs-error.js';
import type { ChainInfo, DmcsBackend, TableRowsQuery, TableRowsResult } from '../dispatch/dmcs-backend.js';
import { queryHash } from './cache-key.js';
import { HOST_CACHE_OWNER, type CacheStore } from './cache-store.js';
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

/** Who a read is for. */
export interface ReadFor {
  /** The app's name (its share of the cache); omitted: the host's own read (`HOST_CACHE_OWNER`). */
  owner?: string;
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
  /** The newest head block an answer named (get_info's, or a get_account's) and when it came. */
  #head: { num: number; at: number } | undefined;
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
  async getInfo(opts: ReadFor = {}): Promise<HybridRead<ChainInfo>> {
    const q = queryHash('get_info', {});
    let info: ChainInfo;
    try {
      info = await this.#headInfo(true);
    } catch (err) {
      return this.#stale<ChainInfo>(q, err, opts.owner);
    }
    const fetchedAt = this.#info!.at;
    this.#store(q, info.head_block_num, info, fetchedAt, opts.owner);
    return { value: info, stale: false, atBlock: info.head_block_num, fetchedAt };
  }

  /**
   * get_account, cached per head block. Its answer names the head it was read at (Leap's
   * `head_block_num`), so once the head is no longer known it is asked straight away (one round
   * trip, not a get_info and then it). `fresh`: asked of the node whatever is cached (the answer is
   * cached as usual), for a caller just told its cached view is wrong (a refused push).
   */
  async getAccount(accountName: string, opts: ReadFor & { fresh?: boolean } = {}): Promise<HybridRead<Record<string, unknown>>> {
    return this.#read('get_account', { account_name: accountName }, () => this.#backend.getAccount(accountName), {
      fresh: opts.fresh === true,
      owner: opts.owner,
      headOf: (v) =>
        Number.isSafeInteger(v.head_block_num) && (v.head_block_num as number) >= 0 ? (v.head_block_num as number) : undefined,
    });
  }

  async getTableRows(query: TableRowsQuery, opts: ReadFor = {}): Promise<HybridRead<TableRowsResult>> {
    return this.#read('get_table_rows', query, () => this.#backend.getTableRows(query), { owner: opts.owner });
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

  /**
   * A read pinned to the head block (see the header). `headOf`: the head an answer names, for a query
   * whose answer carries it: asked without a get_info first when the head is not known (or `fresh`).
   */
  async #read<T>(
    endpoint: string,
    params: unknown,
    fetchIt: () => Promise<T>,
    opts: { fresh?: boolean; owner?: string | undefined; headOf?: (value: T) => number | undefined } = {},
  ): Promise<HybridRead<T>> {
    const q = queryHash(endpoint, params);
    const known = this.#knownHead();
    if (opts.headOf && (opts.fresh || known === undefined)) {
      const got = await this.#fetch(q, fetchIt, opts.owner);
      if ('stale' in got) return got;
      let head = opts.headOf(got.answer);
      if (head !== undefined) this.#sawHead(head);
      try {
        head ??= (await this.#headInfo(false)).head_block_num; // a server that does not say
      } catch (err) {
        return this.#stale<T>(q, err, opts.owner);
      }
      return this.#fetched(q, head, got.answer, opts.owner);
    }
    let head: number;
    try {
      head = known ?? (await this.#headInfo(opts.fresh === true)).head_block_num;
    } catch (err) {
      return this.#stale<T>(q, err, opts.owner);
    }
    const hit = opts.fresh ? undefined : this.#cache.get(this.chainId, head, q, opts.owner ?? HOST_CACHE_OWNER);
    if (hit) return { value: hit.value as T, stale: false, atBlock: hit.atBlock, fetchedAt: hit.fetchedAt };
    const value = await this.#fetch(q, fetchIt, opts.owner);
    return 'stale' in value ? value : this.#fetched(q, head, value.answer, opts.owner);
  }

  /** The head block as an answer named it less than `infoReuseMs` ago, if one did. */
  #knownHead(): number | undefined {
    const h = this.#head;
    return h && this.#now() - h.at < this.#infoReuseMs ? h.num : undefined;
  }

  /** An answer named head block `num` now (reads in the next `infoReuseMs` are pinned to it). */
  #sawHead(num: number, at = this.#now()): void {
    if (!this.#head || at >= this.#head.at) this.#head = { num, at };
  }

  /** The node's answer, or (unreachable) the newest cached one, stale. */
  async #fetch<T>(q: string, fetchIt: () => Promise<T>, owner: string | undefined): Promise<{ answer: T } | HybridRead<T>> {
    try {
      const answer = await fetchIt();
      this.#reachable();
      return { answer };
    } catch (err) {
      this.#info = undefined;
      this.#head = undefined;
      return this.#stale<T>(q, err, owner);
    }
  }

  #fetched<T>(q: string, head: number, value: T, owner: string | undefined): HybridRead<T> {
    const fetchedAt = this.#now();
    this.#store(q, head, value, fetchedAt, owner);
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
      this.#head = undefined;
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
    this.#sawHead(info.head_block_num, now);
    this.#reachable();
    return info;
  }

  /** The DMCS answered: if it was unreachable before, say it is back. */
  #reachable(): void {
    if (this.#down) {
      this.#down = false;
      this.#onReconnect?.();
    }
  }

  #stale<T>(q: string, err: unknown, owner = HOST_CACHE_OWNER): HybridRead<T> {
    if (!(err instanceof DmcsError && err.code === 'UNREACHABLE')) throw err;
    this.#down = true;
    const cached = this.#cache.newest(this.chainId, q, owner);
    if (!cached) {
      throw new DmcsError('UNREACHABLE', `${err.message}; and no cached answer to this query exists yet`, {
        dmcs: err.dmcs,
        cause: err,
      });
    }
    return { value: cached.value as T, stale: true, atBlock: cached.atBlock, fetchedAt: cached.fetchedAt };
  }

  #store(q: string, atBlock: number, value: unknown, fetchedAt: number, owner = HOST_CACHE_OWNER): void {
    this.#cache.put({ chainId: this.chainId, atBlock, query: q, value, fetchedAt }, owner);
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
