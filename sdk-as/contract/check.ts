/**
 * Assertions. `check(cond, msg)` fails the action with `eosio_assert_message_exception` and `msg`
 * (the whole transaction is rolled back). `contractAbort` replaces AssemblyScript's `abort` (the
 * build passes `--use abort=contractAbort`; a `@global`, so it is found whether the contract imports
 * the SDK by package path, `peeros/sdk-as/contract`, or by a relative path), so `assert()`, out-of-bounds array access and
 * allocation failure also end as an Antelope assertion instead of an unknown `env.abort` import.
 */
import { eosio_assert_message } from "./env";

export function check(cond: bool, msg: string): void {
  if (!cond) fail(msg);
}

export function fail(msg: string): void {
  const bytes = String.UTF8.encode(msg);
  eosio_assert_message(0, changetype<usize>(bytes), <u32>bytes.byteLength);
  unreachable();
}

@global
export function contractAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message !== null ? message : "abort";
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  fail(text);
}
