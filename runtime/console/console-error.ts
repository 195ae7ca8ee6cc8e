/**
 * The console's one error class: every refusal of the console server has a stable code and the
 * HTTP status it is answered with. Add codes at the end; never rename.
 */
import { CodedError } from '../../lib/coded-error.js';

export const CONSOLE_ERROR_STATUS = {
  /** `Host` is not the console's own (DNS rebinding). */
  FORBIDDEN_HOST: 403,
  /** `Origin` is present and not the console's own (a page of another site). */
  FORBIDDEN_ORIGIN: 403,
  /** No valid session cookie. */
  NO_SESSION: 401,
  /** An API request (read or write) without the session's token (the CSRF token). */
  BAD_CSRF: 403,
  /** The launch secret is wrong or was already exchanged. */
  BAD_SECRET: 403,
  BODY_TOO_LARGE: 413,
  NOT_JSON: 415,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The vault must be unlocked for this. */
  LOCKED: 409,
  /** `--listen` names a host that is not loopback. */
  NOT_LOOPBACK: 400,
  /** A file or input past its named limit (a contract's code or ABI). */
  TOO_LARGE: 413,
  /** One at a time (a contract deployment, whose build takes a compile worker). */
  BUSY: 409,
  /** Peer-to-peer share work this console does not do: it was started without --share-listen. */
  NOT_SERVING: 409,
} as const;

export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_STATUS;

export class ConsoleError extends CodedError<ConsoleErrorCode> {
  override name = 'ConsoleError';
  get status(): number {
    return CONSOLE_ERROR_STATUS[this.code];
  }
}
