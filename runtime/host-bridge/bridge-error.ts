/**
 * A service failure as the app hears it through the bridge: an ISA error code (peeros:isa/types),
 * plus a message for the host's log (the app only receives the code).
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { HostError } from '../errors.js';
import { DmcsError } from '../dispatch/dmcs-error.js';
import { TransactionServiceError } from '../transaction-service/transaction-service-error.js';
import { SessionError } from '../session/session-error.js';

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(readonly isaCode: IsaErrorCode, message: string) {
    super(message);
  }
}

/** Maps a service failure to the ISA error code the app receives (anything unknown stays untyped: `internal`). */
export function toBridgeError(err: unknown): unknown {
  if (err instanceof BridgeError) return err;
  if (err instanceof TransactionServiceError) return new BridgeError(err.isaCode, err.message);
  if (err instanceof SessionError) return new BridgeError(err.code === 'NOT_LOGGED_IN' ? IsaErrorCode.NO_SESSION : IsaErrorCode.INVALID_ARGUMENT, err.message);
  if (err instanceof DmcsError) {
    const code = err.code === 'UNREACHABLE' ? IsaErrorCode.UNAVAILABLE
      : err.code === 'REJECTED' ? (/unknown key|does not exist/.test(err.message) ? IsaErrorCode.NOT_FOUND : IsaErrorCode.INVALID_ARGUMENT)
      : IsaErrorCode.UNAVAILABLE;
    return new BridgeError(code, err.message);
  }
  if (err instanceof HostError && err.code === 'UNKNOWN_APP') return new BridgeError(IsaErrorCode.CAPABILITY_DENIED, err.message);
  if (err instanceof Error && err.name === 'QueueError') return new BridgeError(IsaErrorCode.UNAVAILABLE, `the offline queue: ${err.message}`);
  return err;
}
