/**
 * What a replica asks of the producing node it follows, over that node's chain API: the
 * description of its block log (key, genesis, replication address), and relaying pushes to it.
 */
import { ChainError, CHAIN_EXCEPTIONS } from '../chain-error.js';
import { codeOf } from '../../lib/coded-error.js';
import type { Genesis } from '../chain/genesis.js';

/** Most time a relayed push may take at the producer. */
export const RELAY_TIMEOUT_MS = 30_000;

/** `/v1/peeros/get_block_log`: what a replica needs to open and follow the producer's log. */
export interface BlockLogInfo {
  key: string;
  genesis: Genesis;
  replication: string | null;
  length: number;
}

/** Asks a producing node (its chain API URL) for its block log key, genesis and replication address. */
export async function fetchBlockLogInfo(url: string): Promise<BlockLogInfo> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/peeros/get_block_log`, { method: 'POST', body: '{}' });
  } catch (e) {
    throw new Error(`cannot reach ${url} to follow it: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} did not describe its block log (HTTP ${res.status}); is it a peeros node?`);
  return (await res.json()) as BlockLogInfo;
}

/** A replica relays pushes to the producer's chain API; its refusals come back as ChainErrors. */
export async function relay(url: string, endpoint: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/chain/${endpoint}`, {
      method: 'POST',
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    });
  } catch (e) {
    throw new ChainError('http_request_fail', `cannot relay the transaction to the producer at ${url}: ${(e as Error).message}`);
  }
  const json = (await res.json().catch(() => null)) as {
    error?: { name?: string; details?: Array<{ message?: string }>; what?: string };
  } | null;
  if (!res.ok || json?.error) {
    const name = json?.error?.name;
    const message = json?.error?.details?.[0]?.message ?? json?.error?.what ?? `HTTP ${res.status}`;
    throw new ChainError(codeOf(CHAIN_EXCEPTIONS, name) ?? 'http_request_fail', message);
  }
  return json;
}
