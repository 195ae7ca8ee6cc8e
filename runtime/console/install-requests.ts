/**
 * The install dialogs waiting for the person at the console: an app's install request
 * (`store.request-install`, runtime/app-install-request.ts) reaches the host services' install
 * dialog, which puts the host's consent here (who asked, the package's publisher, capabilities,
 * what changes — lines the host wrote, app text already escaped) and waits; the page shows it over
 * whatever page is open and answers yes or no. Bounded like the signing dialogs: at most
 * MAX_PENDING_INSTALL_REQUESTS wait at once (more are declined at once) and each is declined after
 * INSTALL_REQUEST_TIMEOUT_MS without an answer; locking the vault declines them all. Only an
 * explicit yes installs.
 */
import { randomBytes } from 'node:crypto';
import type { InstallDialogRequest } from '../app-install-request.js';
import { ConsoleError } from './console-error.js';

/** Install dialogs waiting at once; an app asking again and again is declined beyond this. */
export const MAX_PENDING_INSTALL_REQUESTS = 4;
/** How long an install dialog waits for an answer. */
export const INSTALL_REQUEST_TIMEOUT_MS = 100_000;

export interface PendingInstall {
  id: string;
  requestedBy: string;
  app: string;
  version: string;
  lines: string[];
  /** The host's stale-view warning (runtime/store/stale-view.ts), when the registry was read from a DMCS that looks stale. */
  stale?: string;
  /** When the console stops waiting (Unix ms). */
  deadline: number;
}

interface Waiting extends PendingInstall {
  resolve(yes: boolean): void;
  timer: NodeJS.Timeout;
}

export class InstallRequests {
  readonly #waiting = new Map<string, Waiting>();
  readonly #timeoutMs: number;
  readonly #max: number;

  constructor(o: { timeoutMs?: number; max?: number } = {}) {
    this.#timeoutMs = o.timeoutMs ?? INSTALL_REQUEST_TIMEOUT_MS;
    this.#max = o.max ?? MAX_PENDING_INSTALL_REQUESTS;
  }

  /** Shows the consent and resolves true only on the page's yes (false: no, timeout, lock, overflow). */
  ask(r: InstallDialogRequest): Promise<boolean> {
    if (this.#waiting.size >= this.#max) return Promise.resolve(false);
    const id = randomBytes(9).toString('base64url');
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(false);
      }, this.#timeoutMs);
      this.#waiting.set(id, {
        id,
        requestedBy: r.requestedBy,
        app: r.app,
        version: r.version,
        lines: [...r.lines],
        ...(r.stale !== undefined ? { stale: r.stale } : {}),
        deadline: Date.now() + this.#timeoutMs,
        resolve,
        timer,
      });
    });
  }

  list(): PendingInstall[] {
    return [...this.#waiting.values()].map(({ id, requestedBy, app, version, lines, stale, deadline }) => ({
      id,
      requestedBy,
      app,
      version,
      lines,
      ...(stale !== undefined ? { stale } : {}),
      deadline,
    }));
  }

  /** The page's answer: `yes` must be exactly true to install. */
  answer(id: unknown, yes: unknown): void {
    const w = typeof id === 'string' ? this.#waiting.get(id) : undefined;
    if (!w) throw new ConsoleError('NOT_FOUND', 'no such install request (answered, timed out, or the vault locked)');
    this.#waiting.delete(w.id);
    clearTimeout(w.timer);
    w.resolve(yes === true);
  }

  /** Declines every waiting request (the vault locked, or the console stops). */
  clear(): void {
    for (const w of [...this.#waiting.values()]) {
      this.#waiting.delete(w.id);
      clearTimeout(w.timer);
      w.resolve(false);
    }
  }
}
