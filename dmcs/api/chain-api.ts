/**
 * Chain API v1 (`/v1/chain/*`) as plain handlers: request body in, JSON-ready object out, errors
 * thrown as `ChainError`. Split as Leap's chain plugin splits it: read-only endpoints
 * (chain-read-only.ts), read-write ones (chain-read-write.ts) and the JSON shaping of chain objects
 * (chain-json.ts); this file is the table of endpoints. Shapes follow Leap's, as
 * @wharfkit/antelope's APIClient and eosjs's JsonRpc/Api read them. The HTTP server
 * (http-server.ts) adds transport, limits and error JSON.
 */
import { bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import type { Chain } from '../chain/chain.js';
import { ContractAbis } from './contract-abis.js';
import { ProtocolReads } from './protocol-reads.js';
import { ChainJson } from './chain-json.js';
import { ChainReadOnly } from './chain-read-only.js';
import { ChainReadWrite, type ChainReadWriteOptions } from './chain-read-write.js';
import { obj } from './request-body.js';

export { isoMs } from './chain-json.js';
export { SERVER_VERSION, SERVER_VERSION_STRING } from './chain-read-only.js';

/** A handler: the parsed request body in, the reply (or a promise of it) out. */
export type EndpointHandler = (body: unknown) => unknown;

export interface ChainApiOptions extends ChainReadWriteOptions {
  /** Runs before get_info answers (the node refreshes stale recent blocks there). */
  beforeInfo?: (() => void) | null;
  /** Describes the block log (key, genesis, replication address) for `/v1/peeros/get_block_log`. */
  blockLogInfo?: (() => unknown) | null;
  /** Serve get_accounts_by_authorizers, which walks every account (default true; `NodeOptions.accountQueries`). */
  accountQueries?: boolean;
}

/** A table of handlers without a prototype, so `constructor` or `toString` is no endpoint. */
function endpointTable(handlers: Record<string, EndpointHandler>): Readonly<Record<string, EndpointHandler>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, EndpointHandler>, handlers));
}

export class ChainApi {
  readonly abis: ContractAbis;
  readonly json: ChainJson;
  readonly readOnly: ChainReadOnly;
  readonly readWrite: ChainReadWrite;
  readonly protocol: ProtocolReads;
  private readonly beforeInfo: (() => void) | null;
  private readonly blockLogInfo: (() => unknown) | null;

  constructor(
    readonly chain: Chain,
    opts: ChainApiOptions = {},
  ) {
    this.abis = new ContractAbis(chain);
    this.json = new ChainJson(chain, this.abis);
    this.readOnly = new ChainReadOnly(chain, this.abis, this.json, opts.accountQueries ?? true);
    this.readWrite = new ChainReadWrite(chain, this.json, opts);
    this.protocol = new ProtocolReads(chain);
    this.beforeInfo = opts.beforeInfo ?? null;
    this.blockLogInfo = opts.blockLogInfo ?? null;
  }

  /** get_info as the endpoint answers it: stale recent blocks refreshed first. */
  getInfo(): unknown {
    this.beforeInfo?.();
    return this.readOnly.getInfo();
  }

  /** Handlers by endpoint name. */
  readonly endpoints = endpointTable({
    get_info: () => this.getInfo(),
    get_account: (b) => this.readOnly.getAccount(obj(b)),
    get_abi: (b) => this.readOnly.getAbi(obj(b)),
    get_raw_abi: (b) => this.readOnly.getRawAbi(obj(b)),
    get_raw_code_and_abi: (b) => this.readOnly.getRawCodeAndAbi(obj(b)),
    get_table_rows: (b) => this.readOnly.getTableRows(obj(b)),
    get_block: (b) => this.readOnly.getBlock(obj(b)),
    get_block_info: (b) => this.readOnly.getBlockInfo(obj(b)),
    get_required_keys: (b) => this.readOnly.getRequiredKeys(obj(b)),
    push_transaction: (b) => this.readWrite.pushTransaction(b),
    send_transaction: (b) => this.readWrite.sendTransaction(b),
    send_transaction2: (b) => this.readWrite.sendTransaction2(b),
    compute_transaction: (b) => this.readOnly.compute(obj(b)),
    get_currency_balance: (b) => this.readOnly.getCurrencyBalance(obj(b)),
    get_accounts_by_authorizers: (b) => this.readOnly.getAccountsByAuthorizers(obj(b)),
    get_currency_stats: (b) => this.readOnly.getCurrencyStats(obj(b)),
    get_code: (b) => this.readOnly.getCode(obj(b)),
    get_code_hash: (b) => this.readOnly.getCodeHash(obj(b)),
    get_table_by_scope: (b) => this.readOnly.getTableByScope(obj(b)),
    get_transaction_id: (b) => this.readOnly.getTransactionId(obj(b)),
    get_raw_block: (b) => this.readOnly.getRawBlock(obj(b)),
    get_block_header: (b) => this.readOnly.getBlockHeader(obj(b)),
    get_block_header_state: (b) => this.readOnly.getBlockHeaderState(obj(b)),
    get_transaction_status: (b) => this.readOnly.getTransactionStatus(obj(b)),
    send_read_only_transaction: (b) => this.readOnly.compute(obj(b)),
    push_transactions: (b) => this.readWrite.pushTransactions(b),
    get_activated_protocol_features: (b) => this.protocol.getActivatedProtocolFeatures(obj(b)),
    get_producers: (b) => this.protocol.getProducers(obj(b)),
    get_producer_schedule: () => this.protocol.getProducerSchedule(),
    get_scheduled_transactions: () => this.protocol.getScheduledTransactions(),
    get_consensus_parameters: () => this.protocol.getConsensusParameters(),
  });

  /** PeerOS extensions under `/v1/peeros/`: not part of Antelope's API. */
  readonly peerosEndpoints = endpointTable({
    get_block_log: () => {
      if (!this.blockLogInfo) throw new ChainError('unsupported_feature', 'this node does not describe its block log');
      return this.blockLogInfo();
    },
    get_state_digest: () => ({
      head_block_num: this.chain.head.num,
      head_block_id: bytesToHex(this.chain.head.id),
      durable_block_num: this.chain.durableNum,
      last_irreversible_block_num: this.chain.lastIrreversibleBlockNum,
      pending_transactions: this.chain.pendingCount,
      state_digest: bytesToHex(this.chain.state.digest()),
    }),
    /**
     * `GET /v1/peeros/state_digest`: the same on every node at the same head, producer or replica,
     * while no transaction is pending. The digest covers the head block's state plus any pending
     * transactions (a replica never has any; `pending_transactions` says when a producer has).
     */
    state_digest: () => ({
      head_block_num: this.chain.head.num,
      head_block_id: bytesToHex(this.chain.head.id),
      last_irreversible_block_num: this.chain.lastIrreversibleBlockNum,
      state_digest: bytesToHex(this.chain.state.digest()),
      pending_transactions: this.chain.pendingCount,
    }),
  });
}
