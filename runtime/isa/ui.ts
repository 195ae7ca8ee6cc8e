/**
 * `peeros:isa/ui` — `check`: the host's view-tree rule (runtime/ui/view-tree.ts) offered to the
 * app, so it can check a screen before returning it from `ui.render` / `ui.event`. The host checks
 * the returned tree again whatever `check` said. capability: ui (no scope).
 *
 * ok when the host would render the tree; `limit-exceeded` past a size bound (bytes, depth, nodes,
 * text); `invalid-argument` for anything else the rule refuses.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { UiError } from '../ui/ui-error.js';
import { validateViewBytes } from '../ui/view-tree.js';
import type { IsaContext, InterfaceImpl } from './context.js';

const LIMIT_CODES = new Set(['VIEW_TOO_LARGE', 'VIEW_TOO_DEEP', 'VIEW_STRING_TOO_LONG']);

export function createUi(ctx: IsaContext): InterfaceImpl {
  return {
    check(ptr: number, len: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'ui.check');
      const m = ctx.mem;
      if (ptr < 0 || len < 0 || ptr + len > m.u8.length) m.fail(ptr, len, 'ui.check view');
      if (len > ctx.limits.hostCallBytes) return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      try {
        validateViewBytes(m.u8, ptr, ptr + len);
      } catch (err) {
        if (!(err instanceof UiError)) throw err;
        return ctx.errUnit(retptr, LIMIT_CODES.has(err.code) ? IsaErrorCode.LIMIT_EXCEEDED : IsaErrorCode.INVALID_ARGUMENT);
      }
      ctx.okUnit(retptr);
    },
  };
}
