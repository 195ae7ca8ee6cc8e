/**
 * The verifier policy of session grants: a user verifier that approves an app's signature by
 * itself when it fits the app's session grant (count and amount per period), and otherwise asks
 * the fallback (the terminal, or a refusal). It approves only what the transaction service announced
 * with `expect` for that exact digest — amounts decoded by the host from the bytes being signed —
 * so it never trusts an amount it did not compute. Logins, grants and exports always go to the
 * fallback.
 *
 * An announcement may ask for an early answer (`early`): the approval is given once the grant's
 * use is decided, while its write is still being synced, so the vault signs meanwhile; the caller
 * must then `settle(digest)` before the signature leaves the process (the transaction service does,
 * before the push). Without `early` an approval is given only after the use is durable.
 */
import type { Asset } from '../../abi/antelope/index.js';
import { HmacVerifier, type VerificationRequest } from '../../skv/index.js';
import type { SessionGrantStore } from './session-grants.js';

export class GrantPolicyVerifier extends HmacVerifier {
  readonly kind = 'session-grant';
  readonly #store: SessionGrantStore;
  readonly #fallback: (r: VerificationRequest) => Promise<boolean>;
  readonly #expected = new Map<string, { app: string; moved: Map<string, Asset>; identity?: string; early?: boolean }>();
  /** Early approvals whose grant use is not known durable yet, by digest. */
  readonly #unsettled = new Map<string, Promise<boolean>>();
  /** How many requests the policy approved by itself (for narration and tests). */
  autoApproved = 0;

  constructor(o: { store: SessionGrantStore; fallback: (r: VerificationRequest) => Promise<boolean>; ttlMs?: number }) {
    super(o.ttlMs === undefined ? {} : { ttlMs: o.ttlMs });
    this.#store = o.store;
    this.#fallback = o.fallback;
  }

  /** Announces the next sign request for `digest`: which app (and identity) asks, and what it moves. */
  expect(digest: Uint8Array, app: string, moved: Map<string, Asset>, identity?: string, opts: { early?: boolean } = {}): void {
    this.#expected.set(Buffer.from(digest).toString('hex'), {
      app,
      moved,
      ...(identity !== undefined ? { identity } : {}),
      ...(opts.early ? { early: true } : {}),
    });
  }

  /**
   * Resolves once the grant use of an early approval of `digest` is durable (at once when there is
   * none); rejects when its write failed: then the signature must not be used.
   */
  async settle(digest: Uint8Array): Promise<void> {
    const key = Buffer.from(digest).toString('hex');
    const p = this.#unsettled.get(key);
    this.#unsettled.delete(key);
    await p;
  }

  /** What was announced for `digest` (which app, what it moves), without using it: for a dialog to say whether the grant would cover it. */
  announced(digest: Uint8Array): { app: string; moved: Map<string, Asset> } | undefined {
    return this.#expected.get(Buffer.from(digest).toString('hex'));
  }

  /** Forgets an announcement that was never asked about (the push failed before the vault did). */
  forget(digest: Uint8Array): void {
    this.#expected.delete(Buffer.from(digest).toString('hex'));
  }

  protected async approve(r: VerificationRequest): Promise<boolean> {
    if (r.purpose === 'sign') {
      const key = Buffer.from(r.digest).toString('hex');
      const e = this.#expected.get(key);
      this.#expected.delete(key);
      if (e && e.app === r.app) {
        let approved: boolean;
        if (e.early) {
          const use = this.#store.consumeEarly(r.app, e.moved, e.identity);
          use.durable.catch(() => {}); // awaited by settle(); never an unhandled rejection meanwhile
          approved = await use.approved;
          if (approved) this.#unsettled.set(key, use.durable);
        } else {
          approved = await this.#store.consume(r.app, e.moved, e.identity);
        }
        if (approved) {
          this.autoApproved++;
          return true;
        }
      }
    }
    return this.#fallback(r);
  }
}
