/**
 * What the queue needs to know about a signed push body without a full ABI decoder: its
 * transaction id — `sha256` of the uncompressed packed transaction, as Antelope computes it
 * (`packed_transaction::id()`) — and its expiration, the first field of the packed transaction
 * (`time_point_sec`, uint32 little-endian seconds since 1970).
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { PushTransactionBody } from '../dispatch/dmcs-backend.js';
import { QueueError } from './queue-error.js';
import { MAX_INFLATED_TRX_BYTES } from './limits.js';
import { MAX_REQUEST_BYTES } from '../dispatch/limits.js';

const HEX = /^(?:[0-9a-f]{2})*$/i;
/** expiration (4) + ref_block_num (2) + ref_block_prefix (4) + 3 varuints + 2 empty vectors. */
const MIN_PACKED_TRX_BYTES = 15;

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
  if (!Array.isArray(b.signatures) || b.signatures.length === 0 || !b.signatures.every((s) => typeof s === 'string' && s.startsWith('SIG_'))) {
    throw bad('signatures must be a non-empty list of SIG_… strings');
  }
  const compression = b.compression === 'none' || b.compression === 0 || b.compression === undefined ? 0
    : b.compression === 'zlib' || b.compression === 1 ? 1 : -1;
  if (compression < 0) throw bad(`compression must be 0/'none' or 1/'zlib', got ${JSON.stringify(b.compression)}`);
  const cfd = b.packed_context_free_data ?? '';
  if (typeof cfd !== 'string' || !HEX.test(cfd)) throw bad('packed_context_free_data must be hex');
  if (typeof b.packed_trx !== 'string' || !HEX.test(b.packed_trx)) throw bad('packed_trx must be hex');
  const bodyBytes = Buffer.byteLength(JSON.stringify(b));
  if (bodyBytes > MAX_REQUEST_BYTES) {
    throw bad(`the push body is ${bodyBytes} bytes; a DMCS request may carry at most ${MAX_REQUEST_BYTES}`);
  }
  let trx: Buffer = Buffer.from(b.packed_trx, 'hex');
  if (compression === 1) {
    try {
      trx = inflateSync(trx, { maxOutputLength: MAX_INFLATED_TRX_BYTES });
    } catch (err) {
      throw bad(`packed_trx does not inflate with zlib within ${MAX_INFLATED_TRX_BYTES} bytes (${(err as Error).message})`);
    }
  }
  if (trx.length < MIN_PACKED_TRX_BYTES) throw bad(`packed_trx is ${trx.length} bytes, shorter than any transaction`);
  const id = createHash('sha256').update(trx).digest('hex');
  const expiration = new Date(trx.readUInt32LE(0) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    id,
    expiration,
    body: {
      signatures: [...(b.signatures as string[])],
      compression,
      packed_context_free_data: cfd.toLowerCase(),
      packed_trx: b.packed_trx.toLowerCase(),
    },
  };
}
