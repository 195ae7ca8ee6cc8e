/**
 * Approves every request without asking anyone. For tests, benchmarks and the CLI's `--yes`, and
 * only with the explicit opt-in below: with it, anyone who can reach the vault API can sign anything
 * the keys and grants allow. The scope checks inside the vault still apply.
 */
import { VaultError } from './error.js';
import { HmacVerifier, type VerificationRequest } from './verifier.js';

/** The opt-in value; writing it out is the point. */
export const AUTO_APPROVE_OPT_IN = 'I understand this approves every request without asking';

export class AutoApproveVerifier extends HmacVerifier {
  readonly kind = 'auto-approve';
  /** Requests approved so far (tests look at what was shown). */
  readonly seen: VerificationRequest[] = [];

  constructor(opts: { optIn: typeof AUTO_APPROVE_OPT_IN; ttlMs?: number; keepSeen?: boolean }) {
    super(opts);
    if (opts?.optIn !== AUTO_APPROVE_OPT_IN) {
      throw new VaultError(
        'INVALID_ARGUMENT',
        `AutoApproveVerifier needs the explicit opt-in { optIn: AUTO_APPROVE_OPT_IN }; it approves everything and is meant for tests and '--yes'`,
      );
    }
    this.keepSeen = opts.keepSeen ?? false;
  }

  private readonly keepSeen: boolean;

  protected async approve(r: VerificationRequest): Promise<boolean> {
    if (this.keepSeen) this.seen.push(r);
    return true;
  }
}
