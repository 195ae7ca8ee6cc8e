/** Transaction intrinsics (Leap's transaction.cpp): inline actions and the transaction's TaPoS. */
import { ContractError } from '../contract-error.js';
import { MAX_INLINE_ACTION_BYTES } from '../contract-host.js';
import { QUEUE_INTRINSIC_CPU_UNITS } from '../contract-limits.js';
import type { CurrentContext, Intrinsics } from './context.js';

export function transactionIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    send_inline(ptr: number, len: number): void {
      const c = cx();
      if (len >>> 0 > MAX_INLINE_ACTION_BYTES) {
        throw new ContractError(
          'inline_action_too_big',
          `inline action too big: ${len >>> 0} bytes; the limit is ${MAX_INLINE_ACTION_BYTES}`,
        );
      }
      c.hostUnits += QUEUE_INTRINSIC_CPU_UNITS;
      c.charge(len >>> 0);
      c.host.sendInline(c.mem.read(ptr, len, 'send_inline action'));
    },
    tapos_block_num(): number {
      return cx().host.taposBlockNum();
    },
    tapos_block_prefix(): number {
      return cx().host.taposBlockPrefix() | 0;
    },
  };
}
