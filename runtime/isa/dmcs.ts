/**
 * `peeros:isa/dmcs` — pushing actions to the app's DMCS. capability: dmcs.push, scope
 * `{contracts: {account: [action…]}, maxAmount?}`. Every call checks its arguments and scope here
 * (an action outside it is `capability-denied`), then hands the actions to the transaction service in the
 * main thread through the host bridge (which builds, confirms, signs in the vault, dispatches or
 * queues, and checks the scope again, `maxAmount` included). Without a bridge: `unavailable`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { scanMsgpack, ScanStatus } from '../../abi/msgpack/scan.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import type { DmcsPushScope } from '../capabilities.js';
import type { IsaContext, InterfaceImpl } from './context.js';
import { MAX_DECODED_VALUES } from '../limits.js';
import { answerFromBridge } from './chain.js';

export function createDmcs(ctx: IsaContext): InterfaceImpl {
  const scope = ctx.grants['dmcs.push'] as DmcsPushScope;
  return {
    push(aptr: number, alen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'dmcs.push');
      ctx.mem.check(aptr, alen, 'dmcs.push actions');
      if (alen > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const bytes = ctx.mem.u8.subarray(aptr, aptr + alen);
      const scanned = scanMsgpack(bytes, ctx.limits.msgpackDepth, 0, bytes.length, MAX_DECODED_VALUES);
      if (scanned === ScanStatus.TOO_MANY_VALUES) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      if (scanned !== ScanStatus.OK) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      const actions = boundaryPackr.unpack(bytes) as unknown;
      if (!Array.isArray(actions) || actions.length === 0) return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
      for (const a of actions as { account?: unknown; name?: unknown }[]) {
        if (!a || typeof a.account !== 'string' || typeof a.name !== 'string') return ctx.errBytes(retptr, IsaErrorCode.INVALID_ARGUMENT);
        const allowed = Object.prototype.hasOwnProperty.call(scope.contracts, a.account) ? scope.contracts[a.account] : undefined;
        if (!allowed || !allowed.includes(a.name)) return ctx.errBytes(retptr, IsaErrorCode.CAPABILITY_DENIED);
      }
      answerFromBridge(ctx, retptr, 'dmcs.push', bytes.slice(), 'dmcs.push');
    },
  };
}
