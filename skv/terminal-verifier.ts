/**
 * Terminal user verification: prints what the host decoded from the request and asks y/N.
 * Anything but an explicit yes (including no TTY) declines.
 *
 * The prompt shares stderr with app log lines, so it is drawn so that no app text can imitate it:
 * every line of the block and the question start with `PROMPT_PREFIX` and a frame, and each summary
 * line is escaped for a terminal (an app's newline, ESC or bidi override shows as `\n`, `\x1b`,
 * `\u202e`), so app-chosen text never starts a line nor moves the cursor.
 */
import { HmacVerifier, type VerificationRequest } from './verifier.js';
import { terminalText, terminalQuoted, terminalWrap } from '../lib/terminal-text.js';

/** Starts every line the vault's prompt writes. */
const PROMPT_PREFIX = 'peeros vault';

function stderrColumns(): number | undefined {
  return process.stderr.isTTY ? process.stderr.columns : undefined;
}
import { USER_APP } from './signing-grant.js';

export interface TerminalPrompt {
  /** Prints one block of text to the user (stderr in the CLI, so stdout stays machine-readable). */
  show(text: string): void;
  /** Asks a yes/no question; false when there is no terminal. */
  confirm(question: string): Promise<boolean>;
  /** Width of the terminal the block is shown on (lines are wrapped to it); default: stderr's when it is a terminal. */
  columns?: number;
}

const QUESTIONS = {
  sign: 'Sign this transaction?',
  export: 'Reveal this PRIVATE KEY in clear?',
  grant: 'Grant this app these signing rights?',
  package: 'Sign this app package as its publisher?',
  register: 'Register another authenticator for this vault?',
} as const;

/**
 * The framed block shown before the question: every line starts with `peeros vault`, app text
 * escaped and, given the terminal's `columns`, wrapped under the frame so no row starts with it.
 */
export function renderVerificationRequest(r: VerificationRequest, columns = stderrColumns()): string {
  return [
    `${PROMPT_PREFIX} ┌── approval needed (${r.purpose}) ──`,
    terminalWrap(
      `${PROMPT_PREFIX} │ requested by: `,
      r.app === USER_APP ? 'you (user, directly)' : `app ${terminalQuoted(r.app)}`,
      columns,
      `${PROMPT_PREFIX} │   `,
    ),
    ...r.summary.map((l) => terminalWrap(`${PROMPT_PREFIX} │   `, terminalText(l), columns)),
    terminalWrap(`${PROMPT_PREFIX} │ digest: `, Buffer.from(r.digest).toString('hex'), columns, `${PROMPT_PREFIX} │         `),
    `${PROMPT_PREFIX} └──`,
  ].join('\n');
}

/** The yes/no question after the block, e.g. `peeros vault: Sign this transaction?`. */
export function verificationQuestion(r: Pick<VerificationRequest, 'purpose'>): string {
  return `${PROMPT_PREFIX}: ${QUESTIONS[r.purpose]}`;
}

export class TerminalVerifier extends HmacVerifier {
  readonly kind = 'terminal';

  constructor(
    private readonly prompt: TerminalPrompt,
    opts: { ttlMs?: number } = {},
  ) {
    super(opts);
  }

  protected async approve(r: VerificationRequest): Promise<boolean> {
    this.prompt.show(renderVerificationRequest(r, this.prompt.columns ?? stderrColumns()));
    return this.prompt.confirm(verificationQuestion(r));
  }
}
