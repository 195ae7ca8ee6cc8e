/**
 * Transaction intrinsics (Leap's transaction.cpp and cf_transaction.cpp): inline actions and the
 * deferred-transaction calls (context-aware, `cx`); the running transaction's bytes, expiration,
 * TaPoS and actions (context-free, `cf`).
 *
 * Deferred transactions follow Leap 5 with DISABLE_DEFERRED_TRXS_STAGE_1 active: `send_deferred`
 * still decodes its transaction (a malformed one fails the action) and then does nothing;
 * `cancel_deferred` returns 0 (nothing was scheduled, so nothing is cancelled).
 */
import { BinaryReader, Transaction } from '../../../abi/antelope/index.js';
import { ContractError } from '../contract-error.js';
import { MAX_INLINE_ACTION_BYTES } from '../contract-host.js';
import type { RunningTransaction } from '../contract-host.js';
import type { ApplyContext } from '../apply-context.js';
import { QUEUE_INTRINSIC_CPU_UNITS } from '../contract-limits.js';
import type { CurrentContext, Intrinsics } from './context.js';

function runningTransaction(c: ApplyContext, fn: string): RunningTransaction {
  const t = c.host.transaction;
  if (!t) throw new ContractError('unaccessible_api', `${fn} is not supported by this node`);
  return t;
}

export function transactionIntrinsics(cx: CurrentContext, cf: CurrentContext): Intrinsics {
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
    send_deferred(senderIdPtr: number, _payer: bigint, ptr: number, len: number, _replace: number): void {
      const c = cx();
      c.mem.check(senderIdPtr, 16, 'send_deferred sender_id');
      c.charge(len >>> 0);
      try {
        Transaction.decode(new BinaryReader(c.mem.read(ptr, len, 'send_deferred transaction')));
      } catch (e) {
        throw new ContractError('unpack_exception', `send_deferred: cannot decode the transaction: ${(e as Error).message}`);
      }
      // Leap 5: a no-op once DISABLE_DEFERRED_TRXS_STAGE_1 is active (it is, from genesis)
    },
    cancel_deferred(senderIdPtr: number): number {
      cx().mem.check(senderIdPtr, 16, 'cancel_deferred sender_id');
      return 0;
    },
    tapos_block_num(): number {
      return cf().host.taposBlockNum();
    },
    tapos_block_prefix(): number {
      return cf().host.taposBlockPrefix() | 0;
    },
    read_transaction(ptr: number, len: number): number {
      const c = cf();
      const packed = runningTransaction(c, 'read_transaction').packed;
      if (len === 0) return packed.length;
      const n = Math.min(len >>> 0, packed.length);
      c.charge(n);
      c.mem.write(ptr, packed.subarray(0, n), 'read_transaction buffer');
      return n;
    },
    transaction_size(): number {
      return runningTransaction(cf(), 'transaction_size').packed.length;
    },
    expiration(): number {
      return runningTransaction(cf(), 'expiration').expirationSec | 0;
    },
    get_action(type: number, index: number, ptr: number, len: number): number {
      const c = cf();
      const t = runningTransaction(c, 'get_action');
      if (type !== 0 && type !== 1) throw new ContractError('action_not_found_exception', 'action is not found');
      const packed = t.action(type, index >>> 0);
      if (!packed) return -1;
      if (packed.length <= len >>> 0) {
        c.charge(packed.length);
        c.mem.write(ptr, packed, 'get_action buffer');
      }
      return packed.length;
    },
  };
}
