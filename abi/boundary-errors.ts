/**
 * Stable error codes of the app/host boundary.
 *
 * Two families live here:
 * - {@link IsaErrorCode}: the WIT `error-code` enum of `peeros:isa/types@0.1.0`. Its numbers are
 *   part of the core ABI (the guest reads them as a `u8` from a return area): append, never reorder.
 * - {@link BoundaryErrorCode}: what the host-side boundary helpers raise when a guest value is
 *   unusable (a bad pointer, malformed msgpack, a limit). They become typed traps: the runtime turns
 *   a {@link BoundaryError} into its own error with the app and command attached.
 */
import { CodedError } from '../lib/coded-error.js';

/** The WIT `error-code` values (isa/wit/types.wit), by name. */
export const IsaErrorCode = {
  INVALID_ARGUMENT: 0,
  CAPABILITY_DENIED: 1,
  NOT_FOUND: 2,
  UNAVAILABLE: 3,
  LIMIT_EXCEEDED: 4,
  NO_SESSION: 5,
  INTERNAL: 6,
} as const;
export type IsaErrorCode = (typeof IsaErrorCode)[keyof typeof IsaErrorCode];

/** WIT case names in ABI order (index = numeric value). */
export const ISA_ERROR_NAMES = [
  'invalid-argument',
  'capability-denied',
  'not-found',
  'unavailable',
  'limit-exceeded',
  'no-session',
  'internal',
] as const;

/** The WIT name of a numeric error code, or `unknown(N)`. */
export function isaErrorName(code: number): string {
  return ISA_ERROR_NAMES[code] ?? `unknown(${code})`;
}

/** Why a guest value was refused at the boundary. Stable; append only. */
export const BOUNDARY_ERROR_CODES = [
  /** A pointer or length from the guest is negative, overflows, or lies outside linear memory. */
  'BAD_POINTER',
  /** Bytes that must be msgpack are not well-formed (truncated, 0xc1, trailing bytes, too deep, ext). */
  'MALFORMED_MSGPACK',
  /** A value is larger than the host allows for one call. */
  'LIMIT_EXCEEDED',
  /** A value is well-formed but not what the ABI requires (bad UTF-8, bad result tag, bad enum). */
  'INVALID_VALUE',
] as const;
export type BoundaryErrorCode = (typeof BOUNDARY_ERROR_CODES)[number];

/** What the app hears when a value it passed through the bridge is refused. */
export const BOUNDARY_ISA_CODES: Record<BoundaryErrorCode, IsaErrorCode> = {
  BAD_POINTER: IsaErrorCode.INVALID_ARGUMENT,
  MALFORMED_MSGPACK: IsaErrorCode.INVALID_ARGUMENT,
  LIMIT_EXCEEDED: IsaErrorCode.LIMIT_EXCEEDED,
  INVALID_VALUE: IsaErrorCode.INVALID_ARGUMENT,
};

/** A typed trap raised by the boundary helpers. No I/O, no app context: the runtime adds that. */
export class BoundaryError extends CodedError<BoundaryErrorCode> {
  override readonly name = 'BoundaryError';
}
