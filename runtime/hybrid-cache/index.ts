/**
 * The hybrid API: chain reads cached immutably by (chain id, block, query), bounded, persisted
 * under `$PEEROS_HOME/cache/`, served stale (and marked so) when the DMCS is unreachable.
 * See docs/hybrid.md.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { peerosHome } from '../../lib/home.js';

export { HybridApi, type HybridRead, type HybridApiOptions } from './hybrid-api.js';
export { HybridReaders, type HybridReadersOptions } from './hybrid-readers.js';
export { CacheStore, HOST_CACHE_OWNER, SNAPSHOT_MAGIC, type CachedAnswer, type CacheStoreOptions } from './cache-store.js';
export type { OwnerUsage } from './cache-owners.js';
export { queryHash, canonicalJson, entryKey } from './cache-key.js';
export * as cacheLimits from './limits.js';

export const CACHE_FILE = 'hybrid-cache.bin';

/** Where the cache snapshot lives: `$PEEROS_HOME/cache/hybrid-cache.bin`. */
export function defaultCachePath(home: string = peerosHome()): string {
  const dir = join(home, 'cache');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, CACHE_FILE);
}
