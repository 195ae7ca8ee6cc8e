/**
 * The messages between `KeyRecoveryPool` and its worker threads: a batch of (signature, digest)
 * pairs as one transferable buffer, and the key ids (or refusals) back in the same order.
 */
import type { Signature } from '../../abi/antelope/index.js';

/**
 * One batch as one transferred buffer (cloning two typed arrays per signature cost the main thread
 * more than the rest of the hand-off): `count` items, each
 * `type (u8) ‖ signature length (u32 LE) ‖ signature payload ‖ digest (32 bytes)`, where the type
 * is 0 K1, 1 R1, 2 WA (R1 is refused as on the main thread) and the payload is 65 bytes for K1
 * (header ‖ r ‖ s), Leap's WA layout for WA.
 */
export interface RecoverRequest {
  id: number;
  count: number;
  items: Uint8Array;
}

/** Bytes of one item of a `RecoverRequest` besides its signature payload. */
export const RECOVER_ITEM_OVERHEAD = 1 + 4 + 32;

/** Writes `sigs[i]` and `digests[i]` (32 bytes each) as a request's `items`. */
export function packRecoverItems(
  sigs: readonly Pick<Signature, 'type' | 'data'>[],
  digests: readonly Uint8Array[],
): Uint8Array<ArrayBuffer> {
  let bytes = 0;
  for (const s of sigs) bytes += RECOVER_ITEM_OVERHEAD + s.data.length;
  const buf = new Uint8Array(new ArrayBuffer(bytes));
  const view = new DataView(buf.buffer);
  let o = 0;
  for (let i = 0; i < sigs.length; i++) {
    const s = sigs[i]!;
    const d = digests[i]!;
    if (d.length !== 32) throw new RangeError(`recovery digest must be 32 bytes, got ${d.length}`);
    buf[o] = s.type;
    view.setUint32(o + 1, s.data.length, true);
    buf.set(s.data, o + 5);
    o += 5 + s.data.length;
    buf.set(d, o);
    o += 32;
  }
  return buf;
}

/**
 * Reads a request's items back, calling `each(type, payload, digest)` in order (views into `items`,
 * valid during the call; the caller builds the `Signature`, so a malformed one fails only its item).
 */
export function forEachRecoverItem(req: RecoverRequest, each: (type: number, payload: Uint8Array, digest: Uint8Array) => void): void {
  const buf = req.items;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  for (let i = 0; i < req.count; i++) {
    const type = buf[o]!;
    const len = view.getUint32(o + 1, true);
    const payload = buf.subarray(o + 5, o + 5 + len);
    o += 5 + len;
    const digest = buf.subarray(o, o + 32);
    o += 32;
    each(type, payload, digest);
  }
}

export interface RecoverReply {
  id: number;
  /** A key id, or an error as `{ error: message, antelope: name }`. */
  results: Array<string | { error: string; antelope: string }>;
}
