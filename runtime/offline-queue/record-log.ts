/**
 * An append-only log of JSON records, in the CRC framing of lib/crc-frames.ts, so a crash cannot
 * pass off half a record as a whole one:
 *
 *     file   = MAGIC (8 bytes, "PEEROSQ1") frame*
 *     payload = UTF-8 JSON, `length` bytes
 *
 * `append` writes one frame with a single write and fsyncs the file before it resolves. On open,
 * frames are read until the first one that is incomplete, fails its checksum, is oversize or is not
 * JSON: that is a torn tail from a crash mid-append. The good prefix is kept, the rest is copied to
 * `NAME.dropped-TIME` (nothing signed is ever destroyed) and cut off, with a warning.
 *
 * Why a log rather than one file per entry: a status change is one small append and one fsync,
 * instead of write + fsync + rename + directory fsync per change; the checksum catches torn and
 * rotted records alike; and compaction (`rewrite`) is one atomic file replace.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, ftruncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { frameOf, scanFrames } from '../../lib/crc-frames.js';
import { writeFileAtomic, writeFileAtomicSync } from '../../lib/atomic-file.js';
import { MAX_RECORD_BYTES } from './limits.js';

export const LOG_MAGIC = Buffer.from('PEEROSQ1', 'latin1');

export interface LogScan {
  records: unknown[];
  /** Bytes of the file that hold the magic and whole, valid frames. */
  goodLength: number;
  /** Bytes after the good prefix (a torn or corrupt tail), 0 when the file is clean. */
  droppedBytes: number;
  /** Why scanning stopped early, when it did. */
  reason?: string;
}

export function encodeFrame(record: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(record), 'utf8');
  if (payload.length > MAX_RECORD_BYTES) {
    throw new RangeError(`queue record is ${payload.length} bytes; the limit is ${MAX_RECORD_BYTES}`);
  }
  return frameOf(payload);
}

/** Reads every whole, valid frame of `data`; stops at the first bad one. */
export function scanLog(data: Buffer): LogScan {
  const records: unknown[] = [];
  const scan = scanFrames(data, { magic: LOG_MAGIC, maxPayloadBytes: MAX_RECORD_BYTES, what: 'queue log' }, (payload) => {
    try {
      records.push(JSON.parse(payload.toString('utf8')));
      return undefined;
    } catch {
      return 'frame payload is not JSON';
    }
  });
  return {
    records,
    goodLength: scan.goodLength,
    droppedBytes: data.length - scan.goodLength,
    ...(scan.reason ? { reason: scan.reason } : {}),
  };
}

export interface RecordLogOptions {
  /** Told about a torn or corrupt tail that was cut off. */
  onWarning?: (message: string) => void;
}

export class RecordLog {
  readonly path: string;
  #fh: FileHandle | undefined;
  #tail: Promise<void> = Promise.resolve();
  /** Length of the file up to the last whole, synced frame. */
  #size: number;
  /** Set when a failed append could not be undone: appending more would hide records behind garbage. */
  #broken: Error | undefined;

  private constructor(path: string, fh: FileHandle, size: number) {
    this.path = path;
    this.#fh = fh;
    this.#size = size;
  }

  /** Opens (creating if needed) the log at `path`, repairing a torn tail; returns its records. */
  static async open(path: string, opts: RecordLogOptions = {}): Promise<{ log: RecordLog; records: unknown[] }> {
    if (!existsSync(path)) writeFileAtomicSync(path, LOG_MAGIC);
    const data = readFileSync(path);
    const scan = scanLog(data);
    if (scan.droppedBytes > 0) {
      const aside = `${path}.dropped-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      writeFileSync(aside, data.subarray(scan.goodLength), { mode: 0o600 });
      opts.onWarning?.(
        `offline queue log ${path}: dropped ${scan.droppedBytes} bytes after the last whole record ` +
          `(${scan.reason}); ${scan.records.length} records kept; the dropped bytes are saved in ${aside}`,
      );
      if (scan.goodLength === 0) {
        writeFileAtomicSync(path, LOG_MAGIC);
      } else {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, scan.goodLength);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    }
    const fh = await open(path, 'a', 0o600);
    return { log: new RecordLog(path, fh, (await fh.stat()).size), records: scan.records };
  }

  /** Appends one record; resolves once it is fsynced. Appends are written in call order. */
  append(record: unknown): Promise<void> {
    return this.appendAll([record]);
  }

  /**
   * Appends several records with one write and one fsync (a batch of status changes: one sync, not
   * one per record); resolves once they are all fsynced. A crash mid-write leaves a prefix of them.
   */
  appendAll(records: unknown[]): Promise<void> {
    const frame = Buffer.concat(records.map(encodeFrame));
    const run = this.#tail.then(async () => {
      if (this.#broken) throw this.#broken;
      const fh = this.#handle();
      try {
        let off = 0;
        while (off < frame.length) off += (await fh.write(frame, off, frame.length - off)).bytesWritten;
        await fh.datasync();
        this.#size += frame.length;
      } catch (err) {
        // A half-written frame would end the log for every later reader: cut it off again.
        try {
          await fh.truncate(this.#size);
          await fh.datasync();
        } catch (undo) {
          this.#broken = new Error(
            `offline queue log ${this.path} could not be repaired after a failed write ` + `(${(undo as Error).message}); reopen the queue`,
          );
        }
        throw err;
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Replaces the whole log with `records`, atomically (compaction). */
  async rewrite(records: unknown[]): Promise<void> {
    const run = this.#tail.then(async () => {
      const body = Buffer.concat([LOG_MAGIC, ...records.map(encodeFrame)]);
      await writeFileAtomic(this.path, body);
      await this.#handle().close();
      this.#fh = await open(this.path, 'a', 0o600);
      this.#size = body.length;
      this.#broken = undefined;
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Size of the log on disk now. */
  size(): number {
    const fd = openSync(this.path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  }

  async close(): Promise<void> {
    await this.#tail;
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  #handle(): FileHandle {
    if (!this.#fh) throw new Error(`offline queue log ${this.path} is closed`);
    return this.#fh;
  }
}
