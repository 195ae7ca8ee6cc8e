/**
 * `peeros:isa/random` — bytes from the host CSPRNG (node:crypto), written straight into a guest
 * allocation. capability: random (no scope); `limit-exceeded` above the host-call byte limit.
 */
import { randomFillSync } from 'node:crypto';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import type { IsaContext, InterfaceImpl } from './context.js';

export function createRandom(ctx: IsaContext): InterfaceImpl {
  return {
    bytes(len: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'random.bytes');
      const n = len >>> 0;
      if (n > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const ptr = ctx.alloc(n, 'random.bytes');
      if (n > 0) randomFillSync(ctx.mem.u8, ptr, n);
      ctx.okAt(retptr, ptr, n);
    },
  };
}
