/**
 * Group commit: the changes of many callers to one durable store share one durable write, and no
 * caller hears "done" before the write that holds its change is durable. This is the one home of
 * that rule; a store supplies `flush`, which applies a batch of requests in order and resolves only
 * once everything it wrote is synced (the store's own write path: atomic replace, or an append and
 * a datasync).
 *
 * - The first request of an idle committer is flushed on the next microtask, so requests made in
 *   the same tick share its write; requests made while a flush runs wait and share the next one
 *   (a leader writes, followers ride along): one write per flush, however many callers.
 * - A request's answer is its own (`flush` answers each request: a value or an error); a flush that
 *   throws fails every request of its batch and none other.
 * - With `gather: 'turn'`, the first request of an idle committer waits for the end of the event
 *   loop's turn instead (setImmediate): requests that arrive as separate events of one turn — the
 *   messages another thread posted together — share its write too. It costs a lone request nothing
 *   but the rest of the turn.
 * - At most `maxBatch` requests per flush, so one flush holds its store's lock for a bounded time.
 * - `submitEarly` also hears the answer as soon as the flush has decided it (before its write is
 *   synced), for a caller that can start work that stays inside the process meanwhile; it must
 *   still wait for `durable` before anything based on the answer leaves the process.
 */

/** What `flush` says about one request of its batch. */
export type Committed<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<Q, R> {
  request: Q;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
  decided?: (answer: Committed<R>) => void;
}

/** A flush: applies `batch` in order, may call `decide` once before its durable write, resolves after it. */
export type Flush<Q, R> = (batch: readonly Q[], decide: (answers: Committed<R>[]) => void) => Promise<Committed<R>[]>;

export class GroupCommit<Q, R> {
  readonly #flush: Flush<Q, R>;
  readonly #maxBatch: number;
  readonly #turn: boolean;
  #waiting: Waiting<Q, R>[] = [];
  #running = false;
  /** Flushes done (tests and measurements: how many writes the requests shared). */
  flushes = 0;

  constructor(flush: Flush<Q, R>, opts: { maxBatch: number; gather?: 'microtask' | 'turn' }) {
    if (!Number.isInteger(opts.maxBatch) || opts.maxBatch < 1)
      throw new RangeError(`GroupCommit maxBatch: expected an integer >= 1, got ${opts.maxBatch}`);
    this.#flush = flush;
    this.#maxBatch = opts.maxBatch;
    this.#turn = opts.gather === 'turn';
  }

  /** Resolves with the request's answer once the flush that applied it is durable. */
  submit(request: Q): Promise<R> {
    return new Promise<R>((resolve, reject) => this.#enqueue({ request, resolve, reject }));
  }

  /**
   * `decided`: the request's answer once its flush has decided it; `durable`: the same once the
   * write holding it is synced (rejects when that write fails, even after `decided` resolved).
   */
  submitEarly(request: Q): { decided: Promise<R>; durable: Promise<R> } {
    let decided!: Promise<R>;
    const durable = new Promise<R>((resolve, reject) => {
      decided = new Promise<R>((resolveDecided, rejectDecided) => {
        let told = false;
        this.#enqueue({
          request,
          resolve: (v) => {
            if (!told) resolveDecided(v);
            resolve(v);
          },
          reject: (e) => {
            if (!told) rejectDecided(e);
            reject(e);
          },
          decided: (a) => {
            told = true;
            if (a.ok) resolveDecided(a.value);
            else rejectDecided(a.error);
          },
        });
      });
    });
    return { decided, durable };
  }

  #enqueue(w: Waiting<Q, R>): void {
    this.#waiting.push(w);
    if (!this.#running) {
      this.#running = true;
      if (this.#turn) setImmediate(() => void this.#drain());
      else queueMicrotask(() => void this.#drain());
    }
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      let answers: Committed<R>[];
      try {
        let decidedOnce = false;
        const decide = (early: Committed<R>[]) => {
          if (decidedOnce) return;
          decidedOnce = true;
          batch.forEach((w, i) => {
            const a = early[i];
            if (a) w.decided?.(a);
          });
        };
        answers = await this.#flush(
          batch.map((w) => w.request),
          decide,
        );
        this.flushes++;
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      batch.forEach((w, i) => {
        const a = answers[i];
        if (!a) w.reject(new Error(`GroupCommit: flush answered ${answers.length} of ${batch.length} requests`));
        else if (a.ok) w.resolve(a.value);
        else w.reject(a.error);
      });
    }
    this.#running = false;
  }
}
