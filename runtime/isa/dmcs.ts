/**
 * `peeros:isa/dmcs` — pushing actions to the app's DMCS. capability: dmcs.push, scope
 * `{contracts: {account: [action…]}, maxAmount?}`. Every call checks its arguments, and the
 * contracts and action names of the signing-scope rule (abi/signing-scope.ts; the amounts need the
 * contract's ABI, which the worker has not) — an action outside it is `capability-denied` — then
 * hands the actions to the dMemo service in the main thread through the host bridge (which builds,
 * confirms, signs in the vault, dispatches or queues, and applies the same rule again, `maxAmount`
 * included). Without a bridge: `unavailable`.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { scanMsgpack, ScanStatus } from '../../abi/msgpack/scan.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import { pushSigningScope, type DmcsPushScope } from '../capabilities.js';
import { actionsInScope } from '../../abi/signing-scope.js';
import type { IsaContext, InterfaceImpl } from './context.js';
import { MAX_DECODED_VALUES } from '../limits.js';
import { answerFromBridge } from './chain.js';

export function createDmcs(ctx: IsaContext): InterfaceImpl {
  const granted = ctx.grants['dmcs.push'] as DmcsPushScope | undefined;
  // absent only when the linker probes which functions exist: it never links an ungranted import
  const signingScope = granted ? pushSigningScope(granted) : undefined;
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
      }
      if (!signingScope || !actionsInScope(signingScope, actions as { account: string; name: string }[]).ok)
        return ctx.errBytes(retptr, IsaErrorCode.CAPABILITY_DENIED);
      answerFromBridge(ctx, retptr, 'dmcs.push', bytes.slice(), 'dmcs.push');
    },
  };
}
