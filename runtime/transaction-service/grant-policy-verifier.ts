/**
 * The verifier policy of session grants: a user verifier that approves an app's signature by
 * itself when it fits the app's session grant (count and amount per period), and otherwise asks
 * the fallback (the terminal, or a refusal). It approves only what the transaction service announced
 * with `expect` for that exact digest — amounts decoded by the host from the bytes being signed —
 * so it never trusts an amount it did not compute. Logins, grants and exports always go to the
 * fallback.
 */
import type { Asset } from '../../abi/antelope/index.js';
import { HmacVerifier, type VerificationRequest } from '../../skv/index.js';
import type { SessionGrantStore } from './session-grants.js';

export class GrantPolicyVerifier extends HmacVerifier {
  readonly kind = 'session-grant';
  readonly #store: SessionGrantStore;
  readonly #fallback: (r: VerificationRequest) => Promise<boolean>;
  readonly #expected = new Map<string, { app: string; moved: Map<string, Asset>; identity?: string }>();
  /** How many requests the policy approved by itself (for narration and tests). */
  autoApproved = 0;

  constructor(o: { store: SessionGrantStore; fallback: (r: VerificationRequest) => Promise<boolean>; ttlMs?: number }) {
    super(o.ttlMs === undefined ? {} : { ttlMs: o.ttlMs });
    this.#store = o.store;
    this.#fallback = o.fallback;
  }

  /** Announces the next sign request for `digest`: which app (and identity) asks, and what it moves. */
  expect(digest: Uint8Array, app: string, moved: Map<string, Asset>, identity?: string): void {
    this.#expected.set(Buffer.from(digest).toString('hex'), { app, moved, ...(identity !== undefined ? { identity } : {}) });
  }

  protected async approve(r: VerificationRequest): Promise<boolean> {
    if (r.purpose === 'sign') {
      const key = Buffer.from(r.digest).toString('hex');
      const e = this.#expected.get(key);
      this.#expected.delete(key);
      if (e && e.app === r.app && (await this.#store.consume(r.app, e.moved, e.identity))) {
        this.autoApproved++;
        return true;
      }
    }
    return this.#fallback(r);
  }
}
