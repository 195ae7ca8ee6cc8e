/**
 * The Antelope intrinsics a contract may import (module `env`), as the PeerOS contract VM and
 * Leap provide them. Only declarations: wasm imports exist only for the ones a contract uses.
 * Names, pointers and primary keys are u64; pointers are usize (wasm32).
 */

// authorization
// @ts-ignore: decorator (AssemblyScript)
@external("env", "require_auth") export declare function require_auth(name: u64): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "require_auth2") export declare function require_auth2(name: u64, permission: u64): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "has_auth") export declare function has_auth(name: u64): bool;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "is_account") export declare function is_account(name: u64): bool;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "require_recipient") export declare function require_recipient(name: u64): void;

// action
// @ts-ignore: decorator (AssemblyScript)
@external("env", "read_action_data") export declare function read_action_data(ptr: usize, len: u32): u32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "action_data_size") export declare function action_data_size(): u32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "current_receiver") export declare function current_receiver(): u64;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "set_action_return_value") export declare function set_action_return_value(ptr: usize, len: u32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "send_inline") export declare function send_inline(ptr: usize, len: u32): void;

// assertions
// @ts-ignore: decorator (AssemblyScript)
@external("env", "eosio_assert") export declare function eosio_assert(test: u32, cstr: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "eosio_assert_message") export declare function eosio_assert_message(test: u32, msg: usize, len: u32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "eosio_assert_code") export declare function eosio_assert_code(test: u32, code: u64): void;

// console
// @ts-ignore: decorator (AssemblyScript)
@external("env", "prints_l") export declare function prints_l(ptr: usize, len: u32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "printi") export declare function printi(value: i64): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "printui") export declare function printui(value: u64): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "printn") export declare function printn(name: u64): void;

// primary-key tables
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_store_i64") export declare function db_store_i64(scope: u64, table: u64, payer: u64, id: u64, ptr: usize, len: u32): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_update_i64") export declare function db_update_i64(itr: i32, payer: u64, ptr: usize, len: u32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_remove_i64") export declare function db_remove_i64(itr: i32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_get_i64") export declare function db_get_i64(itr: i32, ptr: usize, len: u32): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_next_i64") export declare function db_next_i64(itr: i32, primaryPtr: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_previous_i64") export declare function db_previous_i64(itr: i32, primaryPtr: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_find_i64") export declare function db_find_i64(code: u64, scope: u64, table: u64, id: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_lowerbound_i64") export declare function db_lowerbound_i64(code: u64, scope: u64, table: u64, id: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_upperbound_i64") export declare function db_upperbound_i64(code: u64, scope: u64, table: u64, id: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_end_i64") export declare function db_end_i64(code: u64, scope: u64, table: u64): i32;

// crypto and time
// @ts-ignore: decorator (AssemblyScript)
@external("env", "sha256") export declare function sha256(ptr: usize, len: u32, out: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "assert_sha256") export declare function assert_sha256(ptr: usize, len: u32, hash: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "current_time") export declare function current_time(): u64;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "publication_time") export declare function publication_time(): u64;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "tapos_block_num") export declare function tapos_block_num(): u32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "tapos_block_prefix") export declare function tapos_block_prefix(): u32;

// secondary indexes: u64 keys (idx64) and f64 keys (idx_double); keys and primaries pass by pointer
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_store") export declare function db_idx64_store(scope: u64, table: u64, payer: u64, id: u64, secondary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_update") export declare function db_idx64_update(itr: i32, payer: u64, secondary: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_remove") export declare function db_idx64_remove(itr: i32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_next") export declare function db_idx64_next(itr: i32, primary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_find_primary") export declare function db_idx64_find_primary(code: u64, scope: u64, table: u64, secondary: usize, primary: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx64_lowerbound") export declare function db_idx64_lowerbound(code: u64, scope: u64, table: u64, secondary: usize, primary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_store") export declare function db_idx_double_store(scope: u64, table: u64, payer: u64, id: u64, secondary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_update") export declare function db_idx_double_update(itr: i32, payer: u64, secondary: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_remove") export declare function db_idx_double_remove(itr: i32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_next") export declare function db_idx_double_next(itr: i32, primary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_find_primary") export declare function db_idx_double_find_primary(code: u64, scope: u64, table: u64, secondary: usize, primary: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx_double_lowerbound") export declare function db_idx_double_lowerbound(code: u64, scope: u64, table: u64, secondary: usize, primary: usize): i32;

// secondary indexes with 128-bit keys (idx128: a uint128 as two little-endian u64 words) and
// 256-bit keys (idx256: an array of two uint128 words, word 0 the high half; `len` is 2)
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx128_store") export declare function db_idx128_store(scope: u64, table: u64, payer: u64, id: u64, secondary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx128_update") export declare function db_idx128_update(itr: i32, payer: u64, secondary: usize): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx128_remove") export declare function db_idx128_remove(itr: i32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx128_find_primary") export declare function db_idx128_find_primary(code: u64, scope: u64, table: u64, secondary: usize, primary: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx128_lowerbound") export declare function db_idx128_lowerbound(code: u64, scope: u64, table: u64, secondary: usize, primary: usize): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx256_store") export declare function db_idx256_store(scope: u64, table: u64, payer: u64, id: u64, data: usize, len: u32): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx256_update") export declare function db_idx256_update(itr: i32, payer: u64, data: usize, len: u32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx256_remove") export declare function db_idx256_remove(itr: i32): void;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx256_find_primary") export declare function db_idx256_find_primary(code: u64, scope: u64, table: u64, data: usize, len: u32, primary: u64): i32;
// @ts-ignore: decorator (AssemblyScript)
@external("env", "db_idx256_lowerbound") export declare function db_idx256_lowerbound(code: u64, scope: u64, table: u64, data: usize, len: u32, primary: usize): i32;

// authority checks (eosio.msig): packed transaction, packed vector<public_key>, packed vector<permission_level>
// @ts-ignore: decorator (AssemblyScript)
@external("env", "check_transaction_authorization") export declare function check_transaction_authorization(trx: usize, trxLen: u32, keys: usize, keysLen: u32, perms: usize, permsLen: u32): i32;
