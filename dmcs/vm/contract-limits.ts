/**
 * Every resource bound of the contract VM, each with its reason. Antelope's own figures come from
 * Leap's `wasm_eosio_constraints.hpp` and `config.hpp`.
 */

/** 64 KiB, the wasm page size. */
export const WASM_PAGE_BYTES = 65536;
/** Antelope's `maximum_linear_memory`: 33 MiB = 528 pages. A contract's memory maximum is clamped to it. */
export const MAX_MEMORY_PAGES = (33 * 1024 * 1024) / WASM_PAGE_BYTES;
/** Antelope's `wasm_constraints::maximum_code_size` analogue: refuse modules over 20 MiB before parsing. */
export const MAX_CODE_BYTES = 20 * 1024 * 1024;
/** Antelope's `maximum_table_elements`: 1024 entries of the indirect-call table. */
export const MAX_TABLE_ELEMENTS = 1024;
/** Antelope's `maximum_mutable_globals` (1024) bounds the globals we accept, counted all together here. */
export const MAX_GLOBALS = 1024;
/** Antelope's `maximum_func_local_bytes` is 8 KiB of locals; we bound the count (≤ 8 KiB / 8 B). */
export const MAX_FUNCTION_LOCALS = 1024;
/** Antelope's `max_call_depth`: 250 nested wasm calls, counted by the metering (deterministic, unlike V8's stack). */
export const MAX_CALL_DEPTH = 250;
/**
 * CPU budget of one action in metered units (≈ one wasm instruction each, see docs/contract-vm.md).
 * 50 M units is ≈ 50–150 ms of V8 time, the order of Antelope's `max_transaction_cpu_usage` (150 ms).
 */
export const DEFAULT_CPU_UNITS = 50_000_000;
/** A host intrinsic that touches N bytes costs N / 16 units on top of its call cost (memcpy, db_*, sha256…). */
export const BYTES_PER_CPU_UNIT = 16;
/** Fixed cost of any intrinsic call, in units: a host call is worth about this many wasm instructions. */
export const INTRINSIC_CALL_CPU_UNITS = 20;
/**
 * Extra units for `send_inline` and `require_recipient`: each queues work for the node (an action to
 * run later), so a contract can queue at most budget / 1000 (50,000) of them per action.
 */
export const QUEUE_INTRINSIC_CPU_UNITS = 1000;
/** Console output kept per action; Antelope truncates the console too (we cut at 64 KiB). */
export const MAX_CONSOLE_CHARS = 64 * 1024;
/**
 * Instances are kept for reuse only while their memory is at most 4 MiB: the pool holds the memory
 * plus a snapshot of it per cached contract (≤ 64 × 8 MiB), and restoring more than that per action
 * would cost more than instantiating afresh.
 */
export const POOLED_MEMORY_MAX_BYTES = 4 * 1024 * 1024;
/** Compiled modules kept in the cache (keyed by code hash); least recently used ones are dropped. */
export const MODULE_CACHE_ENTRIES = 64;
/**
 * Units for `recover_key`/`assert_recover_key`: a secp256k1 recovery costs ≈ 1 ms in JS (NOTES:
 * noble recovers ≈ 960/s), about what a million wasm instructions cost, so a contract can recover at
 * most ~50 keys within one action's budget instead of stalling the node.
 */
export const RECOVER_KEY_CPU_UNITS = 1_000_000;
