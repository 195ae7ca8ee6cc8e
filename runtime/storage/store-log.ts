/**
 * The on-disk format of an app's store: one append-only log of put and delete records, each
 * in the CRC framing of lib/crc-frames.ts so a crash cannot pass off half a record as a whole one:
 *
 *     file    = MAGIC (8 bytes, "PEEROSS1") frame*
 *     payload = op (u8: 1 put, 2 delete) key length (u16 LE) key (UTF-8) value (put only)
 *
 * The last record for a key wins. Scanning stops at the first frame that is incomplete, fails its
 * checksum or is malformed: that is a torn tail from a crash mid-append, and only the good prefix
 * counts.
 */
import { allocFrame, FRAME_HEADER_BYTES, scanFrames, sealFrame } from '../../lib/crc-frames.js';

export const STORE_MAGIC = Buffer.from('PEEROSS1', 'latin1');
/** op + key length */
export const RECORD_HEADER_BYTES = 3;
export const OP_PUT = 1;
export const OP_DELETE = 2;

/** A whole, valid record found by `scanStoreLog`, located in the file. */
export interface LoggedRecord {
  op: typeof OP_PUT | typeof OP_DELETE;
  key: string;
  /** Offset of the frame in the file. */
  offset: number;
  /** Bytes of the whole frame. */
  frameBytes: number;
  /** Offset and length of the value in the file (put only; 0 for a delete). */
  valueOffset: number;
  valueBytes: number;
}

export interface StoreLogScan {
  /** Whole, valid records read. */
  count: number;
  /** Bytes of the file that hold the magic and whole, valid frames. */
  goodLength: number;
  /** Why scanning stopped before the end of the file, when it did. */
  reason?: string;
}

/** One frame: the record `op key [value]`. */
export function encodeRecord(op: number, key: Uint8Array, value: Uint8Array | null): Buffer {
  const payload = RECORD_HEADER_BYTES + key.length + (value?.length ?? 0);
  const frame = allocFrame(payload);
  frame[8] = op;
  frame.writeUInt16LE(key.length, 9);
  frame.set(key, FRAME_HEADER_BYTES + RECORD_HEADER_BYTES);
  if (value) frame.set(value, FRAME_HEADER_BYTES + RECORD_HEADER_BYTES + key.length);
  return sealFrame(frame);
}

/**
 * Reads every whole, valid frame of `data`, handing each record to `onRecord` in file order; stops
 * at the first bad one. Nothing is kept per record here: a log of millions of tiny records (within
 * its bound of twice the quota, deletes included) costs what the caller keeps of them, not an
 * object each.
 */
export function scanStoreLog(data: Buffer, maxKeyBytes: number, onRecord: (r: LoggedRecord) => void): StoreLogScan {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let count = 0;
  // frame lengths are bounded by the file itself; the app's quota bounds the file
  const scan = scanFrames(data, { magic: STORE_MAGIC, maxPayloadBytes: 0xffff_ffff, what: 'store' }, (payload, offset, frameBytes) => {
    const len = payload.length;
    const op = payload[0];
    const klen = len >= RECORD_HEADER_BYTES ? payload.readUInt16LE(1) : -1;
    if (
      (op !== OP_PUT && op !== OP_DELETE) ||
      klen < 1 ||
      klen > maxKeyBytes ||
      RECORD_HEADER_BYTES + klen > len ||
      (op === OP_DELETE && RECORD_HEADER_BYTES + klen !== len)
    ) {
      return 'malformed record';
    }
    let key: string;
    try {
      key = utf8.decode(payload.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + klen));
    } catch {
      return 'record key is not UTF-8';
    }
    const valueOffset = offset + FRAME_HEADER_BYTES + RECORD_HEADER_BYTES + klen;
    count++;
    onRecord({
      op,
      key,
      offset,
      frameBytes,
      valueOffset: op === OP_PUT ? valueOffset : 0,
      valueBytes: len - RECORD_HEADER_BYTES - klen,
    });
    return undefined;
  });
  return { count, ...scan };
}
