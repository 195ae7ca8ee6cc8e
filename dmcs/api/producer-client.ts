/**
 * What a replica asks of the producing node it follows, over that node's chain API: the
 * description of its block log (key, genesis, replication address), and relaying pushes to it.
 */
import { ChainError, CHAIN_EXCEPTIONS } from '../chain-error.js';
import { codeOf, peerMessage } from '../../lib/coded-error.js';
import { MAX_JSON_DEPTH } from './http-server.js';
import { parseGenesis, type Genesis } from '../chain/genesis.js';
import { BodyTooLargeError, cappedText } from '../../lib/capped-body.js';
import { jsonDepth } from '../../lib/json-depth.js';

/** Most time a relayed push may take at the producer. */
export const RELAY_TIMEOUT_MS = 30_000;
/** A relayed push's reply (its traces: console output is capped at 64 KiB an action) is passed on up to this size. */
export const MAX_RELAY_REPLY_BYTES = 16 * 1024 * 1024;
/** Most time the followed node may take to describe its block log. */
export const BLOCK_LOG_INFO_TIMEOUT_MS = 10_000;
/** The description is a key, a genesis and an address: a few hundred bytes. */
export const MAX_BLOCK_LOG_INFO_BYTES = 64 * 1024;
/** Its JSON nests three deep (the genesis' configuration); deeper is not a description. */
const MAX_BLOCK_LOG_INFO_DEPTH = 8;
/** A host:port is short; a longer replication address is not one. */
const MAX_ADDRESS_CHARS = 300;

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
  let text: string;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/v1/peeros/get_block_log`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(BLOCK_LOG_INFO_TIMEOUT_MS),
    });
    text = await cappedText(res, MAX_BLOCK_LOG_INFO_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new Error(`${url} described its block log in more than ${MAX_BLOCK_LOG_INFO_BYTES} bytes`);
    throw new Error(`cannot reach ${url} to follow it: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} did not describe its block log (HTTP ${res.status}); is it a peeros node?`);
  return blockLogInfoOf(url, text);
}

/** The reply of `/v1/peeros/get_block_log`, checked: what does not fit is refused with the field named (the sender's text is not echoed). */
function blockLogInfoOf(url: string, text: string): BlockLogInfo {
  const bad = (what: string) => new Error(`${url} described its block log with ${what}`);
  if (jsonDepth(text) > MAX_BLOCK_LOG_INFO_DEPTH) throw bad(`JSON nested deeper than ${MAX_BLOCK_LOG_INFO_DEPTH}`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('a reply that is not JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('a reply that is not a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o.key !== 'string' || !/^[0-9a-f]{64}$/.test(o.key)) throw bad('a key that is not 32 bytes of hex');
  if (o.replication !== null && (typeof o.replication !== 'string' || o.replication.length > MAX_ADDRESS_CHARS))
    throw bad(`a replication address that is not text of at most ${MAX_ADDRESS_CHARS} characters or null`);
  if (typeof o.length !== 'number' || !Number.isSafeInteger(o.length) || o.length < 0) throw bad('a length that is not a whole number');
  let genesis: Genesis;
  try {
    genesis = parseGenesis(o.genesis);
  } catch (e) {
    throw bad(`a genesis this node cannot use (${(e as Error).message})`);
  }
  return { key: o.key, genesis, replication: o.replication as string | null, length: o.length };
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
  let json: unknown = null;
  try {
    const text = await cappedText(res, MAX_RELAY_REPLY_BYTES);
    // the reply goes back to this node's client as JSON: no deeper than what its server takes in
    if (jsonDepth(text) <= MAX_JSON_DEPTH) json = JSON.parse(text);
  } catch (e) {
    if (e instanceof BodyTooLargeError)
      throw new ChainError('http_request_fail', `the producer at ${url} answered with more than ${MAX_RELAY_REPLY_BYTES} bytes`);
    // not JSON: an error below, or a reply this node cannot pass on
  }
  const error = (json as { error?: unknown } | null)?.error;
  if (!res.ok || error !== undefined || json === null || typeof json !== 'object') {
    const e = (error !== null && typeof error === 'object' ? error : {}) as { name?: unknown; details?: unknown; what?: unknown };
    const detail = Array.isArray(e.details) ? (e.details[0] as { message?: unknown } | undefined)?.message : undefined;
    const message = typeof detail === 'string' ? detail : typeof e.what === 'string' ? e.what : `HTTP ${res.status}, no usable reply`;
    throw new ChainError(codeOf(CHAIN_EXCEPTIONS, e.name) ?? 'http_request_fail', peerMessage(message));
  }
  return json;
}
