/**
 * The uses of session grants as an append log, `$PEEROS_HOME/session-grants.uses`, beside
 * `session-grants.json` (the grants, and the uses folded in): an approval appends one record per app
 * it changed and datasyncs, one sync where rewriting the JSON file costs two and a rename (issue 15:
 * this write runs beside the vault's signature, and was the longer of the two).
 *
 *     file    = MAGIC (8 bytes, "PEEROSG1") frame*   (the CRC framing of lib/crc-frames.ts)
 *     payload = UTF-8 JSON {"app", "setAt", "use": {"since", "count", "units", "symbol"}}
 *
 * A record is the app's whole use of its current period after the approval, not a change, so the
 * last record of an app wins and replaying one twice changes nothing. It counts only for the grant
 * it was made under (same `setAt`): a grant set again or revoked leaves its old records inert. The
 * store folds the log into the JSON file (atomic replace) when a grant is set or revoked and once an
 * append took the log past SESSION_GRANT_USES_MAX_BYTES, then empties it; the batch being approved is
 * always appended first, so a crash between the fold and the emptying leaves records whose last one
 * per app is what the JSON file holds: reading both gives the same uses.
 *
 * A torn tail (a crash mid-append; never acknowledged: an approval is told durable only after its
 * record is synced) is ignored and cut before the next append. A whole frame that is not a use
 * record was not written by this code: the file is refused as damaged, as the JSON file is.
 */
