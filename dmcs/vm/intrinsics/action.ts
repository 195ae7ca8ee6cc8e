/**
 * Action intrinsics (Leap's action.cpp): the running action's data and receiver (context-free, `cf`),
 * and its return value (context-aware, `cx`).
 */
import { ContractError } from '../contract-error.js';
import { MAX_ACTION_RETURN_VALUE_BYTES } from '../contract-host.js';
import type { CurrentContext, Intrinsics } from './context.js';

export function actionIntrinsics(cx: CurrentContext, cf: CurrentContext): Intrinsics {
  return {
    read_action_data(ptr: number, len: number): number {
      const c = cf();
      const data = c.action.data;
      if (len === 0) return data.length;
      const n = Math.min(len >>> 0, data.length);
      c.charge(n);
      c.mem.write(ptr, n === data.length ? data : data.subarray(0, n), 'read_action_data buffer');
      return n;
    },
    action_data_size(): number {
      return cf().action.data.length;
    },
    current_receiver(): bigint {
      return cf().action.receiver;
    },
    set_action_return_value(ptr: number, len: number): void {
      const c = cx();
      if (len >>> 0 > MAX_ACTION_RETURN_VALUE_BYTES) {
        throw new ContractError(
          'action_return_value_exception',
          `action return value size must be less or equal to ${MAX_ACTION_RETURN_VALUE_BYTES} bytes, got ${len >>> 0}`,
        );
      }
      c.returnValue = c.mem.read(ptr, len, 'set_action_return_value data');
    },
  };
}
