/**
 * `peeros:isa/chain` — reads of DMCS state. capability: chain.read, scope `{contracts}`.
 * The hybrid API is not there yet (its issue adds it): every call checks its arguments and scope,
 * then answers `unavailable`. `get-table-rows` on a contract outside the scope is `capability-denied`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { scanMsgpack, ScanStatus } from '../../abi/msgpack/scan.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import type { ChainReadScope } from '../capabilities.js';
import type { IsaContext, InterfaceImpl } from './context.js';

export function createChain(ctx: IsaContext): InterfaceImpl {
  const scope = ctx.grants['chain.read'] as ChainReadScope;
  return {
    'get-info'(retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-info');
      ctx.errBytes(retptr, IsaErrorCode.UNAVAILABLE);
    },
    'get-account'(nptr: number, nlen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-account');
      ctx.mem.check(nptr, nlen, 'chain.get-account name');
      ctx.errBytes(retptr, IsaErrorCode.UNAVAILABLE);
    },
    'get-table-rows'(qptr: number, qlen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-table-rows');
      ctx.mem.check(qptr, qlen, 'chain.get-table-rows query');
      if (qlen > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const bytes = ctx.mem.u8.subarray(qptr, qptr + qlen);
      if (scanMsgpack(bytes, ctx.limits.msgpackDepth) !== ScanStatus.OK) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      const q = boundaryPackr.unpack(bytes) as { code?: unknown } | null;
      if (!q || typeof q !== 'object' || typeof q.code !== 'string') return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      if (!scope.contracts.includes(q.code)) return ctx.errBytes(retptr, IsaErrorCode.CAPABILITY_DENIED);
      ctx.errBytes(retptr, IsaErrorCode.UNAVAILABLE);
    },
  };
}
