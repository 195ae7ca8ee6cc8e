/**
 * Flushes the offline queue in the background: right away when kicked (a new entry, the DMCS came
 * back), again after an exponential backoff while the DMCS is unreachable, and every
 * `CONFIRM_POLL_MS` while acknowledged entries wait for their block. Idle otherwise.
 */
import type { BackendResolver, FlushReport, OfflineQueue } from './offline-queue.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { CONFIRM_POLL_MS } from './limits.js';

export interface QueueFlusherOptions extends BackoffOptions {
  confirmPollMs?: number;
  /** Told after every flush, with the delay before the next one (undefined: idle until kicked). */
  onFlush?: (report: FlushReport, nextDelayMs: number | undefined) => void;
  /** Told when a flush threw (a bug or a disk error, not an unreachable DMCS). */
  onError?: (err: unknown) => void;
}

export class QueueFlusher {
  readonly #queue: OfflineQueue;
  readonly #resolve: BackendResolver;
  readonly #backoff: Backoff;
  readonly #confirmPollMs: number;
  readonly #opts: QueueFlusherOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #again = false;

  constructor(queue: OfflineQueue, resolve: BackendResolver, opts: QueueFlusherOptions = {}) {
    this.#queue = queue;
    this.#resolve = resolve;
    this.#backoff = new Backoff(opts);
    this.#confirmPollMs = opts.confirmPollMs ?? CONFIRM_POLL_MS;
    this.#opts = opts;
  }

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Flush now (coalesced with a flush already running), resetting the backoff. */
  kick(): void {
    if (this.#stopped) return;
    this.#backoff.reset();
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#round().finally(() => {
      this.#running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#running;
  }

  async #round(): Promise<void> {
    let delay: number | undefined;
    try {
      const report = await this.#queue.flush(this.#resolve);
      if (report.unreachable) delay = this.#backoff.next();
      else {
        this.#backoff.reset();
        if (report.waiting.length || this.#queue.list().some((e) => e.status === 'pending' || e.status === 'sent')) {
          delay = this.#confirmPollMs;
        }
      }
      this.#opts.onFlush?.(report, delay);
    } catch (err) {
      delay = this.#backoff.next();
      this.#opts.onError?.(err);
    }
    if (this.#stopped) return;
    if (this.#again) {
      this.#again = false;
      delay = 0;
    }
    if (delay !== undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#stopped || this.#running) return;
        this.#running = this.#round().finally(() => {
          this.#running = undefined;
        });
      }, delay);
    }
  }
}
