/**
 * The one error class of the embedded node. Every refusal carries Antelope's exception name
 * (`unsatisfied_authorization`, `expired_tx_exception`, …), its numeric code and its `what` text,
 * exactly as Leap's `libraries/chain/include/eosio/chain/exceptions.hpp` defines them, so the chain
 * API can answer with Antelope's error JSON and clients that match on names keep working.
 */
import { ContractError, type ContractErrorCode } from './vm/contract-error.js';
import { AntelopeError, type AntelopeErrorCode } from '../abi/antelope/index.js';
import { CodedError, codeOf } from '../lib/coded-error.js';

/** Antelope exception name → [numeric code, `what`]. Add at the end; never rename. */
export const CHAIN_EXCEPTIONS = {
  chain_exception: [3000000, 'blockchain exception'],
  chain_type_exception: [3010000, 'chain type exception'],
  name_type_exception: [3010001, 'Invalid name'],
  public_key_type_exception: [3010002, 'Invalid public key'],
  authority_type_exception: [3010004, 'Invalid authority'],
  action_type_exception: [3010005, 'Invalid action'],
  transaction_type_exception: [3010006, 'Invalid transaction'],
  abi_type_exception: [3010007, 'Invalid ABI'],
  packed_transaction_type_exception: [3010010, 'Invalid packed transaction'],
  symbol_type_exception: [3010014, 'Invalid symbol'],
  abi_exception: [3015000, 'ABI exception'],
  abi_not_found_exception: [3015001, 'No ABI found'],
  unpack_exception: [3015013, 'Unpack data exception'],
  pack_exception: [3015014, 'Pack data exception'],
  block_validate_exception: [3030000, 'Block exception'],
  transaction_exception: [3040000, 'Transaction exception'],
  tx_decompression_error: [3040001, 'Error decompressing transaction'],
  tx_no_action: [3040002, 'Transaction should have at least one normal action'],
  tx_no_auths: [3040003, 'Transaction should have at least one required authority'],
  cfa_irrelevant_auth: [3040004, 'Context-free action should have no required authority'],
  expired_tx_exception: [3040005, 'Expired Transaction'],
  tx_exp_too_far_exception: [3040006, 'Transaction Expiration Too Far'],
  invalid_ref_block_exception: [3040007, 'Invalid Reference Block'],
  tx_duplicate: [3040008, 'Duplicate transaction'],
  tx_too_big: [3040013, 'Transaction is too big'],
  unknown_transaction_compression: [3040014, 'Unknown transaction compression'],
  invalid_transaction_extension: [3040015, 'Invalid transaction extension'],
  action_validate_exception: [3050000, 'Action validate exception'],
  account_name_exists_exception: [3050001, 'Account name already exists'],
  invalid_action_args_exception: [3050002, 'Invalid Action Arguments'],
  eosio_assert_message_exception: [3050003, 'eosio_assert_message assertion failure'],
  eosio_assert_code_exception: [3050004, 'eosio_assert_code assertion failure'],
  action_not_found_exception: [3050005, 'Action can not be found'],
  unaccessible_api: [3050007, 'Attempt to use unaccessible API'],
  abort_called: [3050008, 'Abort Called'],
  inline_action_too_big: [3050009, 'Inline Action exceeds maximum size limit'],
  unauthorized_ram_usage_increase: [3050010, 'Action attempts to increase RAM usage of account without authorization'],
  action_return_value_exception: [3050014, 'action return value size too big'],
  database_exception: [3060000, 'Database exception'],
  permission_query_exception: [3060001, 'Permission Query Exception'],
  account_query_exception: [3060002, 'Account Query Exception'],
  contract_table_query_exception: [3060003, 'Contract Table Query Exception'],
  contract_query_exception: [3060004, 'Contract Query Exception'],
  wasm_exception: [3070000, 'WASM Exception'],
  page_memory_error: [3070001, 'Error in WASM page memory'],
  wasm_execution_error: [3070002, 'Runtime Error Processing WASM'],
  wasm_serialization_error: [3070003, 'Serialization Error Processing WASM'],
  resource_exhausted_exception: [3080000, 'Resource exhausted exception'],
  ram_usage_exceeded: [3080001, 'Account using more than allotted RAM usage'],
  tx_cpu_usage_exceeded: [3080004, 'Transaction exceeded the current CPU usage limit imposed on the transaction'],
  authorization_exception: [3090000, 'Authorization exception'],
  tx_duplicate_sig: [3090001, 'Duplicate signature included'],
  tx_irrelevant_sig: [3090002, 'Irrelevant signature included'],
  unsatisfied_authorization: [3090003, 'Provided keys, permissions, and delays do not satisfy declared authorizations'],
  missing_auth_exception: [3090004, 'Missing required authority'],
  irrelevant_auth_exception: [3090005, 'Irrelevant authority included'],
  insufficient_delay_exception: [3090006, 'Insufficient delay'],
  invalid_permission: [3090007, 'Invalid Permission'],
  unlinkable_min_permission_action: [3090008, 'The action is not allowed to be linked with minimum permission'],
  invalid_parent_permission: [3090009, 'The parent permission is invalid'],
  unknown_block_exception: [3100002, 'Unknown block'],
  unsupported_feature: [3100008, 'Feature is currently unsupported'],
  table_access_violation: [3160002, 'Table access violation'],
  invalid_table_payer: [3160001, 'The table operation is not allowed'],
  invalid_table_iterator: [3160003, 'Invalid table iterator'],
  table_operation_not_permitted: [3160005, 'The table operation is not allowed'],
  invalid_contract_vm_type: [3160006, 'Invalid contract vm type'],
  set_exact_code: [3160008, 'Contract is already running this version of code'],
  overlapping_memory_error: [3070004, 'memcpy with overlapping memory'],
  crypto_api_exception: [3230001, 'Crypto API exception'],
  arithmetic_exception: [3230003, 'Arithmetic exception'],
  http_request_fail: [3200001, 'HTTP request fail'],
  invalid_http_request: [3200006, 'invalid http request'],
  parse_error_exception: [4, 'Parse Error'],
  unspecified_exception: [0, 'unspecified'],
  unactivated_key_type: [3010015, 'Key type is not a currently activated type'],
  unactivated_signature_type: [3010016, 'Signature type is not a currently activated type'],
  tx_net_usage_exceeded: [3080002, 'Transaction exceeded the current network usage limit imposed on the transaction'],
  subjective_block_production_exception: [3100006, 'Subjective exception thrown during block production'],
  protocol_feature_exception: [3250000, 'Protocol feature exception'],
  too_many_tx_at_once: [3040012, 'Pushing too many transactions at once'],
  unlinkable_block_exception: [3030001, 'Unlinkable block'],
  block_tx_output_exception: [3030002, 'Transaction outputs in block do not match transaction outputs from applying block'],
  wrong_signing_key: [3030008, 'Block is not signed with expected key'],
  wrong_producer: [3030009, 'Block is not signed by expected producer'],
  invalid_block_header_extension: [3030010, 'Invalid block header extension'],
  producer_double_confirm: [3170003, 'Producer is double confirming known range'],
  producer_schedule_exception: [3170004, 'Producer schedule exception'],
  assert_exception: [10, 'Assert Exception'],
  sig_variable_size_limit_exception: [3100011, 'Variable length component of signature too large'],
  fork_database_exception: [3020000, 'Fork database exception'],
  disallowed_transaction_extensions_bad_block_exception: [3040017, 'Transaction includes disallowed extensions (invalid block)'],
  block_net_usage_exceeded: [3080003, 'Transaction network usage is too much for the remaining allowable usage of the current block'],
  block_cpu_usage_exceeded: [3080005, 'Transaction CPU usage is too much for the remaining allowable usage of the current block'],
} as const satisfies Record<string, readonly [number, string]>;

