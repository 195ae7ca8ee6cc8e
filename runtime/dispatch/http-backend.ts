/**
 * A DMCS over Antelope's chain API v1 on HTTP(S): any Leap/Spring node, or `peeros node --http`.
 * The transport is http-client.ts (node:http keep-alive, a deadline per request, a bounded body
 * read); this file maps what comes back.
 *
 * Error mapping (what the offline queue relies on):
 * - network failure, timeout, or a 5xx whose body is not Antelope error JSON → `UNREACHABLE`;
 * - Antelope error JSON at any status (Leap answers 500 for chain exceptions) → `REJECTED`;
 * - anything else unexpected (non-JSON 2xx, oversize, 4xx from something that is not a node)
 *   → `BAD_REPLY`.
 */
import { DmcsError } from './dmcs-error.js';
import type {
  ChainInfo,
  DmcsBackend,
  PushTransactionBody,
  PushTransactionResult,
  TableRowsQuery,
  TableRowsResult,
} from './dmcs-backend.js';
import { antelopeErrorFrom, checkChainInfo, checkObject, checkPushResult, checkTableRows } from './chain-reply.js';
import { MAX_REPLY_BYTES, MAX_REQUEST_BYTES, REQUEST_TIMEOUT_MS } from './limits.js';
import { ChainHttpClient } from './http-client.js';

export interface HttpBackendOptions {
  /** Registry name or any label for messages; defaults to the URL. */
  label?: string;
  timeoutMs?: number;
  maxReplyBytes?: number;
  /** How long an idle kept-alive socket stays open; `KEEP_ALIVE_IDLE_MS` by default. */
  keepAliveIdleMs?: number;
}

/** Checks and normalises a chain API base URL: http(s), no query or fragment, no trailing slash. */
export function normaliseEndpoint(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DmcsError('BAD_ARGUMENT', `not a URL: ${JSON.stringify(url)}; expected e.g. http://127.0.0.1:8888`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new DmcsError('BAD_ARGUMENT', `DMCS URL must be http:// or https://, got ${u.protocol}//`);
  }
  if (u.search || u.hash || u.username || u.password) {
    throw new DmcsError('BAD_ARGUMENT', `DMCS URL must not carry a query, fragment or credentials: ${url}`);
  }
  return u.toString().replace(/\/+$/, '');
}

export class HttpBackend implements DmcsBackend {
  readonly label: string;
  readonly endpoint: string;
  readonly #timeoutMs: number;
  readonly #maxReplyBytes: number;
  readonly #client: ChainHttpClient;

  constructor(url: string, opts: HttpBackendOptions = {}) {
    this.endpoint = normaliseEndpoint(url);
    this.label = opts.label ?? this.endpoint;
    this.#timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.#maxReplyBytes = opts.maxReplyBytes ?? MAX_REPLY_BYTES;
    if (!(this.#timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${this.#timeoutMs}`);
    this.#client = new ChainHttpClient(this.endpoint, {
      label: this.label,
      timeoutMs: this.#timeoutMs,
      maxReplyBytes: this.#maxReplyBytes,
      keepAliveIdleMs: opts.keepAliveIdleMs,
    });
  }

  async getInfo(): Promise<ChainInfo> {
    return checkChainInfo(this.label, await this.call('/v1/chain/get_info', {}));
  }

  async getAccount(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_account', await this.call('/v1/chain/get_account', { account_name: accountName }));
  }

  async getTableRows(query: TableRowsQuery): Promise<TableRowsResult> {
    return checkTableRows(this.label, await this.call('/v1/chain/get_table_rows', query));
  }

  async getBlock(blockNumOrId: number | string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_block', await this.call('/v1/chain/get_block', { block_num_or_id: blockNumOrId }));
  }

  async getBlockInfo(blockNum: number): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_block_info', await this.call('/v1/chain/get_block_info', { block_num: blockNum }));
  }

  async getAbi(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_abi', await this.call('/v1/chain/get_abi', { account_name: accountName }));
  }

  async getRawAbi(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_raw_abi', await this.call('/v1/chain/get_raw_abi', { account_name: accountName }));
  }

  async pushTransaction(body: PushTransactionBody): Promise<PushTransactionResult> {
    return checkPushResult(this.label, await this.call('/v1/chain/push_transaction', body));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Sockets this backend holds open to its DMCS (busy and idle). */
  openSockets(): number {
    return this.#client.openSockets();
  }

  /** POSTs `body` as JSON to `path` and returns the parsed reply, mapping failures to DmcsError. */
  async call(path: string, body: unknown): Promise<unknown> {
    const payload = Buffer.from(JSON.stringify(body));
    if (payload.byteLength > MAX_REQUEST_BYTES) {
      throw new DmcsError('BAD_ARGUMENT', `request to ${path} is ${payload.byteLength} bytes; the limit is ${MAX_REQUEST_BYTES}`);
    }
    const res = await this.#client.post(path, payload);
    if (res.status >= 300 && res.status < 400) {
      // A redirect would turn the POST into a GET elsewhere; a DMCS is registered by its real URL.
      throw DmcsError.badReply(
        this.label,
        `${path} redirects (HTTP ${res.status}) to ${res.location ?? 'elsewhere'}; register the DMCS by the URL it serves from`,
        res.status,
      );
    }
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      isJson = false;
    }
    const ok = res.status >= 200 && res.status < 300;
    if (ok) {
      if (!isJson) throw DmcsError.badReply(this.label, `${path} answered ${res.status} with a body that is not JSON`, res.status);
      return parsed;
    }
    const rejected = isJson ? antelopeErrorFrom(this.label, parsed, res.status) : undefined;
    if (rejected) throw rejected;
    if (res.status >= 500) {
      throw DmcsError.unreachable(
        this.label,
        `${path} answered HTTP ${res.status} without Antelope error JSON (a proxy or a node that is down)`,
        undefined,
        res.status,
      );
    }
    throw DmcsError.badReply(this.label, `${path} answered HTTP ${res.status}: ${res.body.slice(0, 200)}`, res.status);
  }
}
