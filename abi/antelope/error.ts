/**
 * The one error class of the Antelope protocol core. Every failure carries a stable `code` (for
 * programs) and a message that says what was expected and what arrived (for people). Decoding and
 * ABI serialization errors also carry the `path` of the field where they failed.
 */
import { CodedError } from '../../lib/coded-error.js';
import { IsaErrorCode } from '../boundary-errors.js';

/** Stable error codes. Add new ones at the end; never rename. */
export const ANTELOPE_ERROR_CODES = [
  'INVALID_HEX',
  'INVALID_NAME',
  'INVALID_KEY',
  'INVALID_SIGNATURE',
  'INVALID_CHECKSUM',
  'INVALID_ASSET',
  'INVALID_SYMBOL',
  'INVALID_TIME',
  'INVALID_VALUE',
  'INVALID_ABI',
  'UNKNOWN_TYPE',
  'DECODE_EOF',
  'DECODE_DEPTH',
  'DECODE_INVALID',
  'DECODE_TRAILING',
  'SIGN_FAILED',
  'RECOVER_FAILED',
  'COMPRESSION',
  'UNKNOWN_PERMISSION',
  'TOO_BIG',
] as const;
export type AntelopeErrorCode = (typeof ANTELOPE_ERROR_CODES)[number];

/** What an app hears when a value it sent is not valid Antelope data: its argument was wrong. */
export const ANTELOPE_ISA_CODES: Record<AntelopeErrorCode, IsaErrorCode> = {
  INVALID_HEX: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_NAME: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_KEY: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_SIGNATURE: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_CHECKSUM: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_ASSET: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_SYMBOL: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_TIME: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_VALUE: IsaErrorCode.INVALID_ARGUMENT,
  INVALID_ABI: IsaErrorCode.INVALID_ARGUMENT,
  UNKNOWN_TYPE: IsaErrorCode.INVALID_ARGUMENT,
  DECODE_EOF: IsaErrorCode.INVALID_ARGUMENT,
  DECODE_DEPTH: IsaErrorCode.INVALID_ARGUMENT,
  DECODE_INVALID: IsaErrorCode.INVALID_ARGUMENT,
  DECODE_TRAILING: IsaErrorCode.INVALID_ARGUMENT,
  /** Signing and recovery happen in the vault and the node, never on app input alone. */
  SIGN_FAILED: IsaErrorCode.INTERNAL,
  RECOVER_FAILED: IsaErrorCode.INVALID_ARGUMENT,
  COMPRESSION: IsaErrorCode.INVALID_ARGUMENT,
  UNKNOWN_PERMISSION: IsaErrorCode.NOT_FOUND,
  TOO_BIG: IsaErrorCode.INVALID_ARGUMENT,
};

export class AntelopeError extends CodedError<AntelopeErrorCode> {
  override readonly name = 'AntelopeError';
  /** Field path where serialization failed, e.g. `transfer.quantity`; empty when not applicable. */
  readonly path: string;

  constructor(code: AntelopeErrorCode, message: string, path = '') {
    super(code, path ? `${path}: ${message}` : message);
    this.path = path;
  }

  /** The same error located under `prefix` (used while unwinding nested types). */
  withPath(prefix: string): AntelopeError {
    const path = this.path ? (this.path.startsWith('[') ? prefix + this.path : `${prefix}.${this.path}`) : prefix;
    const base = this.path ? this.message.slice(this.path.length + 2) : this.message;
    const e = new AntelopeError(this.code, base, path);
    if (this.stack !== undefined) e.stack = this.stack;
    return e;
  }
}

/** A short, printable description of an arbitrary value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') {
    // a JSON object may carry a "constructor" key of its own: a name only when it is text
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof ctor === 'string' && ctor !== '' && ctor !== 'Object' ? ctor : 'object';
  }
  return typeof value;
}
