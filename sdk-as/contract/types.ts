/**
 * Antelope builtins that are a plain number on the wire: type aliases, so they cost nothing at run
 * time, while the contract transform reads the written alias and declares the ABI type
 * (`SymbolCode` → `symbol_code`, `TimePointSec` → `time_point_sec`, …) and its encoding.
 */

/** `symbol_code`: 1–7 letters A–Z packed in a u64 (eosio.token's primary key). */
export type SymbolCode = u64;
/** `varuint32`: a u32 sent as LEB128. */
export type VarUint32 = u32;
/** `varint32`: an i32 sent zig-zag LEB128. */
export type VarInt32 = i32;
/** `time_point`: microseconds since the Unix epoch. */
export type TimePoint = i64;
/** `time_point_sec`: seconds since the Unix epoch. */
export type TimePointSec = u32;
/** `block_timestamp_type`: half-second slots since 2000-01-01T00:00:00Z. */
export type BlockTimestamp = u32;
/** `bytes`: a varuint32 length and the bytes. */
export type Bytes = ArrayBuffer;
