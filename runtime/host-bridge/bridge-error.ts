/**
 * A service failure as the app hears it through the bridge: an ISA error code (peeros:isa/types),
 * plus a message for the host's log (the app only receives the code). Every domain that can fail
 * on an app's behalf has one table from its codes to ISA codes, next to its error class;
 * `toBridgeError` only picks the table by class, never reads a message or a class name.
 */
import { BOUNDARY_ISA_CODES, BoundaryError, IsaErrorCode } from '../../abi/boundary-errors.js';
import { ANTELOPE_ISA_CODES, AntelopeError } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import { FileLockTimeoutError } from '../../lib/file-lock.js';
import { VAULT_ISA_CODES, VaultError } from '../../skv/index.js';
import { HOST_ISA_CODES, HostError } from '../errors.js';
import { DmcsError, dmcsIsaCode } from '../dispatch/dmcs-error.js';
import { TransactionServiceError } from '../transaction-service/transaction-service-error.js';
import { QUEUE_ISA_CODES, QueueError } from '../offline-queue/queue-error.js';
import { SESSION_ISA_CODES, SessionError } from '../session/session-error.js';
import { SHARE_ISA_CODES, ShareError } from '../fs/share-error.js';

/** The ISA error-code names (`INVALID_ARGUMENT`, …): a BridgeError's `code`. */
export type IsaErrorName = keyof typeof IsaErrorCode;

const ISA_NAMES = Object.fromEntries(Object.entries(IsaErrorCode).map(([name, n]) => [n, name])) as Record<IsaErrorCode, IsaErrorName>;

/** What an app hears when another process holds a lock it needs a little too long. */
export const FILE_LOCK_ISA_CODES: Record<FileLockTimeoutError['code'], IsaErrorCode> = {
  LOCK_TIMEOUT: IsaErrorCode.UNAVAILABLE,
};

export class BridgeError extends CodedError<IsaErrorName> {
  override readonly name = 'BridgeError';
  constructor(
    readonly isaCode: IsaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(ISA_NAMES[isaCode], message, options);
  }
}

/** The ISA code of a failure of a known domain; undefined for anything else (the app hears `internal`). */
export function isaCodeOf(err: unknown): IsaErrorCode | undefined {
  if (err instanceof BridgeError) return err.isaCode;
  if (err instanceof TransactionServiceError) return err.isaCode;
  if (err instanceof SessionError) return SESSION_ISA_CODES[err.code];
  if (err instanceof DmcsError) return dmcsIsaCode(err);
  if (err instanceof HostError) return HOST_ISA_CODES[err.code];
  if (err instanceof QueueError) return QUEUE_ISA_CODES[err.code];
  if (err instanceof VaultError) return VAULT_ISA_CODES[err.code];
  if (err instanceof AntelopeError) return ANTELOPE_ISA_CODES[err.code];
  if (err instanceof BoundaryError) return BOUNDARY_ISA_CODES[err.code];
  if (err instanceof FileLockTimeoutError) return FILE_LOCK_ISA_CODES[err.code];
  if (err instanceof ShareError) return SHARE_ISA_CODES[err.code];
  return undefined;
}

/** Maps a service failure to the ISA error code the app receives (anything unknown stays untyped: `internal`). */
export function toBridgeError(err: unknown): unknown {
  if (err instanceof BridgeError) return err;
  const code = isaCodeOf(err);
  if (code === undefined) return err;
  const message = err instanceof QueueError ? `the offline queue: ${err.message}` : (err as Error).message;
  return new BridgeError(code, message, { cause: err });
}
