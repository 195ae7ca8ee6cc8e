/**
 * The activity log: one record per request the vault asked the user to verify while the console
 * runs (signatures, logins, grant changes, exports), with the host-decoded summary the vault was
 * shown and how it ended. Kept as JSON lines in $PEEROS_HOME/console/activity.log so it survives a
 * restart; the console reads only the newest records, so a large file costs a bounded read.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** Records shown and kept in memory: a screen of history, not an archive. */
export const MAX_ACTIVITY_RECORDS = 500;
/** The tail read at start: 500 records of a few lines of summary each fit well within 1 MiB. */
const MAX_TAIL_BYTES = 1 << 20;
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

  private constructor(path: string, records: ActivityRecord[]) {
    this.#path = path;
    this.#records = records;
  }

  static async open(home: string): Promise<ActivityLog> {
    const dir = join(home, 'console');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'activity.log');
    return new ActivityLog(path, await readTail(path));
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
    await appendFile(this.#path, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
  }
}

async function readTail(path: string): Promise<ActivityRecord[]> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
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
    return out.slice(-MAX_ACTIVITY_RECORDS);
  } finally {
    await fh.close();
  }
}
