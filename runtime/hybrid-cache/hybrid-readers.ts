/**
 * One `HybridApi` per DMCS, all sharing one cache (`$PEEROS_HOME/cache/hybrid-cache.bin`): what the
 * `chain` ISA asks for an app — `readerFor(manifest)` routes by the manifest like dispatch does.
 */
import type { Dispatcher, DmcsRoute } from '../dispatch/dispatcher.js';
import { CacheStore, type CacheStoreOptions } from './cache-store.js';
import { HybridApi, type HybridApiOptions } from './hybrid-api.js';

export interface HybridReadersOptions {
  dispatcher: Dispatcher;
  /** The shared cache; default: a store persisted at `cachePath`. */
  cache?: CacheStore;
  /** Where the shared cache persists when `cache` is not given. */
  cachePath?: string;
  cacheOptions?: Omit<CacheStoreOptions, 'path'>;
  apiOptions?: Omit<HybridApiOptions, 'chainId'>;
}

export class HybridReaders {
  readonly cache: CacheStore;
  readonly #dispatcher: Dispatcher;
  readonly #apiOptions: Omit<HybridApiOptions, 'chainId'>;
  readonly #readers = new Map<string, HybridApi>();

  constructor(opts: HybridReadersOptions) {
    this.#dispatcher = opts.dispatcher;
    this.cache = opts.cache ?? new CacheStore({ ...opts.cacheOptions, ...(opts.cachePath ? { path: opts.cachePath } : {}) });
    this.#apiOptions = opts.apiOptions ?? {};
  }

  /** The reader for an app: its manifest's DMCS, else the default. */
  async readerFor(manifest?: DmcsRoute | null): Promise<HybridApi> {
    const backend = await this.#dispatcher.backendFor(manifest);
    const key = `${backend.entry.name}|${backend.entry.chainId}`;
    let reader = this.#readers.get(key);
    if (!reader) {
      reader = new HybridApi(backend, this.cache, { ...this.#apiOptions, chainId: backend.entry.chainId });
      this.#readers.set(key, reader);
    }
    return reader;
  }

  /** Writes the shared cache to disk. */
  async close(): Promise<void> {
    await Promise.all([...this.#readers.values()].map((r) => r.close()));
    await this.cache.persist();
  }
}