import { closeSync, fdatasync as fdatasyncCb, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { frameOf, scanFrames } from '../../lib/crc-frames.js';
import { TransactionServiceError } from './transaction-service-error.js';
import { SESSION_GRANT_USES_MAX_BYTES } from './limits.js';

const fdatasync = (fd: number) => new Promise<void>((resolve, reject) => fdatasyncCb(fd, (err) => (err ? reject(err) : resolve())));

/** A copy of `r` nobody can change: the known records are shared by every later read. */
const frozen = (r: UseRecord): UseRecord => Object.freeze({ app: r.app, setAt: r.setAt, use: Object.freeze({ ...r.use }) });

export const SESSION_GRANT_USES_FILE = 'session-grants.uses';
const MAGIC = Buffer.from('PEEROSG1', 'latin1');
/** A record is a few hundred bytes; a frame longer than this is corruption. */
const MAX_RECORD_BYTES = 4096;

/** What one app used in its current period. */
export interface Use {
  since: number;
  count: number;
  units: string;
  symbol: string;
}

export interface UseRecord {
  app: string;
  /** The `setAt` of the grant the use was made under. */
  setAt: string;
  use: Use;
}

function asRecord(v: unknown): UseRecord | undefined {
  const r = v as UseRecord | null;
  if (!r || typeof r !== 'object' || typeof r.app !== 'string' || typeof r.setAt !== 'string') return undefined;
  const u = r.use as Use | null;
  if (!u || typeof u !== 'object' || !Number.isFinite(u.since) || !Number.isInteger(u.count) || u.count < 0) return undefined;
  if (typeof u.units !== 'string' || !/^\d{1,40}$/.test(u.units) || typeof u.symbol !== 'string' || u.symbol.length > 16) return undefined;
  return { app: r.app, setAt: r.setAt, use: { since: u.since, count: u.count, units: u.units, symbol: u.symbol } };
}

export class SessionGrantUses {
  readonly path: string;
  /** Bytes of the magic and whole records at the last read or write (0: no file); the rest is a torn tail. */
  #goodBytes = 0;
  #fileBytes = 0;
  /** The whole records as last read or written here, and the bytes that hold them (magic first). */
  #known: { bytes: Buffer; records: UseRecord[] } | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes the log holds (whole records), as last read or written. */
  get bytes(): number {
    return this.#goodBytes;
  }

  /**
   * The whole records in order (none when there is no log). Call under the session grants lock.
   * The file is read every time (another process may have appended, cut or folded it), but the
   * records are parsed only past the bytes already parsed here when the file still starts with
   * exactly those bytes (issue 15: parsing the whole log on every approval cost more CPU than the
   * rest of the approval).
   */
  read(): UseRecord[] {
    let data: Buffer;
    try {
      data = readFileSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#goodBytes = this.#fileBytes = 0;
      this.#known = undefined;
      return [];
    }
    const known = this.#known;
    if (known && data.length >= known.bytes.length && data.subarray(0, known.bytes.length).equals(known.bytes)) {
      // only the frames after the known prefix are new: scan them behind the magic
      const tail = this.#scan(Buffer.concat([MAGIC, data.subarray(known.bytes.length)]));
      const records = tail.records.length ? [...known.records, ...tail.records] : known.records;
      this.#remember(data, known.bytes.length + tail.goodLength - MAGIC.length, records);
      return records;
    }
    const scan = this.#scan(data);
    // the first write creates the file whole (atomically): a file without the magic was not written here
    if (scan.goodLength === 0) throw this.#damaged();
    this.#remember(data, scan.goodLength, scan.records);
    return scan.records;
  }

  #damaged(): TransactionServiceError {
    return new TransactionServiceError(
      'NOT_APPROVED',
      `the session grant uses ${this.path} are damaged; remove them (and session-grants.json) and set the grants again`,
    );
  }

  /** The whole records of `data` (magic first) and the bytes they end at; a whole frame that is not a record is damage. */
  #scan(data: Buffer): { records: UseRecord[]; goodLength: number } {
    const records: UseRecord[] = [];
    let bad = false;
    const scan = scanFrames(data, { magic: MAGIC, maxPayloadBytes: MAX_RECORD_BYTES, what: 'session grant uses' }, (payload) => {
      let r: UseRecord | undefined;
      try {
        r = asRecord(JSON.parse(payload.toString('utf8')));
      } catch {
        r = undefined;
      }
      if (!r) {
        bad = true;
        return 'not a use record';
      }
      records.push(frozen(r));
      return undefined;
    });
    if (bad) throw this.#damaged();
    return { records, goodLength: scan.goodLength };
  }

  /** What the file holds now: `goodBytes` of whole records (kept to compare the next read with; `data` is ours alone) out of `data`. */
  #remember(data: Buffer, goodBytes: number, records: UseRecord[]): void {
    this.#goodBytes = goodBytes;
    this.#fileBytes = data.length;
    this.#known = { bytes: data.subarray(0, goodBytes), records };
  }

  /** Whether the log is past SESSION_GRANT_USES_MAX_BYTES (then fold it into session-grants.json and `clear`). */
  get full(): boolean {
    return this.#goodBytes > SESSION_GRANT_USES_MAX_BYTES;
  }

  #encode(records: readonly UseRecord[]): Buffer {
    return Buffer.concat(records.map((r) => frameOf(Buffer.from(JSON.stringify(r), 'utf8'))));
  }

  /**
   * Appends `records` and datasyncs them (after `read`, under the lock); a torn tail is cut first.
   * The first write creates the file atomically (magic and records), so it is never half there.
   */
  async append(records: readonly UseRecord[]): Promise<void> {
    if (records.length === 0) return;
    const body = this.#encode(records);
    const known = this.#known;
    this.#known = undefined; // unknown until the append is whole and synced
    if (this.#goodBytes === 0) {
      const whole = Buffer.concat([MAGIC, body]);
      await writeFileAtomic(this.path, whole);
      this.#goodBytes = this.#fileBytes = whole.length;
      this.#known = { bytes: whole, records: records.map(frozen) };
      return;
    }
    const at = this.#goodBytes;
    const cut = this.#fileBytes !== at;
    this.#fileBytes = -1;
    // open, cut and write are page-cache work, done here; only the datasync goes to libuv's pool
    // (each trip there is a thread hand-off, and this runs on every approval)
    const fd = openSync(this.path, 'r+');
    try {
      if (cut) ftruncateSync(fd, at);
      let off = 0;
      while (off < body.length) off += writeSync(fd, body, off, body.length - off, at + off);
      await fdatasync(fd);
    } finally {
      closeSync(fd);
    }
    this.#goodBytes = this.#fileBytes = at + body.length;
    if (known && known.bytes.length === at)
      this.#known = { bytes: Buffer.concat([known.bytes, body]), records: [...known.records, ...records.map(frozen)] };
  }

  /** Empties the log once its records are folded into session-grants.json (synced); nothing to do without one. */
  async clear(): Promise<void> {
    if (this.#fileBytes === 0 || (this.#goodBytes === MAGIC.length && this.#fileBytes === MAGIC.length)) return;
    const fh = await open(this.path, 'r+');
    try {
      await fh.truncate(MAGIC.length);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    this.#goodBytes = this.#fileBytes = MAGIC.length;
    this.#known = { bytes: Buffer.from(MAGIC), records: [] };
  }
}
