/**
 * The one error class of the contract VM. Every failure carries Antelope's exception name
 * (`eosio_assert_message_exception`, `missing_auth_exception`, …) as `code`, its numeric Antelope
 * code as `antelopeCode`, and a message for people. The node turns it into Antelope's error JSON
 * (`{code, message, error: {code, name, what, details}}`) without translating anything.
 *
 * Names and numbers are those of Leap's `libraries/chain/include/eosio/chain/exceptions.hpp`.
 */
import { CodedError } from '../../lib/coded-error.js';

/** Antelope exception name → numeric code. Add new ones at the end; never rename. */
export const CONTRACT_ERROR_CODES = {
  eosio_assert_message_exception: 3050003,
  eosio_assert_code_exception: 3050004,
  unaccessible_api: 3050007,
  abort_called: 3050008,
  inline_action_too_big: 3050009,
  action_return_value_exception: 3050014,
  missing_auth_exception: 3090004,
  wasm_exception: 3070000,
  page_memory_error: 3070001,
  wasm_execution_error: 3070002,
  wasm_serialization_error: 3070003,
  tx_cpu_usage_exceeded: 3080004,
  invalid_table_payer: 3160001,
  table_access_violation: 3160002,
  invalid_table_iterator: 3160003,
  table_operation_not_permitted: 3160005,
  database_exception: 3060000,
  overlapping_memory_error: 3070004,
  crypto_api_exception: 3230001,
  arithmetic_exception: 3230003,
  transaction_exception: 3040000,
  action_validate_exception: 3050000,
  action_not_found_exception: 3050005,
  unpack_exception: 3015013,
  ram_usage_exceeded: 3080001,
  unactivated_signature_type: 3010016,
  unactivated_key_type: 3010015,
  protocol_feature_exception: 3250000,
  subjective_block_production_exception: 3100006,
  permission_query_exception: 3060001,
} as const;

export type ContractErrorCode = keyof typeof CONTRACT_ERROR_CODES;

export class ContractError extends CodedError<ContractErrorCode> {
  override readonly name = 'ContractError';
  /** Antelope's numeric code for `code`, e.g. 3050003. */
  readonly antelopeCode: number;

  constructor(code: ContractErrorCode, message: string) {
    super(code, message);
    this.antelopeCode = CONTRACT_ERROR_CODES[code];
  }
}
