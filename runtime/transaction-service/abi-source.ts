/**
 * Contract ABIs fetched from the DMCS (get_abi), as serializers, reused for `ABI_REUSE_MS`. While
 * the DMCS is unreachable the last ABI fetched is used however old (the offline queue still needs
 * transactions encoded and confirmations rendered); with a hybrid cache store the ABIs are kept in
 * it too, so they survive a restart. `eosio` uses the built-in native ABI.
 */
import { Abi, AbiSerializer, eosioSerializer } from '../../abi/antelope/index.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { TransactionServiceError } from './transaction-service-error.js';
import { queryHash, type CacheStore } from '../hybrid-cache/index.js';
import { ABI_REUSE_MS } from './limits.js';

export type AbiFetcher = (account: string) => Promise<Record<string, unknown>>;

export class AbiSource {
  readonly #fetch: AbiFetcher;
  readonly #now: () => number;
  readonly #cache = new Map<string, { s: AbiSerializer; at: number }>();
  readonly #store: { cache: CacheStore; chainId: string } | undefined;

  constructor(fetch: AbiFetcher, opts: { now?: () => number; store?: { cache: CacheStore; chainId: string } } = {}) {
    this.#fetch = fetch;
    this.#now = opts.now ?? Date.now;
    this.#store = opts.store;
  }

  #persisted(account: string): AbiSerializer | undefined {
    if (!this.#store) return undefined;
    const hit = this.#store.cache.newest(this.#store.chainId, queryHash('get_abi', { account_name: account }));
    if (!hit) return undefined;
    try {
      return new AbiSerializer(Abi.from(hit.value as Parameters<typeof Abi.from>[0]));
    } catch {
      return undefined;
    }
  }

  async serializer(account: string): Promise<AbiSerializer> {
    if (account === 'eosio') return eosioSerializer();
    const hit = this.#cache.get(account);
    if (hit && this.#now() - hit.at < ABI_REUSE_MS) return hit.s;
    let reply: Record<string, unknown>;
    try {
      reply = await this.#fetch(account);
    } catch (err) {
      if (hit && err instanceof DmcsError && err.code === 'UNREACHABLE') return hit.s;
      const kept = err instanceof DmcsError && err.code === 'UNREACHABLE' ? this.#persisted(account) : undefined;
      if (kept) {
        this.#cache.set(account, { s: kept, at: this.#now() - ABI_REUSE_MS });
        return kept;
      }
      if (err instanceof DmcsError && err.code === 'UNREACHABLE') {
        throw new TransactionServiceError(
          'UNAVAILABLE',
          `the ABI of ${account} is needed to encode the action, and the DMCS is unreachable (${err.message})`,
          { cause: err },
        );
      }
      if (err instanceof DmcsError && err.code === 'REJECTED') {
        throw new TransactionServiceError('BAD_ACTIONS', `contract account '${account}' does not exist on this DMCS`, { cause: err });
      }
      throw err;
    }
    if (!reply.abi)
      throw new TransactionServiceError('BAD_ACTIONS', `account '${account}' has no contract ABI on this DMCS (is the contract deployed?)`);
    const s = new AbiSerializer(Abi.from(reply.abi as Parameters<typeof Abi.from>[0]));
    this.#cache.set(account, { s, at: this.#now() });
    this.#store?.cache.put({
      chainId: this.#store.chainId,
      atBlock: 0,
      query: queryHash('get_abi', { account_name: account }),
      value: reply.abi,
      fetchedAt: this.#now(),
    });
    return s;
  }
}
