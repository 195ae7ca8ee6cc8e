/**
 * The one error class of DMCS dispatch. Callers branch on `code`, never on message text:
 *
 * - `UNREACHABLE` — the DMCS could not be asked or did not answer: connection refused or reset,
 *   DNS failure, timeout, or a 5xx whose body is not Antelope error JSON (a proxy or load balancer
 *   speaking, not the chain). Safe to retry later; the offline queue keeps the transaction.
 * - `REJECTED` — the chain answered with Antelope's error JSON
 *   (`{code, message, error:{code, name, what, details}}`); `antelopeName` carries the exception
 *   name (`tx_duplicate`, `expired_tx_exception`, `unsatisfied_authorization`, …).
 * - `BAD_REPLY` — the DMCS answered, but not with something this host can trust: not JSON, wrong
 *   shape, too large, or an HTTP error that is not Antelope's.
 * - `BAD_ARGUMENT`, `NOT_FOUND`, `CHAIN_MISMATCH`, `REGISTRY_CORRUPT` — local mistakes around the
 *   registry, each with a message that says how to fix it.
 */
import { CodedError, type CodedErrorData } from '../../lib/coded-error.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import type { ChainErrorName } from '../../dmcs/chain-error.js';

export const DMCS_ERROR_CODES = [
  'UNREACHABLE',
  'REJECTED',
  'BAD_REPLY',
  'BAD_ARGUMENT',
  'NOT_FOUND',
  'CHAIN_MISMATCH',
  'REGISTRY_CORRUPT',
] as const;
export type DmcsErrorCode = (typeof DMCS_ERROR_CODES)[number];

/** One line of Antelope's `error.details`. */
export interface AntelopeErrorDetail {
  message: string;
  file?: string;
  line_number?: number;
  method?: string;
}

export interface DmcsErrorOptions {
  /** Antelope exception name for `REJECTED`, e.g. `tx_duplicate`. */
  antelopeName?: string;
  /** Antelope numeric exception code, e.g. 3040008. */
  antelopeCode?: number | undefined;
  /** Antelope's `error.details`. */
  antelopeDetails?: AntelopeErrorDetail[];
  /** For `REJECTED`: the chain said what was asked for does not exist (see chain-reply.ts). */
  missing?: boolean;
  /** HTTP status, when the error came over HTTP. */
  status?: number | undefined;
  /** Which DMCS (registry name or URL) the error concerns. */
  dmcs?: string | undefined;
  /** For `UNREACHABLE`: true when the request certainly never reached the DMCS (connection
   * refused, name not resolved), so a push cannot have executed. */
  notDelivered?: boolean;
  cause?: unknown;
}

/** What an app hears when a chain read or push fails: a chain that cannot be asked is `unavailable`. */
export const DMCS_ISA_CODES: Record<DmcsErrorCode, IsaErrorCode> = {
  UNREACHABLE: IsaErrorCode.UNAVAILABLE,
  /** Refined by REJECTED_ISA_CODES for the chain's "no such thing" exceptions. */
  REJECTED: IsaErrorCode.INVALID_ARGUMENT,
  BAD_REPLY: IsaErrorCode.UNAVAILABLE,
  BAD_ARGUMENT: IsaErrorCode.UNAVAILABLE,
  NOT_FOUND: IsaErrorCode.UNAVAILABLE,
  CHAIN_MISMATCH: IsaErrorCode.UNAVAILABLE,
  REGISTRY_CORRUPT: IsaErrorCode.UNAVAILABLE,
};

/** The chain's refusals that mean "there is no such account, permission, table, contract, ABI or block". */
export const REJECTED_ISA_CODES: Partial<Record<ChainErrorName, IsaErrorCode>> = {
  account_query_exception: IsaErrorCode.NOT_FOUND,
  permission_query_exception: IsaErrorCode.NOT_FOUND,
  contract_table_query_exception: IsaErrorCode.NOT_FOUND,
  contract_query_exception: IsaErrorCode.NOT_FOUND,
  abi_not_found_exception: IsaErrorCode.NOT_FOUND,
  unknown_block_exception: IsaErrorCode.NOT_FOUND,
};

/** The ISA code of a dispatch failure: by its code, and for a refusal by the chain's exception name. */
export function dmcsIsaCode(err: DmcsError): IsaErrorCode {
  const name = err.antelopeName;
  if (err.code === 'REJECTED' && name !== undefined && Object.hasOwn(REJECTED_ISA_CODES, name)) {
    return REJECTED_ISA_CODES[name as ChainErrorName]!;
  }
  if (err.code === 'REJECTED' && err.missing) return IsaErrorCode.NOT_FOUND;
  return DMCS_ISA_CODES[err.code];
}

export class DmcsError extends CodedError<DmcsErrorCode> {
  override readonly name = 'DmcsError';
  readonly antelopeName: string | undefined;
  readonly antelopeCode: number | undefined;
  /** Antelope's `error.details` (named so test runners do not mistake it for an assertion diff). */
  readonly antelopeDetails: AntelopeErrorDetail[];
  readonly status: number | undefined;
  readonly dmcs: string | undefined;
  /** True when the request certainly never reached the DMCS (see `DmcsErrorOptions`). */
  readonly notDelivered: boolean;
  /** True when the chain said what was asked for does not exist (see `DmcsErrorOptions`). */
  readonly missing: boolean;

  constructor(code: DmcsErrorCode, message: string, opts: DmcsErrorOptions = {}) {
    super(code, message, { cause: opts.cause });
    this.antelopeName = opts.antelopeName;
    this.antelopeCode = opts.antelopeCode;
    this.antelopeDetails = opts.antelopeDetails ?? [];
    this.status = opts.status;
    this.dmcs = opts.dmcs;
    this.notDelivered = opts.notDelivered === true;
    this.missing = opts.missing === true;
  }

  static unreachable(dmcs: string, why: string, cause?: unknown, status?: number, notDelivered = false): DmcsError {
    return new DmcsError('UNREACHABLE', `DMCS ${dmcs} is unreachable: ${why}`, { dmcs, cause, status, notDelivered });
  }

  static rejected(dmcs: string, antelopeName: string, message: string, opts: DmcsErrorOptions = {}): DmcsError {
    return new DmcsError('REJECTED', `DMCS ${dmcs} rejected the request: ${antelopeName}: ${message}`, {
      ...opts,
      dmcs,
      antelopeName,
    });
  }

  static badReply(dmcs: string, why: string, status?: number): DmcsError {
    return new DmcsError('BAD_REPLY', `DMCS ${dmcs} sent a reply this host cannot use: ${why}`, { dmcs, status });
  }

  /** JSON for logs and the offline queue: the fields a person needs to see why it failed. */
  override toJSON(): CodedErrorData & Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.antelopeName ? { antelopeName: this.antelopeName } : {}),
      ...(this.antelopeCode !== undefined ? { antelopeCode: this.antelopeCode } : {}),
      ...(this.antelopeDetails.length ? { details: this.antelopeDetails } : {}),
    };
  }
}

/** True when `err` says the DMCS could not be reached (retry later), as opposed to a refusal. */
export function isUnreachable(err: unknown): boolean {
  return err instanceof DmcsError && err.code === 'UNREACHABLE';
}

/** True when the chain refused with Antelope exception `name`. */
export function isRejectedAs(err: unknown, name: string): boolean {
  return err instanceof DmcsError && err.code === 'REJECTED' && err.antelopeName === name;
}
