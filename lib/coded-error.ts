/**
 * The base of every error PeerOS raises. A `CodedError` carries a stable `code` from its domain's
 * closed set (programs and tests branch on it, never on the message), a message for people, and an
 * optional `cause`. Each domain (the vault, the node, the runtime, …) subclasses it once with a
 * const table of its codes; tables elsewhere map those codes to other domains' codes (for example
 * the ISA `error-code` an app hears). Imports only lib/scalar-text.ts.
 *
 * Crossing a worker or process boundary, an error travels as {@link CodedErrorData} (plain strings:
 * structured-clone and JSON safe) and the receiver rebuilds its own domain's class from the code,
 * after checking the code is one of that domain's ({@link codeOf}): a peer is not trusted to name
 * the class.
 */
import { scalarText } from './scalar-text.js';

/** The plain form of a coded error: what `JSON.stringify` and `postMessage` carry. */
export interface CodedErrorData {
  /** The class name, for people reading logs; receivers never choose a class by it. */
  name?: string;
  code: string;
  message: string;
  /** The cause: its plain form, or a one-line description (a trap's cause). */
  cause?: CodedErrorData | string;
}

/** Longest message kept from an untrusted peer: a paragraph, not a payload. */
export const MAX_ERROR_MESSAGE_CHARS = 4096;

export class CodedError<C extends string = string> extends Error {
  override name = 'CodedError';
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** The plain form (see the module doc); subclasses with more fields to carry add them. */
  toJSON(): CodedErrorData {
    const data: CodedErrorData = { name: this.name, code: this.code, message: this.message };
    const cause = causeData(this.cause);
    if (cause) data.cause = cause;
    return data;
  }
}

/** The plain form of any thrown value used as a cause; undefined for none. */
function causeData(cause: unknown): CodedErrorData | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof CodedError) return cause.toJSON();
  if (cause instanceof Error) return { name: cause.name, code: '', message: cause.message };
  return { name: typeof cause, code: '', message: String(cause) };
}

/** True when `err` is a coded error (of any domain) with `code`, if given. */
export function isCodedError(err: unknown, code?: string): err is CodedError {
  return err instanceof CodedError && (code === undefined || err.code === code);
}

/**
 * `value` as one of `codes`, or undefined: how a receiver checks a code that crossed a boundary
 * before it rebuilds its class (an own-property lookup, so `constructor` or `__proto__` are no code).
 */
export function codeOf<C extends string>(codes: readonly C[] | Readonly<Record<C, unknown>>, value: unknown): C | undefined {
  if (typeof value !== 'string') return undefined;
  const known = Array.isArray(codes) ? (codes as readonly string[]).includes(value) : Object.hasOwn(codes, value);
  return known ? (value as C) : undefined;
}

/**
 * A value from a peer as text, never by calling it: a scalar as `String` writes it, anything else
 * by its type. `String()` of a peer's object runs its `toString` (a cloned `{ toString: 1 }` makes
 * that throw).
 */
export function peerText(value: unknown): string {
  const text = scalarText(value);
  if (text !== undefined) return text;
  if (value === undefined || value === null) return String(value);
  return `(${Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`})`;
}

/** A message from a peer, bounded and always a string. */
export function peerMessage(value: unknown): string {
  const s = peerText(value);
  return s.length > MAX_ERROR_MESSAGE_CHARS ? `${s.slice(0, MAX_ERROR_MESSAGE_CHARS)}…` : s;
}
