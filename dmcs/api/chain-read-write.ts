/**
 * The chain API's read-write endpoints (Leap's `chain_apis::read_write`): push_transaction,
 * push_transactions, send_transaction and send_transaction2. The reply waits until the transaction is journaled, so
 * "executed" stays true across a kill -9. A replica relays them to its producer instead.
 */
import type { Chain, PushResult } from '../chain/chain.js';
import { ChainError, isBlockFull, toChainError } from '../chain-error.js';
import { decodePackedTrx, inflatedBytes, packedTrxFromJson, type DecodedTransaction } from '../packed-transaction.js';
import type { KeyRecoveryPool } from '../keys/key-recovery-pool.js';
import { failureResponse, type ChainJson } from './chain-json.js';
import { obj } from './request-body.js';
import { RenderedJson, renderJson } from './rendered-json.js';

/** Leap's cap on push_transactions (`too_many_tx_at_once`). */
export const MAX_PUSH_TRANSACTIONS = 1000;
/**
 * zlib output one push_transactions request may make (its compressed transactions together); past
 * it the rest are refused uninflated. 564 bytes can inflate to 512 KiB, so a 1 MiB request of such
 * copies made 380 MB of output, 0.8 s of the node's thread, before each was refused as a duplicate.
 */
export const MAX_PUSH_INFLATED_BYTES = 4 * 1024 * 1024;

/** Sends a push to the producing node's chain API and returns its reply (refusals as ChainErrors). */
export type PushRelay = (endpoint: string, body: unknown) => Promise<unknown>;

export interface ChainReadWriteOptions {
  /** Recover the keys on these worker threads (see key-recovery-pool.ts); inline when absent. */
  pool?: KeyRecoveryPool | null;
  /** On a replica: relay pushes to the producer, as Leap API nodes relay transactions to producers. */
  relay?: PushRelay | null;
  /**
   * The node seals its blocks by itself (a timer or its slots): a push refused because the pending
   * block is full waits for the next block and is tried again (`BLOCK_FULL_ATTEMPTS`), as Leap's
   * producer keeps it for its next block. Otherwise the refusal is the answer.
   */
  sealsBlocks?: boolean;
}

/** Tries of a push that meets full blocks, each after the pending block was sealed (or `BLOCK_FULL_WAIT_MS`). */
export const BLOCK_FULL_ATTEMPTS = 4;
/** Most time a push refused by a full block waits for the next block before it is tried again. */
export const BLOCK_FULL_WAIT_MS = 2_000;

/** Runs `attempt` until it is not refused by a full block, waiting for `chain` to seal one in between. */
export async function pushWhenRoom(chain: Chain, attempt: () => PushResult | Promise<PushResult>): Promise<PushResult> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isBlockFull(e) || tries >= BLOCK_FULL_ATTEMPTS) throw e;
      await chain.blockSealed(BLOCK_FULL_WAIT_MS);
    }
  }
}

export class ChainReadWrite {
  private readonly pool: KeyRecoveryPool | null;
  private readonly relay: PushRelay | null;
  private readonly sealsBlocks: boolean;

  constructor(
    private readonly chain: Chain,
    private readonly json: ChainJson,
    opts: ChainReadWriteOptions = {},
  ) {
    this.pool = opts.pool ?? null;
    this.relay = opts.relay ?? null;
    this.sealsBlocks = opts.sealsBlocks ?? false;
  }

  /** push_transaction answers Leap's nested traces (notifications and inline actions under `inline_traces`). */
  pushTransaction(body: unknown): unknown {
    return this.relay ? this.relay('push_transaction', body) : this.push(body, true);
  }

  /**
   * Leap's push_transactions: each in order, as push_transaction; a refused one answers
   * `{transaction_id: 0…0, processed: {error: "<detail>"}}` in its place and the rest still run.
   */
  async pushTransactions(body: unknown): Promise<unknown> {
    if (!Array.isArray(body)) throw new ChainError('invalid_http_request', 'expected a JSON array of packed transactions');
    if (body.length > MAX_PUSH_TRANSACTIONS) throw new ChainError('too_many_tx_at_once', 'Attempt to push too many transactions at once');
    const out: unknown[] = [];
    let inflated = 0;
    for (const t of body) {
      try {
        if (this.relay) {
          out.push(await this.pushTransaction(t));
          continue;
        }
        const packed = packedTrxFromJson(t);
        if (packed.compression === 1 && inflated >= MAX_PUSH_INFLATED_BYTES) {
          throw new ChainError(
            'tx_decompression_error',
            `this request inflated ${inflated} bytes already (MAX_PUSH_INFLATED_BYTES): push its other compressed transactions in another`,
          );
        }
        let d: DecodedTransaction | null = null;
        try {
          d = decodePackedTrx(packed);
        } finally {
          inflated += inflatedBytes(packed, d);
        }
        out.push(await this.push(null, true, d, false)); // objects: the array is rendered whole
      } catch (e) {
        const err = toChainError(e);
        out.push({ transaction_id: '0'.repeat(64), processed: { error: `${err.antelopeCode} ${err.code}: ${err.message}` } });
      }
    }
    return out;
  }

  sendTransaction(body: unknown): unknown {
    return this.relay ? this.relay('send_transaction', body) : this.push(body);
  }

  /**
   * send_transaction2: with `return_failure_trace` a transaction that decodes but fails is answered
   * (HTTP 202, like every push) with a trace whose `except` names the failure, as Leap does.
   */
  sendTransaction2(body: unknown): unknown {
    if (this.relay) return this.relay('send_transaction2', body);
    const b = obj(body);
    if (b.return_failure_trace !== true) return this.push(b.transaction);
    const packed = packedTrxFromJson(b.transaction);
    const id = decodePackedTrx(packed).idHex;
    const failed = (e: unknown) => {
      const err = toChainError(e);
      return failureResponse(id, this.chain.head.num + 1, Date.now(), err);
    };
    try {
      const r = this.push(b.transaction);
      return r instanceof Promise ? r.catch(failed) : r;
    } catch (e) {
      return failed(e);
    }
  }

  /**
   * Executes a packed transaction (its JSON form, or `decoded` already) into the pending block. An
   * executed one is answered once journaled, `asText` as its rendered reply (`RenderedJson`).
   */
  private push(body: unknown, nested = false, decoded?: DecodedTransaction, asText = true): unknown {
    const packed = decoded?.packed ?? packedTrxFromJson(body);
    // the reply waits until the transaction is journaled: "executed" stays true across a kill -9
    const json = (r: PushResult) => this.json.pushResponse(r, nested);
    const reply = (r: PushResult) => {
      if (!r.accepted) return json(r);
      // rendered before the wait for the journal: only the text is held through it, not the trace
      const rendered = asText ? new RenderedJson(renderJson(json(r))) : json(r);
      return r.accepted.then(() => rendered);
    };
    const pool = this.pool;
    const attempt = () => (pool ? this.chain.pushTransactionAsync(packed, pool, decoded) : this.chain.pushTransaction(packed, decoded));
    if (this.sealsBlocks) return pushWhenRoom(this.chain, attempt).then(reply);
    if (pool) return this.chain.pushTransactionAsync(packed, pool, decoded).then(reply);
    return reply(this.chain.pushTransaction(packed, decoded));
  }
}
