/**
 * The Antelope intrinsics a contract may import from module `env`, with their wasm signatures
 * (Leap's `libraries/chain/webassembly/*.cpp` registrations). A module importing anything else, or
 * one of these with another signature, is refused at `setcode` (see `prepareContract`).
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64';
export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

const t = (params: string, results = ''): FuncType => ({
  params: params ? (params.split(',') as ValType[]) : [],
  results: results ? (results.split(',') as ValType[]) : [],
});

export const INTRINSIC_TYPES: Readonly<Record<string, FuncType>> = {
  // authorization
  require_auth: t('i64'),
  require_auth2: t('i64,i64'),
  has_auth: t('i64', 'i32'),
  is_account: t('i64', 'i32'),
  require_recipient: t('i64'),
  // action
  read_action_data: t('i32,i32', 'i32'),
  action_data_size: t('', 'i32'),
  current_receiver: t('', 'i64'),
  set_action_return_value: t('i32,i32'),
  send_inline: t('i32,i32'),
  // transaction: deferred (Leap 5: no-ops) and the running transaction (context-free)
  send_deferred: t('i32,i64,i32,i32,i32'),
  cancel_deferred: t('i32', 'i32'),
  read_transaction: t('i32,i32', 'i32'),
  transaction_size: t('', 'i32'),
  expiration: t('', 'i32'),
  get_action: t('i32,i32,i32,i32', 'i32'),
  get_context_free_data: t('i32,i32,i32', 'i32'),
  // permissions
  check_transaction_authorization: t('i32,i32,i32,i32,i32,i32', 'i32'),
  check_permission_authorization: t('i64,i64,i32,i32,i32,i32,i64', 'i32'),
  get_permission_last_used: t('i64,i64', 'i64'),
  get_account_creation_time: t('i64', 'i64'),
  // assertions
  eosio_assert: t('i32,i32'),
  eosio_assert_message: t('i32,i32,i32'),
  eosio_assert_code: t('i32,i64'),
  abort: t(''),
  // console
  prints: t('i32'),
  prints_l: t('i32,i32'),
  printi: t('i64'),
  printui: t('i64'),
  printn: t('i64'),
  printhex: t('i32,i32'),
  printi128: t('i32'),
  printui128: t('i32'),
  printsf: t('f32'),
  printdf: t('f64'),
  // primary-key tables
  db_store_i64: t('i64,i64,i64,i64,i32,i32', 'i32'),
  db_update_i64: t('i32,i64,i32,i32'),
  db_remove_i64: t('i32'),
  db_get_i64: t('i32,i32,i32', 'i32'),
  db_next_i64: t('i32,i32', 'i32'),
  db_previous_i64: t('i32,i32', 'i32'),
  db_find_i64: t('i64,i64,i64,i64', 'i32'),
  db_lowerbound_i64: t('i64,i64,i64,i64', 'i32'),
  db_upperbound_i64: t('i64,i64,i64,i64', 'i32'),
  db_end_i64: t('i64,i64,i64', 'i32'),
  // memory
  memcpy: t('i32,i32,i32', 'i32'),
  memmove: t('i32,i32,i32', 'i32'),
  memset: t('i32,i32,i32', 'i32'),
  memcmp: t('i32,i32,i32', 'i32'),
  // crypto
  sha256: t('i32,i32,i32'),
  assert_sha256: t('i32,i32,i32'),
  sha1: t('i32,i32,i32'),
  assert_sha1: t('i32,i32,i32'),
  sha512: t('i32,i32,i32'),
  assert_sha512: t('i32,i32,i32'),
  ripemd160: t('i32,i32,i32'),
  assert_ripemd160: t('i32,i32,i32'),
  recover_key: t('i32,i32,i32,i32,i32', 'i32'),
  assert_recover_key: t('i32,i32,i32,i32,i32'),
  // compiler builtins: 128-bit integer arithmetic (result written through the first pointer)
  __ashlti3: t('i32,i64,i64,i32'),
  __ashrti3: t('i32,i64,i64,i32'),
  __lshlti3: t('i32,i64,i64,i32'),
  __lshrti3: t('i32,i64,i64,i32'),
  __divti3: t('i32,i64,i64,i64,i64'),
  __udivti3: t('i32,i64,i64,i64,i64'),
  __multi3: t('i32,i64,i64,i64,i64'),
  __modti3: t('i32,i64,i64,i64,i64'),
  __umodti3: t('i32,i64,i64,i64,i64'),
  // time and TaPoS
  current_time: t('', 'i64'),
  publication_time: t('', 'i64'),
  tapos_block_num: t('', 'i32'),
  tapos_block_prefix: t('', 'i32'),
  // producers and privileged
  get_active_producers: t('i32,i32', 'i32'),
  is_privileged: t('i64', 'i32'),
  set_blockchain_parameters_packed: t('i32,i32'),
  get_blockchain_parameters_packed: t('i32,i32', 'i32'),
  set_proposed_producers: t('i32,i32', 'i64'),
  set_proposed_producers_ex: t('i64,i32,i32', 'i64'),
  set_privileged: t('i64,i32'),
  set_resource_limits: t('i64,i64,i64,i64'),
  get_resource_limits: t('i64,i32,i32,i32'),
  // protocol features
  preactivate_feature: t('i32'),
  is_feature_activated: t('i32', 'i32'),
};

export function formatFuncType(f: FuncType): string {
  return `(${f.params.join(', ')}) -> (${f.results.join(', ')})`;
}
