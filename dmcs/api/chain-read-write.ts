/**
 * The chain API's read-write endpoints (Leap's `chain_apis::read_write`): push_transaction,
 * send_transaction and send_transaction2. The reply waits until the transaction is journaled, so
 * "executed" stays true across a kill -9. A replica relays them to its producer instead.
 */
import type { Chain, PushResult } from '../chain/chain.js';
import { packedTrxFromJson } from '../packed-transaction.js';
import type { KeyRecoveryPool } from '../keys/key-recovery-pool.js';
import type { ChainJson } from './chain-json.js';
import { obj } from './request-body.js';

/** Sends a push to the producing node's chain API and returns its reply (refusals as ChainErrors). */
export type PushRelay = (endpoint: string, body: unknown) => Promise<unknown>;

export interface ChainReadWriteOptions {
  /** Recover the keys on these worker threads (see key-recovery-pool.ts); inline when absent. */
  pool?: KeyRecoveryPool | null;
  /** On a replica: relay pushes to the producer, as Leap API nodes relay transactions to producers. */
  relay?: PushRelay | null;
}

export class ChainReadWrite {
  private readonly pool: KeyRecoveryPool | null;
  private readonly relay: PushRelay | null;

  constructor(
    private readonly chain: Chain,
    private readonly json: ChainJson,
    opts: ChainReadWriteOptions = {},
  ) {
    this.pool = opts.pool ?? null;
    this.relay = opts.relay ?? null;
  }

  pushTransaction(body: unknown): unknown {
    return this.relay ? this.relay('push_transaction', body) : this.push(body);
  }

  sendTransaction(body: unknown): unknown {
    return this.relay ? this.relay('send_transaction', body) : this.push(body);
  }

  sendTransaction2(body: unknown): unknown {
    return this.relay ? this.relay('send_transaction2', body) : this.push(obj(body).transaction);
  }

  /** Executes a packed transaction (its JSON form) into the pending block. */
  private push(body: unknown): unknown {
    const packed = packedTrxFromJson(body);
    // the reply waits until the transaction is journaled: "executed" stays true across a kill -9
    const reply = (r: PushResult) => (r.accepted ? r.accepted.then(() => this.json.pushResponse(r)) : this.json.pushResponse(r));
    if (this.pool) return this.chain.pushTransactionAsync(packed, this.pool).then(reply);
    return reply(this.chain.pushTransaction(packed));
  }
}
