/**
 * `peeros:isa/chain` — reads of DMCS state. capability: chain.read, scope `{contracts}`.
 * Every call checks its arguments and scope here (`get-table-rows` on a contract outside the scope
 * is `capability-denied`), then asks the hybrid API in the main thread through the host bridge
 * (runtime/host-bridge) and writes its msgpack answer into the guest. A host without a bridge
 * answers `unavailable`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { scanMsgpack, ScanStatus } from '../../abi/msgpack/scan.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import type { ChainReadScope } from '../capabilities.js';
import type { IsaContext, InterfaceImpl, IsaBridge } from './context.js';
import { MAX_DECODED_VALUES } from '../limits.js';

const NO_BYTES = new Uint8Array(0);

/** Forwards a call to the bridge and writes its answer (or error code) into the return area. */
export function answerFromBridge(
  ctx: IsaContext,
  retptr: number,
  op: Parameters<IsaBridge['call']>[0],
  payload: Uint8Array,
  what: string,
): void {
  const bridge = ctx.env.bridge;
  if (!bridge) return ctx.errBytes(retptr, IsaErrorCode.UNAVAILABLE);
  const answer = bridge.call(op, payload);
  ctx.mem.refresh();
  if (!answer.ok) return ctx.errBytes(retptr, answer.code as IsaErrorCode);
  if (answer.bytes.length > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
  ctx.okBytes(retptr, answer.bytes, what);
}

export function createChain(ctx: IsaContext): InterfaceImpl {
  const scope = ctx.grants['chain.read'] as ChainReadScope;
  return {
    'get-info'(retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-info');
      answerFromBridge(ctx, retptr, 'chain.get-info', NO_BYTES, 'chain.get-info');
    },
    'get-account'(nptr: number, nlen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-account');
      ctx.mem.check(nptr, nlen, 'chain.get-account name');
      if (nlen === 0 || nlen > 13) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      answerFromBridge(ctx, retptr, 'chain.get-account', ctx.mem.u8.slice(nptr, nptr + nlen), 'chain.get-account');
    },
    'get-table-rows'(qptr: number, qlen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'chain.get-table-rows');
      ctx.mem.check(qptr, qlen, 'chain.get-table-rows query');
      if (qlen > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const bytes = ctx.mem.u8.subarray(qptr, qptr + qlen);
      const scanned = scanMsgpack(bytes, ctx.limits.msgpackDepth, 0, bytes.length, MAX_DECODED_VALUES);
      if (scanned === ScanStatus.TOO_MANY_VALUES) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      if (scanned !== ScanStatus.OK) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      const q = boundaryPackr.unpack(bytes) as { code?: unknown } | null;
      if (!q || typeof q !== 'object' || typeof q.code !== 'string') return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      if (!scope.contracts.includes(q.code)) return ctx.errBytes(retptr, IsaErrorCode.CAPABILITY_DENIED);
      answerFromBridge(ctx, retptr, 'chain.get-table-rows', bytes.slice(), 'chain.get-table-rows');
    },
  };
}
