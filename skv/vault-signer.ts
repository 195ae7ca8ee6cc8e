/**
 * The vault worker's end of its signing thread (skv/signer-thread.ts): a nested worker the vault
 * starts when its first batch of app signatures needs it and ends when the vault locks or closes.
 * Private keys travel only between these two vault threads, each at most once per thread life
 * (moved, not copied: the vault keeps no copy of the bytes it sends), and are wiped on lock.
 *
 * `sign` resolves with one signature per item, in order, or rejects with a VaultError: LOCKED when
 * the vault locked meanwhile, INTERNAL when the thread ended or failed (no signature of that batch
 * is ever answered then). A thread that ended is replaced at the next batch: the vault keeps working.
 */
import { Worker } from 'node:worker_threads';
import type { PrivateKey } from '../abi/antelope/index.js';
import { VaultError } from './error.js';
import { SIGNER_EXIT_WAIT_MS } from './limits.js';
import type { SignerConfig, SignerItem, SignerKey, SignerMessage, SignerReply } from './signer-thread.js';
import { terminateWorker, unrefWorker } from '../lib/worker-stop.js';

export const SIGNER_THREAD_PATH = new URL('./signer-thread.js', import.meta.url);

/** One signature to make: the key (by its public key, as the vault names it) and the digest. */
export interface SignJob {
  pub: string;
  key: PrivateKey;
  digest: Uint8Array;
}

interface Pending {
  resolve: (signatures: string[]) => void;
  reject: (error: VaultError) => void;
}

export class VaultSigner {
  #worker: Worker | null = null;
  /** Keys the current thread holds (sent once per thread life). */
  readonly #held = new Set<string>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  /** Threads started (tests: a replaced thread counts). */
  started = 0;

  /** `firstThread` applies to the first thread only (tests: its `exitAtBatch`). */
  constructor(private readonly firstThread: SignerConfig = {}) {}

  #start(): Worker {
    const signer: SignerConfig = this.started === 0 ? this.firstThread : {};
    const w = new Worker(SIGNER_THREAD_PATH, { workerData: { signer } });
    this.started++;
    unrefWorker(w); // the vault worker's own channel keeps it alive; this thread must not
    w.on('message', (m: SignerReply) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.signatures);
      else p.reject(new VaultError('INTERNAL', `the vault's signing thread could not sign: ${m.message.slice(0, 200)}`));
    });
    w.on('error', (err) => this.#ended(w, `failed (${err?.message ?? err})`));
    w.on('exit', (code) => this.#ended(w, `ended (exit code ${code})`));
    this.#worker = w;
    this.#held.clear();
    return w;
  }

  /** The thread is gone: every batch it had fails, nothing it signed is answered; the next batch starts another. */
  #ended(w: Worker, why: string): void {
    if (this.#worker !== w) return;
    this.#worker = null;
    this.#held.clear();
    this.#failAll(
      new VaultError(
        'INTERNAL',
        `the vault's signing thread ${why} mid-batch; nothing was signed for this request and its spend was not counted — try again`,
      ),
    );
  }

  #failAll(error: VaultError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  /** Starts the thread now if there is none (an app signs: its later groups will not wait for the start). */
  warm(): void {
    if (!this.#worker) this.#start();
  }

  sign(jobs: readonly SignJob[]): Promise<string[]> {
    const w = this.#worker ?? this.#start();
    const keys: SignerKey[] = [];
    for (const j of jobs) {
      if (this.#held.has(j.pub)) continue;
      this.#held.add(j.pub);
      keys.push({ pub: j.pub, type: j.key.type, data: new Uint8Array(j.key.data) });
    }
    const items: SignerItem[] = jobs.map((j) => ({ key: j.pub, digest: j.digest }));
    const id = this.#nextId++;
    return new Promise<string[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const message: SignerMessage = { t: 'sign', id, keys, items };
      // the key copies are moved to the signing thread: none stays behind in this one
      w.postMessage(
        message,
        keys.map((k) => k.data.buffer as ArrayBuffer),
      );
    });
  }

  /** The key was discarded: the signing thread wipes its copy. */
  forget(pub: string): void {
    if (!this.#held.delete(pub)) return;
    this.#worker?.postMessage({ t: 'forget', key: pub } satisfies SignerMessage);
  }

  /**
   * Wipes the thread's keys and ends it (the vault locks or closes); batches still in flight fail
   * LOCKED. The thread wipes and exits by itself; one that has not within SIGNER_EXIT_WAIT_MS is
   * terminated (its heap goes with it). Nothing else happens until the next `sign`.
   */
  close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    this.#held.clear();
    this.#failAll(VaultError.locked('signing'));
    if (!w) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => void terminateWorker(w).catch(() => {}), SIGNER_EXIT_WAIT_MS);
      timer.unref();
      w.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      w.postMessage({ t: 'wipe' } satisfies SignerMessage);
    });
  }
}
