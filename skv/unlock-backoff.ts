/**
 * Exponential backoff on wrong passphrases that survives a restart. After f consecutive failures
 * the next attempt waits min(base · 2^(f−1), MAX_BACKOFF_MS) from the last failure. The counter and
 * the next allowed time live in `$PEEROS_HOME/vault/unlock-backoff.json`, written atomically before
 * the failure is reported, so killing the process does not reset it; a success resets it.
 *
 * Someone who can write that file can reset it — but such a someone can copy the keystore and guess
 * offline anyway, which only scrypt slows down (docs/vault.md, threat model).
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { VaultError } from './error.js';
import { MAX_BACKOFF_MS } from './limits.js';

export interface BackoffState {
  version: 1;
  failures: number;
  /** Unix ms of the last failure. */
  lastFailureAt: number;
  /** Unix ms before which no attempt is allowed. */
  nextAllowedAt: number;
}

const EMPTY: BackoffState = { version: 1, failures: 0, lastFailureAt: 0, nextAllowedAt: 0 };

export class UnlockBackoff {
  constructor(
    private readonly path: string,
    private readonly baseMs: number,
  ) {}

  async read(now = Date.now()): Promise<BackoffState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...EMPTY };
      throw err;
    }
    try {
      const s = JSON.parse(text) as BackoffState;
      if (
        s.version !== 1 ||
        !Number.isSafeInteger(s.failures) ||
        s.failures < 0 ||
        !Number.isFinite(s.nextAllowedAt) ||
        !Number.isFinite(s.lastFailureAt)
      )
        throw new Error();
      // a clock set backwards must not turn the delay into a lock-out
      return { ...s, nextAllowedAt: Math.min(s.nextAllowedAt, now + MAX_BACKOFF_MS) };
    } catch {
      // damaged: keep backing off (one failure, from now) rather than forgetting
      return { version: 1, failures: 1, lastFailureAt: now, nextAllowedAt: now + this.baseMs };
    }
  }

  /** Throws BACKOFF while an attempt is not allowed yet. */
  async check(now = Date.now()): Promise<BackoffState> {
    const s = await this.read(now);
    if (now < s.nextAllowedAt) throw VaultError.backoff(s.nextAllowedAt - now);
    return s;
  }

  delayFor(failures: number): number {
    return failures <= 0 ? 0 : Math.min(this.baseMs * 2 ** Math.min(failures - 1, 40), MAX_BACKOFF_MS);
  }

  /** Records one more failure, durably, and returns the new state. */
  async recordFailure(now = Date.now()): Promise<BackoffState> {
    const prev = await this.read(now);
    const failures = prev.failures + 1;
    const s: BackoffState = { version: 1, failures, lastFailureAt: now, nextAllowedAt: now + this.delayFor(failures) };
    await writeFileAtomic(this.path, `${JSON.stringify(s)}\n`);
    return s;
  }

  async reset(): Promise<void> {
    const prev = await this.read();
    if (prev.failures === 0 && prev.nextAllowedAt === 0) return;
    await writeFileAtomic(this.path, `${JSON.stringify(EMPTY)}\n`);
  }
}
