/**
 * Reading a chain API request body: an object (an empty body is `{}`), and account-name fields
 * checked as Leap's `name` parser does. Failures are `ChainError`s the HTTP server turns into
 * Leap's error JSON.
 */
import { Name, describe } from '../../abi/antelope/index.js';
import { scalarText } from '../../lib/scalar-text.js';
import { ChainError } from '../chain-error.js';

export type Body = Record<string, unknown>;

/** The request body as an object; anything but an object (or nothing) is `invalid_http_request`. */
export function obj(body: unknown): Body {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ChainError('invalid_http_request', 'expected a JSON object as the request body');
  return body as Body;
}

/** `b[field]` as a normalized account name. */
export function nameField(b: Body, field: string): string {
  const v = b[field];
  if (typeof v !== 'string') throw new ChainError('invalid_http_request', `${field}: expected an account name, got ${JSON.stringify(v)}`);
  try {
    return Name.from(v).toString();
  } catch (e) {
    throw new ChainError('name_type_exception', `${field}: ${(e as Error).message}`);
  }
}

/** A scalar request parameter as text (`scalarText`); an object or array is `invalid_http_request`, not String()'s TypeError reaching the client untyped. */
export function paramText(v: unknown, what: string): string {
  const text = scalarText(v);
  if (text === undefined) throw new ChainError('invalid_http_request', `${what}: expected a string or a number, got ${describe(v)}`);
  return text;
}
