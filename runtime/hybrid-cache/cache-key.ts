/**
 * Cache keys. A chain read is immutable once pinned to a block: the answer to query Q on chain C
 * at head block N never changes. So the key is (chain id, block number, query), where the query
 * is its endpoint and parameters in canonical JSON (keys sorted), hashed to keep keys short.
 * No app is in the key: apps asking the same query share one answer. Which app's share of the
 * cache it counts toward (its owner: the app whose read first stored it) is cache-store.ts's.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same query. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** Hash of an endpoint and its parameters: identifies a query independent of the block. */
export function queryHash(endpoint: string, params: unknown): string {
  return createHash('sha256').update(endpoint).update('\0').update(canonicalJson(params)).digest('hex').slice(0, 32);
}

/** The full key of one cached answer. */
export function entryKey(chainId: string, atBlock: number, qhash: string): string {
  return `${chainId}:${atBlock}:${qhash}`;
}

/** The key of a query on a chain, across blocks (used to find the newest answer). */
export function seriesKey(chainId: string, qhash: string): string {
  return `${chainId}:${qhash}`;
}
