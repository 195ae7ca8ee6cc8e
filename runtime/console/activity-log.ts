/**
 * The activity log: one record per request the vault asked the user to verify while the console
 * runs (signatures, logins, grant changes, exports), with the host-decoded summary the vault was
 * shown and how it ended. Kept as JSON lines in $PEEROS_HOME/console/activity.log so it survives a
 * restart; the console reads only the newest records, so a large file costs a bounded read. An app
 * decides how often the verifier is asked (each push it makes), so the file is bounded too: past
 * MAX_ACTIVITY_LOG_BYTES it is rewritten with the newest records a restart would read.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-file.js';

/** Records shown and kept in memory: a screen of history, not an archive. */
export const MAX_ACTIVITY_RECORDS = 500;
/** The tail read at start: 500 records of a few lines of summary each fit well within 1 MiB. */
const MAX_TAIL_BYTES = 1 << 20;
/**
 * The file past which it is rewritten with the records of its last MAX_TAIL_BYTES (all a restart
 * reads): four times that, so a rewrite comes after at least 3 MiB of appends. Appended forever, an
 * app pushing in a loop that the console refused grew it by 5 KiB a push, 7.5 GiB an hour.
 */
export const MAX_ACTIVITY_LOG_BYTES = 4 * MAX_TAIL_BYTES;
/** Summary lines kept per record, and characters per line: what a person reads. */
const MAX_SUMMARY_LINES = 32;
const MAX_LINE_CHARS = 500;

export interface ActivityRecord {
  /** ISO time the request was answered. */
  at: string;
  /** `sign`, `login`, `grant`, `export`, … (the vault's assertion purpose). */
  purpose: string;
  /** The requesting app, or `user`. */
  app: string;
  /** The signing digest, hex. */
  digest: string;
  summary: string[];
  outcome: 'approved' | 'refused';
  /** Who decided: the session-grant policy, or why it was refused. */
  note?: string;
}

export class ActivityLog {
  readonly #path: string;
  readonly #records: ActivityRecord[];
  /** The file's bytes as this log last wrote them. */
  #bytes: number;
  /** Records added and not yet written (a rewrite writes them, and their own append is dropped). */
  readonly #unwritten = new Set<ActivityRecord>();
  /** Writes in turn: an append never lands beside a rewrite. */
  #writes: Promise<void> = Promise.resolve();

  private constructor(path: string, records: ActivityRecord[], bytes: number) {
    this.#path = path;
    this.#records = records;
    this.#bytes = bytes;
  }

  static async open(home: string): Promise<ActivityLog> {
    const dir = join(home, 'console');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'activity.log');
    const { records, bytes } = await readTail(path);
    return new ActivityLog(path, records, bytes);
  }

  /** Newest first. */
  list(): ActivityRecord[] {
    return [...this.#records].reverse();
  }

  async add(r: ActivityRecord): Promise<void> {
    const rec: ActivityRecord = {
      ...r,
      summary: r.summary.slice(0, MAX_SUMMARY_LINES).map((l) => l.slice(0, MAX_LINE_CHARS)),
    };
    this.#records.push(rec);
    if (this.#records.length > MAX_ACTIVITY_RECORDS) this.#records.splice(0, this.#records.length - MAX_ACTIVITY_RECORDS);
    this.#unwritten.add(rec);
    const write = this.#writes.then(() => this.#write(rec));
    this.#writes = write.catch(() => {});
    await write;
  }

  async #write(rec: ActivityRecord): Promise<void> {
    if (!this.#unwritten.delete(rec)) return; // a rewrite wrote it
    const line = `${JSON.stringify(rec)}\n`;
    if (this.#bytes + Buffer.byteLength(line) <= MAX_ACTIVITY_LOG_BYTES) {
      await appendFile(this.#path, line, { mode: 0o600 });
      this.#bytes += Buffer.byteLength(line);
      return;
    }
    // the newest records that fit in what a restart reads, this one and any still waiting included
    const kept: string[] = [];
    let bytes = 0;
    for (let i = this.#records.length - 1; i >= 0; i--) {
      const l = `${JSON.stringify(this.#records[i])}\n`;
      if (bytes + Buffer.byteLength(l) > MAX_TAIL_BYTES) break;
      kept.push(l);
      bytes += Buffer.byteLength(l);
    }
    this.#unwritten.clear();
    await writeFileAtomic(this.#path, kept.reverse().join(''));
    this.#bytes = bytes;
  }
}

async function readTail(path: string): Promise<{ records: ActivityRecord[]; bytes: number }> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], bytes: 0 };
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(0, size - MAX_TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // cut mid-line
    const out: ActivityRecord[] = [];
    for (const line of lines) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as ActivityRecord;
        if (typeof r.at === 'string' && Array.isArray(r.summary)) out.push(r);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
    return { records: out.slice(-MAX_ACTIVITY_RECORDS), bytes: size };
  } finally {
    await fh.close();
  }
}
