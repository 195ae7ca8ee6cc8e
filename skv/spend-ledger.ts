/**
 * The per-app daily spend of capped grants, persisted so a restart does not reset today's totals:
 * `$PEEROS_HOME/vault/spend-ledger`, an append log of records `<body JSON>\nmac=<hex>\n`, each the
 * whole ledger at one write, the MAC under a key derived from the passphrase and bound to the
 * keystore id. The last whole record is the ledger.
 *
 * A write (a group of concurrent signatures shares one) appends one record and datasyncs: one sync,
 * where an atomic replace costs two and a rename. The first write, and one that would take the file
 * past MAX_SPEND_LEDGER_BYTES, replaces the file atomically with the record alone. Every whole record
 * must authenticate, or the ledger is refused (KEYSTORE_TAMPERED) rather than trusted. Bytes after
 * the last whole record are an append cut short by a crash (never acknowledged: a signature is
 * released only after its record is synced); they are ignored, and cut before the next append. A
 * missing ledger means nothing was spent yet.
 *
 * `fresh()` answers the ledger as the file holds it now: the same object when the file is the one
 * it last read or wrote (same inode, size and modification time, as the keystore's refresh checks
 * it), else the file loaded and authenticated again. A write by another vault or process (under the
 * vault lock, like every write) changes the size (an append) or the inode (a replace), so it is
 * always read; a failed write forgets the stamp, so the next signature reads the file. While the
 * vault worker kept the vault lock without a break since this object last read or wrote the file
 * (a lease, lib/file-lock.ts: `fresh(hold)`), nobody else can have written it, and it is not even
 * stat'ed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { closeSync, fdatasync, fstatSync, ftruncateSync, openSync, writeSync, type BigIntStats } from 'node:fs';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { fileStamp, stampOf } from '../lib/file-stamp.js';
import type { FileLockHold, FileLockMark } from '../lib/file-lock.js';
import { VaultError } from './error.js';
import { MAX_SPEND_LEDGER_BYTES } from './limits.js';
import type { DailySpend } from './signing-scope.js';

interface LedgerBody {
  version: 1;
  keystoreId: string;
  entries: Record<string, { day: string; units: string; symbol: string; count?: number }>;
}

/** One whole record (latin1 over the file's bytes, so offsets are byte offsets). */
const RECORD = /([^\n]*)\nmac=([0-9a-f]{64})\n/y;

export class SpendLedger {
  private readonly entries = new Map<string, DailySpend>();
  /** Bytes of whole records on disk (0: no file); `fileBytes` differs after a cut-short append. */
  private validBytes = 0;
  private fileBytes = 0;
  /** The file as this object last read or wrote it (`stampOf`); null: not known, read it again. */
  private stamp: string | null = null;
  /** The vault lock's hold under which `stamp` was last confirmed or written (see `fresh`). */
  private mark: FileLockMark | undefined;

  private constructor(
    private readonly path: string,
    private readonly macKey: Buffer,
    private readonly keystoreId: string,
  ) {}

