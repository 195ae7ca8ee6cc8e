/**
 * Key recovery on other cores, as Leap does it (signatures are recovered in a thread pool before
 * a transaction is applied): requests made before the event loop turns are batched into one message per
 * worker, so the hand-off (≈ 15–50 µs) is paid per batch, not per signature. The main thread keeps
 * executing transactions meanwhile. Workers are unref'd and stopped by `close()`.
 */
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';
import type { Signature } from '../../abi/antelope/index.js';
import { ChainError, CHAIN_EXCEPTIONS } from '../chain-error.js';
import { codeOf } from '../../lib/coded-error.js';
import { packRecoverItems, type RecoverReply, type RecoverRequest } from './recover-batch.js';
import { terminateWorker, unrefWorker } from '../../lib/worker-stop.js';

/** How long `close` lets a worker finish its batch before terminating it. */
const STOP_WAIT_MS = 2_000;

/** Most signatures in one batch message: small enough that the worker works on the next batch while this thread applies the last one. */
export const MAX_RECOVERY_BATCH = 32;
/**
 * A push that finds the pool idle (nothing queued or in flight) and no other push within this many
 * ms has its keys recovered on the calling thread: alone, it has nothing to overlap with, and the
 * hand-off (a turn of the event loop and a thread wake each way, milliseconds on a loaded machine)
 * costs more than a native recovery (≈ 50 µs). Pushes closer together than this go to the pool.
 */
export const RECOVER_INLINE_AFTER_IDLE_MS = 2;

interface Pending {
  sig: Signature;
  digest: Uint8Array;
  resolve: (k: string) => void;
  reject: (e: Error) => void;
}

export class KeyRecoveryPool {
  private readonly workers: Worker[] = [];
  private readonly inflight = new Map<number, Pending[]>();
  private queue: Pending[] = [];
  private scheduled = false;
  private nextId = 1;
  private rr = 0;
  private closed = false;
  /** When `inlineNow` was last asked (performance.now()); -Infinity before. */
  private lastAsked = Number.NEGATIVE_INFINITY;
  /** Pushes told to recover inline (tests and measurements). */
  inlined = 0;

  constructor(size = Math.max(1, Math.min(4, cpus().length - 1))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./key-recovery-worker.js', import.meta.url));
      unrefWorker(w);
      w.on('message', (m: RecoverReply) => this.onReply(m));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Whether a push arriving now should recover its keys inline (see RECOVER_INLINE_AFTER_IDLE_MS):
   * the pool is idle and no push asked within that time. Every push asks once, so a stream of pushes
   * keeps going to the pool.
   */
  inlineNow(): boolean {
    const now = performance.now();
    const idle =
      !this.closed && this.queue.length === 0 && this.inflight.size === 0 && now - this.lastAsked >= RECOVER_INLINE_AFTER_IDLE_MS;
    this.lastAsked = now;
    if (idle) this.inlined++;
    return idle;
  }

  /** The key id that made `sig` over `digest`. */
  recover(sig: Signature, digest: Uint8Array): Promise<string> {
    if (this.closed) return Promise.reject(new Error('key recovery pool is closed'));
    if (digest.length !== 32) return Promise.reject(new RangeError(`recovery digest must be 32 bytes, got ${digest.length}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ sig, digest, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_RECOVERY_BATCH);
      const id = this.nextId++;
      this.inflight.set(id, batch);
      const items = packRecoverItems(
        batch.map((p) => p.sig),
        batch.map((p) => p.digest),
      );
      const req: RecoverRequest = { id, count: batch.length, items };
      this.workers[this.rr++ % this.workers.length]!.postMessage(req, [items.buffer]);
    }
  }

  private onReply(m: RecoverReply): void {
    const batch = this.inflight.get(m.id);
    if (!batch) return;
    this.inflight.delete(m.id);
    m.results.forEach((r, i) => {
      const p = batch[i]!;
      if (typeof r === 'string') p.resolve(r);
      else p.reject(new ChainError(codeOf(CHAIN_EXCEPTIONS, r.antelope) ?? 'transaction_exception', r.error));
    });
  }

  private failAll(e: Error): void {
    for (const batch of this.inflight.values()) for (const p of batch) p.reject(e);
    this.inflight.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = new Error('key recovery pool is closed');
    this.failAll(closed);
    // recoveries not yet handed to a worker settle too, never left waiting forever
    for (const p of this.queue) p.reject(closed);
    this.queue = [];
    // Each worker is asked to stop and ends after the batch it is on: terminating a thread inside a
    // native recovery throws out of the addon (`Napi::Error`), which aborts the whole process. One
    // that does not end in time is terminated all the same.
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.threadId < 0) return resolve(); // already gone
            const timer = setTimeout(
              () =>
                void terminateWorker(w).then(
                  () => resolve(),
                  () => resolve(),
                ),
              STOP_WAIT_MS,
            );
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.postMessage('stop');
          }),
      ),
    );
  }
}
