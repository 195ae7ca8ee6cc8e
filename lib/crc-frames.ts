/**
 * The framing shared by every append-only log of the project (the offline queue's records, an
 * app's store, the node's journal of accepted transactions), so a crash cannot pass off half a
 * record as a whole one:
 *
 *     file  = MAGIC (8 bytes, one per log kind) frame*
 *     frame = length (u32 LE) crc (u32 LE, CRC-32 of the length bytes and the payload) payload
 *
 * Writers allocate a frame, fill its payload and seal it; readers scan the whole, valid frames and
 * stop at the first incomplete, oversize or corrupt one (a torn tail from a crash mid-append), or
 * where the log's own payload check refuses. What to do with the tail (cut it, save it aside) is
 * the log's decision. Imports nothing of ours.
 */
import { crc32 } from 'node:zlib';

/** length + crc */
export const FRAME_HEADER_BYTES = 8;

/** A frame with room for `payloadBytes`; fill `frame.subarray(FRAME_HEADER_BYTES)`, then `sealFrame`. */
export function allocFrame(payloadBytes: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  frame.writeUInt32LE(payloadBytes, 0);
  return frame;
}

/** Writes the checksum of a filled frame; returns it. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES), crc32(frame.subarray(0, 4))), 4);
  return frame;
}

/** The frame holding `payload`. */
export function frameOf(payload: Uint8Array): Buffer {
  const frame = allocFrame(payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return sealFrame(frame);
}

export interface FrameScan {
  /** Bytes of the file that hold the magic and whole, valid frames. */
  goodLength: number;
  /** Why scanning stopped before the end of the data, when it did. */
  reason?: string;
}

export interface FrameScanOptions {
  magic: Buffer;
  /** A payload longer than this is corruption, not a record. */
  maxPayloadBytes: number;
  /** Named in the reason when the magic is wrong ("queue log", "store"). */
  what: string;
}

/**
 * Calls `onPayload` for each whole, valid frame of `data` in order; stops at the first bad frame or
 * when `onPayload` returns a reason (its payload is malformed for this log).
 */
export function scanFrames(
  data: Buffer,
  opts: FrameScanOptions,
  onPayload: (payload: Buffer, offset: number, frameBytes: number) => string | undefined,
): FrameScan {
  const { magic, maxPayloadBytes } = opts;
  if (data.length < magic.length || !data.subarray(0, magic.length).equals(magic)) {
    return { goodLength: 0, reason: `the file does not start with the ${opts.what} magic` };
  }
  let off = magic.length;
  let reason: string | undefined;
  while (off < data.length) {
    if (data.length - off < FRAME_HEADER_BYTES) {
      reason = 'incomplete frame header';
      break;
    }
    const len = data.readUInt32LE(off);
    if (len > maxPayloadBytes) {
      reason = `frame length ${len} exceeds ${maxPayloadBytes}`;
      break;
    }
    if (data.length - off - FRAME_HEADER_BYTES < len) {
      reason = 'incomplete frame payload';
      break;
    }
    const payload = data.subarray(off + FRAME_HEADER_BYTES, off + FRAME_HEADER_BYTES + len);
    if (data.readUInt32LE(off + 4) !== crc32(payload, crc32(data.subarray(off, off + 4)))) {
      reason = 'frame checksum mismatch';
      break;
    }
    reason = onPayload(payload, off, FRAME_HEADER_BYTES + len);
    if (reason !== undefined) break;
    off += FRAME_HEADER_BYTES + len;
  }
  return { goodLength: off, ...(reason !== undefined ? { reason } : {}) };
}
