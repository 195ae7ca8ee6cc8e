/**
 * A DMCS running in this process (the embedded node), adapted to `DmcsBackend`. The node object
 * only needs the chain API methods it has (`getInfo`, `pushTransaction`, `getTableRows`, …); a
 * missing one answers `REJECTED` with Antelope's `unsupported_feature`, as a Leap node without the
 * plugin would. Replies go through the same validation as HTTP replies, so both backends hand the
 * host identical shapes.
 *
 * Errors thrown by the node: a coded error whose code is an Antelope exception name (the node's
 * `ChainError` and `ContractError`: `code` is the name, `antelopeCode` the number) becomes
 * `REJECTED`; an error whose code says the node is stopped (`NODE_STOPPED`, `NODE_CLOSED`,
 * `CLOSED`) becomes `UNREACHABLE`; anything else is a `BAD_REPLY` carrying the original message.
 */
import { DmcsError } from './dmcs-error.js';
import { CodedError, codeOf } from '../../lib/coded-error.js';
import { CHAIN_EXCEPTIONS } from '../../dmcs/chain-error.js';
import type {
  ChainInfo, DmcsBackend, PushTransactionBody, PushTransactionResult, TableRowsQuery, TableRowsResult,
} from './dmcs-backend.js';
import { antelopeErrorFrom, checkChainInfo, checkObject, checkPushResult, checkTableRows } from './chain-reply.js';

/** The subset of the embedded node this adapter calls; every method is optional. Request bodies
 * are plain JSON records, as the node's chain API takes them. */
export interface InProcessNode {
  getInfo?(): unknown;
  getAccount?(accountName: string): unknown;
  getTableRows?(query: Record<string, unknown>): unknown;
  getBlock?(blockNumOrId: number | string): unknown;
  getBlockInfo?(blockNum: number): unknown;
  getAbi?(accountName: string): unknown;
  getRawAbi?(accountName: string): unknown;
  pushTransaction?(body: Record<string, unknown>): unknown;
}

const STOPPED_CODES = new Set(['NODE_STOPPED', 'NODE_CLOSED', 'CLOSED']);

export class InProcessBackend implements DmcsBackend {
  readonly label: string;
  readonly #node: InProcessNode;

  constructor(node: InProcessNode, label = 'embedded') {
    if (typeof node !== 'object' || node === null) throw new TypeError('InProcessBackend: node must be an object');
    this.#node = node;
    this.label = label;
  }

  async getInfo(): Promise<ChainInfo> {
    return checkChainInfo(this.label, await this.#invoke('getInfo', 'get_info', []));
  }

  async getAccount(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_account', await this.#invoke('getAccount', 'get_account', [accountName]));
  }

  async getTableRows(query: TableRowsQuery): Promise<TableRowsResult> {
    return checkTableRows(this.label, await this.#invoke('getTableRows', 'get_table_rows', [query]));
  }

  async getBlock(blockNumOrId: number | string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_block', await this.#invoke('getBlock', 'get_block', [blockNumOrId]));
  }

  async getBlockInfo(blockNum: number): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_block_info', await this.#invoke('getBlockInfo', 'get_block_info', [blockNum]));
  }

  async getAbi(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_abi', await this.#invoke('getAbi', 'get_abi', [accountName]));
  }

  async getRawAbi(accountName: string): Promise<Record<string, unknown>> {
    return checkObject(this.label, 'get_raw_abi', await this.#invoke('getRawAbi', 'get_raw_abi', [accountName]));
  }

  async pushTransaction(body: PushTransactionBody): Promise<PushTransactionResult> {
    return checkPushResult(this.label, await this.#invoke('pushTransaction', 'push_transaction', [body]));
  }

  async #invoke(method: keyof InProcessNode, endpoint: string, args: unknown[]): Promise<unknown> {
    const fn = this.#node[method] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') {
      throw DmcsError.rejected(this.label, 'unsupported_feature', `the embedded node does not serve ${endpoint}`);
    }
    try {
      // Round-trip through JSON so the host never shares mutable objects with the node's state.
      const value = await fn.apply(this.#node, args);
      return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    } catch (err) {
      throw fromNodeError(this.label, err);
    }
  }
}

/** Maps whatever the embedded node threw to a DmcsError (see the module doc). */
export function fromNodeError(label: string, err: unknown): DmcsError {
  if (err instanceof DmcsError) return err;
  const e = err as { code?: unknown; antelopeCode?: unknown; message?: unknown; json?: unknown; details?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.code === 'string' && STOPPED_CODES.has(e.code)) {
    return DmcsError.unreachable(label, `the embedded node is stopped (${message})`, err, undefined, true);
  }
  if (e && typeof e.json === 'object') {
    const fromJson = antelopeErrorFrom(label, e.json);
    if (fromJson) return fromJson;
  }
  const exception = err instanceof CodedError ? codeOf(CHAIN_EXCEPTIONS, err.code) : undefined;
  if (exception !== undefined) {
    return DmcsError.rejected(label, exception, message, {
      antelopeCode: typeof e.antelopeCode === 'number' ? e.antelopeCode : undefined,
      cause: err,
    });
  }
  return new DmcsError('BAD_REPLY', `the embedded node failed: ${message}`, { dmcs: label, cause: err });
}
