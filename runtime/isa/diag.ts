/**
 * `peeros:isa/diag` — the ABI self-test: `echo` checks that a payload is well-formed msgpack
 * within the app's depth limit and hands it back. capability: diag (no scope).
 *
 * The host function scans the payload in place (no copy, no allocation) and copies it once into a
 * fresh guest allocation. {@link echoPayload} is the same rule as a pure function, for hosts that
 * are not this one (the jco benchmark's component imports).
 */
import { BoundaryError, IsaErrorCode } from '../../abi/boundary-errors.js';
import { scanMsgpack, scanStatusText, ScanStatus } from '../../abi/msgpack/scan.js';
import type { IsaContext, InterfaceImpl } from './context.js';
import { MAX_DECODED_VALUES } from '../limits.js';

/**
 * Returns `bytes` unchanged when they are one well-formed msgpack value nested at most `maxDepth`
 * deep; throws {@link BoundaryError} `MALFORMED_MSGPACK` otherwise (→ `invalid-argument`).
 */
export function echoPayload(bytes: Uint8Array, maxDepth: number): Uint8Array {
  const status = scanMsgpack(bytes, maxDepth);
  if (status !== ScanStatus.OK) throw new BoundaryError('MALFORMED_MSGPACK', `diag.echo payload: ${scanStatusText(status)}`);
  return bytes;
}

export function createDiag(ctx: IsaContext): InterfaceImpl {
  return {
    echo(ptr: number, len: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'diag.echo');
      const m = ctx.mem;
      if (ptr < 0 || len < 0 || ptr + len > m.u8.length) m.fail(ptr, len, 'diag.echo payload');
      if (len > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const scanned = scanMsgpack(m.u8, ctx.limits.msgpackDepth, ptr, ptr + len, MAX_DECODED_VALUES);
      if (scanned === ScanStatus.TOO_MANY_VALUES) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      if (scanned !== ScanStatus.OK) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      const dst = ctx.alloc(len, 'diag.echo');
      m.u8.copyWithin(dst, ptr, ptr + len);
      ctx.okAt(retptr, dst, len);
    },
  };
}