  /** The ledger the file holds; `hold`: the vault lock's hold it is read under. */
  static async load(path: string, macKey: Buffer, keystoreId: string, hold?: FileLockHold): Promise<SpendLedger> {
    const ledger = new SpendLedger(path, macKey, keystoreId);
    ledger.mark = hold?.mark;
    let data: Buffer;
    let st: BigIntStats;
    try {
      const fh = await open(path, 'r');
      try {
        st = await fh.stat({ bigint: true });
        data = await fh.readFile();
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ledger;
      throw err;
    }
    const bad = () =>
      new VaultError(
        'KEYSTORE_TAMPERED',
        `the spend ledger ${path} failed authentication; the daily caps cannot be trusted — restore it, or delete it to restart today's totals at zero`,
      );
    const text = data.toString('latin1');
    let pos = 0;
    let last: Buffer | undefined;
    for (;;) {
      RECORD.lastIndex = pos;
      const m = RECORD.exec(text);
      if (!m) break;
      const body = data.subarray(pos, pos + m[1]!.length);
      if (!timingSafeEqual(Buffer.from(m[2]!, 'hex'), ledger.mac(body))) throw bad();
      last = body;
      pos = RECORD.lastIndex;
    }
    // the first record is written atomically: a file without one was not written by the vault
    if (!last) throw bad();
    let body: LedgerBody;
    try {
      body = JSON.parse(last.toString('utf8')) as LedgerBody;
    } catch {
      throw bad();
    }
    if (body.version !== 1 || body.keystoreId !== keystoreId) throw bad();
    for (const [app, e] of Object.entries(body.entries))
      ledger.entries.set(app, {
        day: e.day,
        units: BigInt(e.units),
        symbol: e.symbol,
        ...(e.count !== undefined ? { count: e.count } : {}),
      });
    ledger.validBytes = pos;
    ledger.fileBytes = data.length;
    if (st.size === BigInt(data.length)) ledger.stamp = stampOf(st);
    return ledger;
  }

  /**
   * This ledger when the file is still the one it read or wrote last, else the file loaded again.
   * Under `hold` (the vault lock) held without a break since then: no syscall; otherwise one stat.
   */
  async fresh(hold?: FileLockHold): Promise<SpendLedger> {
    if (this.stamp !== null && hold?.unbrokenSince(this.mark)) {
      this.mark = hold.mark;
      return this;
    }
    if (this.stamp !== null) {
      // a synchronous stat: a few µs of syscall, where a thread-pool hop costs far more on a busy machine
      let now: string | null = null;
      try {
        now = fileStamp(this.path);
      } catch {
        /* gone or unreadable: load says which */
      }
      if (now === this.stamp) {
        this.mark = hold?.mark;
        return this;
      }
    }
    return SpendLedger.load(this.path, this.macKey, this.keystoreId, hold);
  }

  private mac(body: string | Buffer): Buffer {
    return createHmac('sha256', this.macKey).update(body).digest();
  }

  get(app: string): DailySpend | undefined {
    return this.entries.get(app);
  }

  /** Records `spend` in memory; `save` makes it durable. */
  put(app: string, spend: DailySpend): void {
    this.entries.set(app, spend);
  }

  /** Puts back what `get` answered before (undefined: the app had no entry); `save` makes it durable. */
  restore(app: string, spend: DailySpend | undefined): void {
    if (spend === undefined) this.entries.delete(app);
    else this.entries.set(app, spend);
  }

  async set(app: string, spend: DailySpend): Promise<void> {
    this.put(app, spend);
    await this.save();
  }

  /**
   * Writes every entry as one record (appended and datasynced, or the file replaced): one write for
   * any number of `put`s. `hold`: the vault lock's hold it is written under.
   */
  async save(hold?: FileLockHold): Promise<void> {
    const body: LedgerBody = { version: 1, keystoreId: this.keystoreId, entries: {} };
    for (const [a, e] of this.entries)
      body.entries[a] = { day: e.day, units: e.units.toString(), symbol: e.symbol, ...(e.count !== undefined ? { count: e.count } : {}) };
    const text = JSON.stringify(body);
    const record = Buffer.from(`${text}\nmac=${this.mac(text).toString('hex')}\n`, 'utf8');
    this.stamp = null; // unknown until the write is whole and synced
    this.mark = hold?.mark;
    if (this.validBytes === 0 || this.validBytes + record.length > MAX_SPEND_LEDGER_BYTES) {
      await writeFileAtomic(this.path, record);
      this.validBytes = this.fileBytes = record.length;
      // the file just written (writers hold the vault lock); unknown if it cannot be stat'ed
      const st = await stat(this.path, { bigint: true }).catch(() => null);
      if (st?.size === BigInt(record.length)) this.stamp = stampOf(st);
      return;
    }
    const at = this.validBytes;
    const cut = this.fileBytes !== at;
    this.fileBytes = -1; // unknown until the append is whole and synced
    // The record (a few hundred bytes) goes to the page cache synchronously and only the datasync
    // waits on the thread pool: one hop per group instead of five, and the vault worker keeps admitting
    // requests (and its signing thread signs this group) while the disk works.
    const fd = openSync(this.path, 'r+');
    try {
      if (cut) ftruncateSync(fd, at); // a cut-short append after the last whole record goes first
      let off = 0;
      while (off < record.length) off += writeSync(fd, record, off, record.length - off, at + off);
      await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      let st: BigIntStats | null = null;
      try {
        st = fstatSync(fd, { bigint: true });
      } catch {
        /* durable already: a failed stat only forgets the stamp */
      }
      if (st?.size === BigInt(at + record.length)) this.stamp = stampOf(st);
    } finally {
      closeSync(fd);
    }
    this.validBytes = this.fileBytes = at + record.length;
  }
}
