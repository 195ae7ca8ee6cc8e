/**
 * Terminal user verification: prints what the host decoded from the request and asks y/N.
 * Anything but an explicit yes (including no TTY) declines.
 */
import { HmacVerifier, type VerificationRequest } from './verifier.js';
import { USER_APP } from './signing-grant.js';

export interface TerminalPrompt {
  /** Prints one block of text to the user (stderr in the CLI, so stdout stays machine-readable). */
  show(text: string): void;
  /** Asks a yes/no question; false when there is no terminal. */
  confirm(question: string): Promise<boolean>;
}

const QUESTIONS = { sign: 'Sign this transaction?', export: 'Reveal this PRIVATE KEY in clear?', grant: 'Grant this app these signing rights?' } as const;

export class TerminalVerifier extends HmacVerifier {
  readonly kind = 'terminal';

  constructor(private readonly prompt: TerminalPrompt, opts: { ttlMs?: number } = {}) {
    super(opts);
  }

  protected async approve(r: VerificationRequest): Promise<boolean> {
    const digest = Buffer.from(r.digest).toString('hex');
    this.prompt.show([
      `PeerOS vault: approval needed (${r.purpose})`,
      `  requested by: ${r.app === USER_APP ? 'you (user, directly)' : `app '${r.app}'`}`,
      ...r.summary.map((l) => `  ${l}`),
      `  digest: ${digest}`,
    ].join('\n'));
    return this.prompt.confirm(QUESTIONS[r.purpose]);
  }
}
