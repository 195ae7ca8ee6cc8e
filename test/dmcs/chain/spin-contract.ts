// A contract that burns metered CPU on request: its action data is a u32 N, it loops N times, then
// returns 7 as its action return value, or traps when the action is `fail`. For tests of CPU limits.
import { Bytes } from '@wharfkit/antelope';
import { Name } from '../../../abi/antelope/index.js';
import { wat } from '../vm/wat.js';

const FAIL = BigInt.asIntN(64, Name.from('fail').value).toString();

export const spinWasm = () =>
  wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "set_action_return_value" (func $ret (param i32 i32)))
    (memory 1)
    (data (i32.const 64) "\\07")
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (local $i i32) (local $n i32)
      (drop (call $read (i32.const 0) (i32.const 4)))
      (local.set $n (i32.load (i32.const 0)))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (if (i64.eq (local.get $a) (i64.const ${FAIL})) (then unreachable))
      (call $ret (i32.const 64) (i32.const 1))))`);

/** The action data of `N` loops (a little-endian u32, hex). */
export const loopsHex = (n: number) => Bytes.from(new Uint8Array(new Uint32Array([n]).buffer)).hexString;
