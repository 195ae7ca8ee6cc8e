/**
 * What every console request passes before anything else runs, and the headers every answer
 * carries. The console listens on loopback, but a page of any site can still make the browser send
 * it requests: through DNS rebinding (a name of the attacker's that now resolves to 127.0.0.1, so
 * `Host` is the attacker's name) or cross-site (then `Origin` is the other site). Both are refused
 * here, before routing; the session cookie (SameSite=Strict) and the session's token do the rest.
 */
import { ConsoleError } from './console-error.js';

/** The strict policy: our own files only, no inline script or style, never framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for the host names `--listen` accepts: the loopback addresses and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase());
}

/** The `Host` values (and origins) the console answers to once it listens on `port`. */
export class RequestGuard {
  readonly #hosts: Set<string>;
  readonly #origins: Set<string>;

  constructor(port: number) {
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    this.#hosts = new Set(hosts);
    this.#origins = new Set(hosts.map((h) => `http://${h}`));
  }

  /** Throws FORBIDDEN_HOST or FORBIDDEN_ORIGIN; an absent `Origin` (a plain navigation) is fine. */
  check(headers: { host?: string | undefined; origin?: string | undefined }): void {
    const host = headers.host?.toLowerCase();
    if (host === undefined || !this.#hosts.has(host))
      throw new ConsoleError('FORBIDDEN_HOST', 'this console answers only to 127.0.0.1 or localhost on its own port');
    if (headers.origin !== undefined && !this.#origins.has(headers.origin.toLowerCase()))
      throw new ConsoleError('FORBIDDEN_ORIGIN', 'requests from other origins are refused');
  }
}
