/**
 * Decodes a bridged payload on the main thread. The app's worker already scanned it inside the
 * app's deadline (runtime/isa/chain.ts, dmcs.ts); the main thread scans again before msgpackr
 * builds anything (defence in depth), with the host maxima: a payload past them is refused as the
 * app would have been (`limit-exceeded` / `invalid-argument`), never decoded.
 */
import { BOUNDARY_ISA_CODES, BoundaryError } from '../../abi/boundary-errors.js';
import { unpackGuest } from '../../abi/msgpack/codec.js';
import { MAX_DECODED_VALUES, MAX_MSGPACK_DEPTH } from '../limits.js';
import { BridgeError } from './bridge-error.js';

export function decodeGuestPayload(payload: Uint8Array, what: string): unknown {
  try {
    return unpackGuest(payload, MAX_MSGPACK_DEPTH, what, MAX_DECODED_VALUES);
  } catch (err) {
    if (err instanceof BoundaryError) {
      throw new BridgeError(BOUNDARY_ISA_CODES[err.code], err.message);
    }
    throw err;
  }
}
