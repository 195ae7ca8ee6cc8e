/**
 * What the queue needs to know about a signed push body: its transaction id and its expiration,
 * read by the protocol core's `PackedTransaction` (Leap's `packed_transaction::id()`) under the
 * queue's inflate cap, plus the queue's own rules: only signed bodies, no larger than a DMCS
 * request may carry.
 */
import { PackedTransaction, compressionFrom, type PackedTransactionLimits } from '../../abi/antelope/index.js';
import type { PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { QueueError } from './queue-error.js';
import { MAX_INFLATED_TRX_BYTES } from './limits.js';
import { MAX_REQUEST_BYTES } from '../dispatch/limits.js';

const HEX = /^(?:[0-9a-f]{2})*$/i;

/** The queue's cap on what it reads: only the inflate cap (the body size is checked as JSON). */
export const QUEUE_PACKED_TRANSACTION_LIMITS: PackedTransactionLimits = { maxInflatedBytes: MAX_INFLATED_TRX_BYTES };

export interface SignedTransactionInfo {
  /** Transaction id, 64 lowercase hex digits. */
  id: string;
  /** Expiration as an ISO time (UTC, whole seconds). */
  expiration: string;
  /** The body normalised: lowercase hex, compression as a number. */
  body: PushTransactionBody;
}

function bad(why: string): QueueError {
  return new QueueError('BAD_TRANSACTION', `not a signed Antelope push body: ${why}`);
}

export function inspectSignedTransaction(body: unknown): SignedTransactionInfo {
  if (typeof body !== 'object' || body === null) throw bad('expected an object');
  const b = body as Record<string, unknown>;
  if (
    !Array.isArray(b.signatures) ||
    b.signatures.length === 0 ||
    !b.signatures.every((s) => typeof s === 'string' && s.startsWith('SIG_'))
  ) {
    throw bad('signatures must be a non-empty list of SIG_… strings');
  }
  let compression: number;
  try {
    compression = compressionFrom(b.compression) === 'zlib' ? 1 : 0;
  } catch {
    throw bad(`compression must be 0/'none' or 1/'zlib', got ${JSON.stringify(b.compression)}`);
  }
  const cfd = b.packed_context_free_data ?? '';
  if (typeof cfd !== 'string' || !HEX.test(cfd)) throw bad('packed_context_free_data must be hex');
  if (typeof b.packed_trx !== 'string' || !HEX.test(b.packed_trx)) throw bad('packed_trx must be hex');
  const bodyBytes = Buffer.byteLength(JSON.stringify(b));
  if (bodyBytes > MAX_REQUEST_BYTES) {
    throw bad(`the push body is ${bodyBytes} bytes; a DMCS request may carry at most ${MAX_REQUEST_BYTES}`);
  }
  let packed: PackedTransaction;
  try {
    packed = PackedTransaction.from(
      { signatures: b.signatures as string[], compression, packed_context_free_data: cfd, packed_trx: b.packed_trx },
      QUEUE_PACKED_TRANSACTION_LIMITS,
    );
  } catch (err) {
    throw bad((err as Error).message);
  }
  // Only the transaction is read: the id and expiration need nothing else, and the node judges the
  // context-free data when the body is pushed.
  let transaction, id;
  try {
    transaction = packed.getTransaction();
    id = packed.id;
  } catch (err) {
    const e = err as Error & { code?: string };
    throw bad(
      e.code === 'COMPRESSION'
        ? `packed_trx does not inflate with zlib within ${MAX_INFLATED_TRX_BYTES} bytes (${e.message})`
        : `packed_trx does not decode as a transaction (${e.message})`,
    );
  }
  return {
    id: id.toString(),
    expiration: new Date(transaction.expiration.seconds * 1000).toISOString().replace('.000Z', 'Z'),
    body: {
      signatures: [...(b.signatures as string[])],
      compression,
      packed_context_free_data: cfd.toLowerCase(),
      packed_trx: b.packed_trx.toLowerCase(),
    },
  };
}
