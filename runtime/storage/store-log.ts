/**
 * The on-disk format of an app's store: one append-only log of put and delete records, each
 * framed so a crash cannot pass off half a record as a whole one (the framing of
 * runtime/offline-queue/record-log.ts, with a binary payload):
 *
 *     file    = MAGIC (8 bytes, "PEEROSS1") frame*
 *     frame   = length (u32 LE) crc (u32 LE, CRC-32 of the length bytes and the payload) payload
 *     payload = op (u8: 1 put, 2 delete) key length (u16 LE) key (UTF-8) value (put only)
 *
 * The last record for a key wins. Scanning stops at the first frame that is incomplete, fails its
 * checksum or is malformed: that is a torn tail from a crash mid-append, and only the good prefix
 * counts.
 */
import { crc32 } from 'node:zlib';

export const STORE_MAGIC = Buffer.from('PEEROSS1', 'latin1');
/** length + crc */
export const FRAME_HEADER_BYTES = 8;
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
  records: LoggedRecord[];
  /** Bytes of the file that hold the magic and whole, valid frames. */
  goodLength: number;
  /** Why scanning stopped before the end of the file, when it did. */
  reason?: string;
}

/** One frame: the record `op key [value]`. */
export function encodeRecord(op: number, key: Uint8Array, value: Uint8Array | null): Buffer {
  const payload = RECORD_HEADER_BYTES + key.length + (value?.length ?? 0);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload);
  frame.writeUInt32LE(payload, 0);
  frame[8] = op;
  frame.writeUInt16LE(key.length, 9);
  frame.set(key, FRAME_HEADER_BYTES + RECORD_HEADER_BYTES);
  if (value) frame.set(value, FRAME_HEADER_BYTES + RECORD_HEADER_BYTES + key.length);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES), crc32(frame.subarray(0, 4))), 4);
  return frame;
}

/** Reads every whole, valid frame of `data`; stops at the first bad one. */
export function scanStoreLog(data: Buffer, maxKeyBytes: number): StoreLogScan {
  if (data.length < STORE_MAGIC.length || !data.subarray(0, STORE_MAGIC.length).equals(STORE_MAGIC)) {
    return { records: [], goodLength: 0, reason: 'the file does not start with the store magic' };
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const records: LoggedRecord[] = [];
  let off = STORE_MAGIC.length;
  let reason: string | undefined;
  while (off < data.length) {
    if (data.length - off < FRAME_HEADER_BYTES) {
      reason = 'incomplete frame header';
      break;
    }
    const len = data.readUInt32LE(off);
    if (data.length - off - FRAME_HEADER_BYTES < len) {
      reason = 'incomplete frame payload';
      break;
    }
    const payload = data.subarray(off + FRAME_HEADER_BYTES, off + FRAME_HEADER_BYTES + len);
    if (data.readUInt32LE(off + 4) !== crc32(payload, crc32(data.subarray(off, off + 4)))) {
      reason = 'frame checksum mismatch';
      break;
    }
    const op = payload[0];
    const klen = len >= RECORD_HEADER_BYTES ? payload.readUInt16LE(1) : -1;
    if (
      (op !== OP_PUT && op !== OP_DELETE) ||
      klen < 1 ||
      klen > maxKeyBytes ||
      RECORD_HEADER_BYTES + klen > len ||
      (op === OP_DELETE && RECORD_HEADER_BYTES + klen !== len)
    ) {
      reason = 'malformed record';
      break;
    }
    let key: string;
    try {
      key = utf8.decode(payload.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + klen));
    } catch {
      reason = 'record key is not UTF-8';
      break;
    }
    const valueOffset = off + FRAME_HEADER_BYTES + RECORD_HEADER_BYTES + klen;
    const valueBytes = len - RECORD_HEADER_BYTES - klen;
    records.push({ op, key, offset: off, frameBytes: FRAME_HEADER_BYTES + len, valueOffset: op === OP_PUT ? valueOffset : 0, valueBytes });
    off += FRAME_HEADER_BYTES + len;
  }
  return { records, goodLength: off, ...(reason ? { reason } : {}) };
}