export type ChainErrorName = keyof typeof CHAIN_EXCEPTIONS;

/** Every contract VM code is a chain exception, so a VM error keeps its name (this fails to compile otherwise). */
const CONTRACT_CODES_ARE_CHAIN_CODES: ContractErrorCode extends ChainErrorName ? true : never = true;
void CONTRACT_CODES_ARE_CHAIN_CODES;

/** The chain exception an Antelope protocol error is reported as. */
export const ANTELOPE_CHAIN_EXCEPTIONS: Record<AntelopeErrorCode, ChainErrorName> = {
  INVALID_HEX: 'chain_type_exception',
  INVALID_NAME: 'name_type_exception',
  INVALID_KEY: 'public_key_type_exception',
  INVALID_SIGNATURE: 'chain_type_exception',
  INVALID_CHECKSUM: 'chain_type_exception',
  INVALID_ASSET: 'chain_type_exception',
  INVALID_SYMBOL: 'symbol_type_exception',
  INVALID_TIME: 'chain_type_exception',
  INVALID_VALUE: 'chain_type_exception',
  INVALID_ABI: 'abi_type_exception',
  UNKNOWN_TYPE: 'abi_type_exception',
  DECODE_EOF: 'unpack_exception',
  DECODE_DEPTH: 'unpack_exception',
  DECODE_INVALID: 'unpack_exception',
  DECODE_TRAILING: 'unpack_exception',
  SIGN_FAILED: 'chain_type_exception',
  RECOVER_FAILED: 'chain_type_exception',
  COMPRESSION: 'tx_decompression_error',
  UNKNOWN_PERMISSION: 'permission_query_exception',
  TOO_BIG: 'tx_too_big',
};

export class ChainError extends CodedError<ChainErrorName> {
  override readonly name = 'ChainError';
  /** Antelope's numeric code, e.g. 3090003. */
  readonly antelopeCode: number;
  /** Antelope's fixed description of the exception kind. */
  readonly what: string;

  constructor(code: ChainErrorName, message: string) {
    super(code, message);
    const [num, what] = CHAIN_EXCEPTIONS[code];
    this.antelopeCode = num;
    this.what = what;
  }
}

/** Any thrown value as a ChainError: VM errors keep their Antelope name; the rest are wrapped. */
export function toChainError(err: unknown, fallback: ChainErrorName = 'transaction_exception'): ChainError {
  if (err instanceof ChainError) return err;
  if (err instanceof ContractError) return new ChainError(err.code, err.message);
  if (err instanceof AntelopeError) return new ChainError(ANTELOPE_CHAIN_EXCEPTIONS[err.code], err.message);
  const msg = err instanceof Error ? err.message : String(err);
  const named = codeOf(CHAIN_EXCEPTIONS, (err as { antelopeName?: unknown })?.antelopeName);
  if (named !== undefined) return new ChainError(named, msg);
  return new ChainError(fallback, msg);
}

/**
 * A refusal only because the pending block is full (its net or CPU budget): the same transaction
 * may fit in the next block, so a producer keeps it for that one instead of answering with it.
 */
export function isBlockFull(err: unknown): boolean {
  return err instanceof ChainError && (err.code === 'block_net_usage_exceeded' || err.code === 'block_cpu_usage_exceeded');
}
