/**
 * The main thread's end of dMemo: one worker thread running `worker.js`, carrying msgpack bytes both
 * ways over the worker's message port. This is the raw channel (tests and benchmarks use it to
 * speak the protocol directly); `Vault` is the typed facade over it.
 *
 * A plain port, not a pool: the vault is exactly one thread with one state, so a pool's task
 * objects, async resources and queue were pure overhead on the main thread (about a sixth of its
 * work per transfer, docs/performance.md). The wire is `ChannelRequest` / `ChannelReply` below:
 * a call id and the dMemo bytes, which the worker decodes and validates exactly as before
 * (`skv/protocol.ts`); a reply to no pending call is ignored.
 *
 * At most MAX_REQUESTS_IN_FLIGHT requests are in the worker at once (it orders them itself,
 * worker.ts; several in flight let app signatures share a ledger write); later ones wait here.
 * The worker keeps its own event loop running between requests, so the auto-lock timer inside it
 * fires while the vault is idle. It does not hold the process open while no call is pending.
 *
 * A worker that fails before it ever answered (it could not load its modules, e.g. while files are
 * being replaced) is replaced once, after a short pause; later failures are reported: a worker that
 * dies after answering held a session, and the fresh one the next call starts is a different,
 * locked vault.
 *
 * The worker leases the vault lock between its operations (vault-lock.ts). A worker ended from here
 * (`close`, terminate) or by a crash cannot let go of it, and the lock names this live process: so
 * when a worker exits, the lock is removed if that thread still holds it.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { VaultError } from './error.js';
import type { VaultConfig } from './vault-core.js';
import { MAX_REQUESTS_IN_FLIGHT } from './limits.js';
import { terminateWorker, unrefWorker } from '../lib/worker-stop.js';
import { ownBytes } from '../lib/own-bytes.js';
import { releaseEndedThreadLock } from '../lib/file-lock.js';
import { vaultPaths } from './keystore-file.js';

export const VAULT_WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url));

const START_RETRY_DELAY_MS = 250; // long enough for a file being rewritten to be whole again

/** Main thread → vault worker: one dMemo request. */
export interface ChannelRequest {
  id: number;
  message: Uint8Array;
}
/** Vault worker → main thread: the dMemo response to request `id`. */
export interface ChannelReply {
  id: number;
  reply: Uint8Array;
}

interface Pending {
  message: Uint8Array;
  resolve: (reply: Uint8Array) => void;
  reject: (err: unknown) => void;
}

/** One started worker and the calls it holds. */
interface Live {
  worker: Worker;
  /** The worker's thread id, kept: `worker.threadId` is -1 once it has exited. */
  threadId: number;
  inFlight: Map<number, Pending>;
  /** Set once it died: its calls were failed, the next call starts another. */
  dead: boolean;
}

export class VaultChannel {
  readonly #config: VaultConfig;
  #live: Live | null = null;
  #closed = false;
  #answered = false;
  /** Whether a worker that never answered was replaced already (once only). */
  #retried = false;
  #nextId = 1;
  /** Calls waiting for a place in the worker (beyond MAX_REQUESTS_IN_FLIGHT), in order. */
  readonly #waiting: Pending[] = [];

  constructor(config: VaultConfig) {
    this.#config = config;
    this.#live = this.#start();
  }

  #start(): Live {
    const worker = new Worker(VAULT_WORKER_PATH, { workerData: { vault: this.#config } });
    const live: Live = { worker, threadId: worker.threadId, inFlight: new Map(), dead: false };
    worker.on('message', (m: ChannelReply) => this.#onReply(live, m));
    worker.on('error', (err) => this.#onDeath(live, err));
    worker.on('exit', (code) => {
      this.#releaseLock(live);
      this.#onDeath(live, new Error(`the vault worker exited with code ${code}`));
    });
    unrefWorker(worker); // referenced only while calls are pending (#send)
    return live;
  }

  /** Sends one dMemo message (msgpack bytes) and resolves to the response bytes. */
  call(message: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const p: Pending = { message, resolve, reject };
      const live = this.#current();
      if (live.inFlight.size < MAX_REQUESTS_IN_FLIGHT) this.#send(live, p);
      else this.#waiting.push(p);
    });
  }

  /** The live worker, or a fresh (locked) one when the last died. */
  #current(): Live {
    if (!this.#live || this.#live.dead) this.#live = this.#start();
    return this.#live;
  }

  #send(live: Live, p: Pending): void {
    const id = this.#nextId++;
    live.inFlight.set(id, p);
    if (live.inFlight.size === 1) live.worker.ref();
    // p.message stays whole for a resend to a replaced worker (#onDeath); the worker gets a copy
    const message = ownBytes(p.message);
    const req: ChannelRequest = { id, message };
    live.worker.postMessage(req, [message.buffer]);
  }

  #onReply(live: Live, m: ChannelReply): void {
    const p = typeof m?.id === 'number' ? live.inFlight.get(m.id) : undefined;
    if (!p || !(m.reply instanceof Uint8Array)) return; // not a reply to a call of ours: the worker speaks out of protocol
    live.inFlight.delete(m.id);
    this.#answered = true;
    this.#release(live);
    p.resolve(m.reply);
  }

  /** One place in the worker is free: the next waiting call takes it. */
  #release(live: Live): void {
    const next = live === this.#live && !live.dead ? this.#waiting.shift() : undefined;
    if (next) this.#send(live, next);
    else if (live.inFlight.size === 0) unrefWorker(live.worker);
  }

  #onDeath(live: Live, err: unknown): void {
    if (live.dead) return;
    live.dead = true;
    const calls = [...live.inFlight.values()];
    live.inFlight.clear();
    if (this.#closed) {
      for (const p of calls) p.reject(new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one'));
      return;
    }
    if (!this.#answered && !this.#retried) {
      // it never answered: it could not start (files being replaced?); one fresh worker after a pause
      this.#retried = true;
      setTimeout(() => {
        if (this.#closed) {
          for (const p of calls) p.reject(new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one'));
          return;
        }
        const fresh = this.#current();
        this.#waiting.unshift(...calls);
        this.#fill(fresh);
      }, START_RETRY_DELAY_MS);
      return;
    }
    const message = (err as Error)?.message ?? String(err);
    for (const p of calls) p.reject(new VaultError('INTERNAL', `the vault worker failed (${message}); it restarts locked — unlock again`));
    if (this.#waiting.length > 0) this.#fill(this.#current());
  }

  /** Moves waiting calls into the worker up to its limit. */
  #fill(live: Live): void {
    while (this.#waiting.length > 0 && live.inFlight.size < MAX_REQUESTS_IN_FLIGHT) this.#send(live, this.#waiting.shift()!);
  }

  /** The vault lock, if the ended worker `live` still holds it (a lease it could not let go of). */
  #releaseLock(live: Live): void {
    try {
      releaseEndedThreadLock(vaultPaths(this.#config.home).lock, live.threadId);
    } catch {
      /* unreadable: it goes stale by age, as a crash would leave it */
    }
  }

  /** Ends the worker thread; every decrypted key dies with it. Pending calls fail VAULT_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#waiting.splice(0)) p.reject(new VaultError('VAULT_CLOSED', 'the vault was closed; open a new one'));
    const live = this.#live;
    this.#live = null;
    if (live && !live.dead) {
      await terminateWorker(live.worker);
      this.#releaseLock(live); // before close() returns: a vault opened next finds the lock free
    }
  }
}
