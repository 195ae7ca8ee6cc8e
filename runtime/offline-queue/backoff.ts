/**
 * Exponential backoff for reconnecting to a DMCS: base, 2·base, 4·base, … capped at max, each
 * delay scaled by a jitter factor in [0.5, 1] so many hosts coming back together do not arrive
 * in step. `reset()` after a success.
 */
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS } from './limits.js';

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Returns a number in [0, 1); defaults to Math.random (tests pass a constant). */
  random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? BACKOFF_BASE_MS;
    this.maxMs = opts.maxMs ?? BACKOFF_MAX_MS;
    this.#random = opts.random ?? Math.random;
    if (!(this.baseMs > 0)) throw new RangeError(`backoff baseMs must be > 0, got ${this.baseMs}`);
    if (!(this.maxMs >= this.baseMs)) throw new RangeError(`backoff maxMs must be ≥ baseMs, got ${this.maxMs}`);
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    const exp = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return Math.round(exp * (0.5 + 0.5 * this.#random()));
  }

  reset(): void {
    this.#failures = 0;
  }
}
