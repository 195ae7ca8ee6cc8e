/**
 * The console's sessions. A launch prints one random secret in the URL fragment (a fragment never
 * reaches a server log or a Referer); the page's script exchanges it once for a session: an HttpOnly,
 * SameSite=Strict cookie that scripts cannot read and other sites cannot make the browser send, and
 * a session token (the CSRF token) that every API request, read or write, must echo in a header.
 * The cookie alone is no session: cookies are not scoped by port, so a process listening on another
 * localhost port that the browser visits receives it. The token is handed out by the exchange only,
 * and the page keeps it in localStorage, which is per origin (port included). After the exchange
 * the secret is spent: a copy of the URL (shell history, a screenshot) opens nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConsoleError } from './console-error.js';

export const SESSION_COOKIE = 'peeros_console';
export const CSRF_HEADER = 'x-peeros-csrf';
/** Sessions kept at once: a person opens a few tabs; more would only be someone guessing. */
const MAX_SESSIONS = 16;

interface Session {
  csrf: string;
}

const token = () => randomBytes(32).toString('base64url');
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time equality of two strings of any length (their sha256 compared). */
function sameText(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class ConsoleSessions {
  #secret: string | undefined = token();
  readonly #sessions = new Map<string, Session>();

  /** The launch secret (printed once in the URL); undefined once exchanged. */
  get secret(): string | undefined {
    return this.#secret;
  }

  /** Exchanges the launch secret for a session: returns the cookie value and its token (given out here only). */
  exchange(secret: unknown): { id: string; csrf: string } {
    const expected = this.#secret;
    if (typeof secret !== 'string' || expected === undefined || !sameText(secret, expected))
      throw new ConsoleError('BAD_SECRET', 'the launch secret is wrong or already used: start a new console (peeros console)');
    this.#secret = undefined;
    const id = token();
    const session = { csrf: token() };
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(id, session);
    return { id, csrf: session.csrf };
  }

  /**
   * An API request, read or write: the session named by its cookie (else NO_SESSION) and that
   * session's token in the header (else BAD_CSRF). Reads too: the cookie reaches other localhost
   * ports, the token does not.
   */
  check(cookieHeader: string | undefined, csrf: string | undefined): void {
    const s = this.#session(cookieHeader);
    if (csrf === undefined || !sameText(csrf, s.csrf))
      throw new ConsoleError(
        'BAD_CSRF',
        `an API request needs the session's token in ${CSRF_HEADER}: open the URL that peeros console printed`,
      );
  }

  /** The cookie alone, for the app screen's images only (console-server.ts says why). */
  checkCookie(cookieHeader: string | undefined): void {
    this.#session(cookieHeader);
  }

  #session(cookieHeader: string | undefined): Session {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    const s = id === undefined ? undefined : this.#sessions.get(id);
    if (!s) throw new ConsoleError('NO_SESSION', 'no console session: open the URL that peeros console printed');
    return s;
  }

  static cookie(id: string): string {
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

/** The value of cookie `name` in a Cookie header (no decoding: our values are base64url). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
