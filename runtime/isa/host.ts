/**
 * `peeros:isa/host` — a read-only view of the host's state (installed apps and their grants, the
 * DMCSs, the vault's status, the session). capability: host.read (no scope). The main thread builds
 * the view (runtime/host-bridge/host-state.ts); this side only forwards the call. There is no write:
 * grants, DMCSs and the vault change through the host's commands and dialogs only.
 */
import type { IsaContext, InterfaceImpl } from './context.js';
import { answerFromBridge } from './chain.js';

const NO_BYTES = new Uint8Array(0);

export function createHost(ctx: IsaContext): InterfaceImpl {
  return {
    state(retptr: number): void {
      ctx.checkBytesArea(retptr, 'host.state');
      answerFromBridge(ctx, retptr, 'host.state', NO_BYTES, 'host.state');
    },
  };
}
