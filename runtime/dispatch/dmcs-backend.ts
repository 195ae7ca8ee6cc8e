/**
 * The one interface every DMCS backend implements: `HttpBackend` for any Antelope chain API v1
 * endpoint (the embedded node included), and test doubles. Shapes follow Antelope's chain API
 * JSON (`plugins/chain_api_plugin` in Leap); fields this host does not read are passed through as
 * they arrived. Every method rejects with a `DmcsError` (`UNREACHABLE`, `REJECTED` or `BAD_REPLY`).
 */
import type { PackedTransactionBody } from '../../abi/antelope/index.js';

/** `/v1/chain/get_info`: the fields the host relies on, plus whatever else the node sends. */
export interface ChainInfo {
  chain_id: string;
  head_block_num: number;
  head_block_id: string;
  last_irreversible_block_num: number;
  last_irreversible_block_id?: string;
  head_block_time?: string;
  server_version?: string;
  [field: string]: unknown;
}

/** `/v1/chain/get_table_rows` request (Antelope's names). */
export interface TableRowsQuery {
  code: string;
  scope: string;
  table: string;
  json?: boolean;
  lower_bound?: string;
  upper_bound?: string;
  limit?: number;
  key_type?: string;
  index_position?: string;
  encode_type?: string;
  reverse?: boolean;
  show_payer?: boolean;
}

export interface TableRowsResult {
  rows: unknown[];
  more: boolean;
  next_key?: string;
  [field: string]: unknown;
}

/** The body of `/v1/chain/push_transaction`: a signed, packed transaction (its shape is the
 * protocol core's, abi/antelope/packed-transaction.ts). */
export type PushTransactionBody = PackedTransactionBody;

/** What a node answers when it accepted (and executed) a transaction. */
export interface PushTransactionResult {
  transaction_id: string;
  processed: {
    id?: string;
    block_num?: number;
    block_time?: string;
    receipt?: { status?: string; [field: string]: unknown } | null;
    [field: string]: unknown;
  };
}

export interface DmcsBackend {
  /** A label for errors and logs (registry name or URL). */
  readonly label: string;
  getInfo(): Promise<ChainInfo>;
  getAccount(accountName: string): Promise<Record<string, unknown>>;
  getTableRows(query: TableRowsQuery): Promise<TableRowsResult>;
  getBlock(blockNumOrId: number | string): Promise<Record<string, unknown>>;
  getBlockInfo(blockNum: number): Promise<Record<string, unknown>>;
  getAbi(accountName: string): Promise<Record<string, unknown>>;
  getRawAbi(accountName: string): Promise<Record<string, unknown>>;
  pushTransaction(body: PushTransactionBody): Promise<PushTransactionResult>;
  /** Releases sockets or handles; the backend must not be used afterwards. */
  close?(): Promise<void>;
}
