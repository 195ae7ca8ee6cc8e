/**
 * The one error class of the Antelope protocol core. Every failure carries a stable `code` (for
 * programs) and a message that says what was expected and what arrived (for people). Decoding and
 * ABI serialization errors also carry the `path` of the field where they failed.
 */

/** Stable error codes. Add new ones at the end; never rename. */
export type AntelopeErrorCode =
  | 'INVALID_HEX'
  | 'INVALID_NAME'
  | 'INVALID_KEY'
  | 'INVALID_SIGNATURE'
  | 'INVALID_CHECKSUM'
  | 'INVALID_ASSET'
  | 'INVALID_SYMBOL'
  | 'INVALID_TIME'
  | 'INVALID_VALUE'
  | 'INVALID_ABI'
  | 'UNKNOWN_TYPE'
  | 'DECODE_EOF'
  | 'DECODE_DEPTH'
  | 'DECODE_INVALID'
  | 'DECODE_TRAILING'
  | 'SIGN_FAILED'
  | 'RECOVER_FAILED'
  | 'COMPRESSION';

export class AntelopeError extends Error {
  override readonly name = 'AntelopeError';
  readonly code: AntelopeErrorCode;
  /** Field path where serialization failed, e.g. `transfer.quantity`; empty when not applicable. */
  readonly path: string;

  constructor(code: AntelopeErrorCode, message: string, path = '') {
    super(path ? `${path}: ${message}` : message);
    this.code = code;
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
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? value.slice(0, 64) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    return ctor && ctor !== 'Object' ? ctor : 'object';
  }
  return typeof value;
}
