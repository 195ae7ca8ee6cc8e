/**
 * Log lines a remote party can cause at will (a peer refused at accept, dropped, …), rate-limited
 * by kind: at most `linesPerKind` lines of one kind per `intervalMs` are written, and those past it
 * are counted, not lost: one line at the end of the interval (or on `close`) says how many more
 * there were. Kinds are fixed strings chosen by the caller's code, never text a peer sent, so the
 * table stays as small as the code's list of kinds. Without it, connection churn from loopback had
 * a node write one line per refused connection: 2,300 lines, 320 KB of log a second.
 */
export class LogLineLimit {
  readonly #write: (line: string) => void;
  readonly #linesPerKind: number;
  readonly #intervalMs: number;
  readonly #kinds = new Map<string, KindWindow>();

  constructor(write: (line: string) => void, linesPerKind: number, intervalMs: number) {
    this.#write = write;
    this.#linesPerKind = linesPerKind;
    this.#intervalMs = intervalMs;
  }

  /** Writes `line`, unless `kind` has had its lines this interval: then it is counted for the summary. */
  line(kind: string, line: string): void {
    const now = Date.now();
    let w = this.#kinds.get(kind);
    if (!w) {
      w = { since: now, written: 0, more: 0, timer: null };
      this.#kinds.set(kind, w);
    } else if (now - w.since >= this.#intervalMs) {
      this.#summarize(kind, w, now);
    }
    if (w.written < this.#linesPerKind) {
      w.written++;
      this.#write(line);
      return;
    }
    w.more++;
    // the count is written when the interval ends, even if no line of this kind comes after it
    w.timer ??= setTimeout(() => this.#summarize(kind, w, Date.now()), w.since + this.#intervalMs - now).unref();
  }

  /** Writes the counts not written yet (a closing node loses none). */
  close(): void {
    const now = Date.now();
    for (const [kind, w] of this.#kinds) this.#summarize(kind, w, now);
  }

  /** Ends `kind`'s interval: its count of unwritten lines, if any, as one line; a new interval starts. */
  #summarize(kind: string, w: KindWindow, now: number): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    if (w.more > 0) {
      const seconds = Math.max(1, Math.round((now - w.since) / 1000));
      this.#write(`${kind}: ${w.more} more in the last ${seconds} s (not logged one by one)`);
    }
    w.since = now;
    w.written = 0;
    w.more = 0;
  }
}

interface KindWindow {
  /** When this interval began. */
  since: number;
  written: number;
  /** Lines of this interval not written. */
  more: number;
  timer: NodeJS.Timeout | null;
}
