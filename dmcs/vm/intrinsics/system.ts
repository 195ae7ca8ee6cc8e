/**
 * System intrinsics (Leap's system.cpp, cf_system.cpp): assertions and abort (context-free), the
 * block's time and `is_feature_activated` (context-aware).
 */
import { ContractError } from '../contract-error.js';
import { u64, type CurrentContext, type Intrinsics } from './context.js';

function assertFailure(message: string): ContractError {
  return new ContractError('eosio_assert_message_exception', `assertion failure with message: ${message}`);
}

export function systemIntrinsics(cx: CurrentContext, cf: CurrentContext): Intrinsics {
  return {
    eosio_assert(test: number, msg: number): void {
      if (test !== 0) return;
      throw assertFailure(cf().mem.cstring(msg, 'eosio_assert message'));
    },
    eosio_assert_message(test: number, msg: number, len: number): void {
      if (test !== 0) return;
      throw assertFailure(cf().mem.text(msg, len, 'eosio_assert_message message'));
    },
    eosio_assert_code(test: number, code: bigint): void {
      if (test !== 0) return;
      throw new ContractError('eosio_assert_code_exception', `assertion failure with error code: ${u64(code)}`);
    },
    abort(): void {
      throw new ContractError('abort_called', 'abort() called');
    },
    current_time(): bigint {
      return cx().host.currentTime();
    },
    publication_time(): bigint {
      return cx().host.publicationTime();
    },
    is_feature_activated(digestPtr: number): number {
      const c = cx();
      const digest = c.mem.read(digestPtr, 32, 'is_feature_activated digest');
      return c.host.isFeatureActivated?.(digest) ? 1 : 0;
    },
  };
}
