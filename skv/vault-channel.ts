/**
 * The main thread's end of dMemo: one piscina pool with exactly one worker thread running
 * `worker.js`, carrying msgpack bytes both ways. This is the raw channel (tests and benchmarks use it
 * to speak the protocol directly); `Vault` is the typed facade over it.
 *
 * `atomics: 'disabled'`: the worker must keep its event loop running between tasks, or the
 * auto-lock timer inside it could not fire while the vault is idle.
 *
 * A worker that fails before it ever answered (it could not load its modules, e.g. while files are
 * being replaced) is replaced once, after a short pause; later failures are reported: a worker that
 * dies after answering held a session, and a fresh one would be a different, locked vault.
 */
import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import { VaultError } from './error.js';
import type { VaultConfig } from './vault-core.js';
import { MAX_REQUESTS_IN_FLIGHT } from './limits.js';

export const VAULT_WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url));

const START_RETRY_DELAY_MS = 250; // long enough for a file being rewritten to be whole again

export class VaultChannel {
  #pool: Piscina<Uint8Array, Uint8Array> | null;
  #answered = false;
  readonly #config: VaultConfig;

  constructor(config: VaultConfig) {
    this.#config = config;
    this.#pool = this.#newPool();
  }

  #newPool(): Piscina<Uint8Array, Uint8Array> {
    return new Piscina<Uint8Array, Uint8Array>({
      filename: VAULT_WORKER_PATH,
      name: 'default',
      minThreads: 1,
      maxThreads: 1,
      // the worker orders them itself (worker.ts); several in flight let app signatures share a ledger write
      concurrentTasksPerWorker: MAX_REQUESTS_IN_FLIGHT,
      atomics: 'disabled',
      workerData: { vault: this.#config },
    });
  }

  /** Sends one dMemo message (msgpack bytes) and resolves to the response bytes. */
  async call(message: Uint8Array): Promise<Uint8Array> {
    let pool = this.#pool;
    if (!pool) throw new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one');
    try {
      const res = await pool.run(message);
      this.#answered = true;
      return res;
    } catch (err) {
      if (!this.#answered && this.#pool === pool) {
        await pool.destroy().catch(() => {});
        await new Promise((r) => setTimeout(r, START_RETRY_DELAY_MS));
        if (this.#pool !== pool) throw new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one');
        pool = this.#pool = this.#newPool();
        try {
          const res = await pool.run(message);
          this.#answered = true;
          return res;
        } catch (again) {
          // biome-ignore lint/suspicious/noCatchAssign: the retry's failure is the one to report
          err = again;
        }
      }
      // the worker died (it never throws on its own): piscina starts a fresh one, which is locked
      throw new VaultError('INTERNAL', `the vault worker failed (${(err as Error)?.message ?? err}); it restarts locked — unlock again`);
    }
  }

  /** Ends the worker thread; every decrypted key dies with it. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    if (pool) await pool.destroy();
  }
}
