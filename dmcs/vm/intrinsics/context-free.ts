/**
 * Context-free-only intrinsics (Leap's context_free.cpp, registered with `context_free_check`):
 * `get_context_free_data` may only run inside a context-free action.
 */
import { ContractError } from '../contract-error.js';
import type { CurrentContext, Intrinsics } from './context.js';

export function contextFreeIntrinsics(cf: CurrentContext): Intrinsics {
  return {
    get_context_free_data(index: number, ptr: number, len: number): number {
      const c = cf();
      if (!c.action.contextFree) throw new ContractError('unaccessible_api', 'this API may only be called from context_free apply');
      const data = c.host.transaction?.contextFreeData;
      if (!data) throw new ContractError('unaccessible_api', 'get_context_free_data is not supported by this node');
      const entry = data[index >>> 0];
      if (!entry) return -1;
      if (len === 0) return entry.length;
      const n = Math.min(len >>> 0, entry.length);
      c.charge(n);
      c.mem.write(ptr, entry.subarray(0, n), 'get_context_free_data buffer');
      return n;
    },
  };
}
