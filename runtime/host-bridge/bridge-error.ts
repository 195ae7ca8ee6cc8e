/**
 * A service failure as the app hears it through the bridge: an ISA error code (peeros:isa/types),
 * plus a message for the host's log (the app only receives the code).
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(readonly isaCode: IsaErrorCode, message: string) {
    super(message);
  }
}
