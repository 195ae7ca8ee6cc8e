/**
 * Compiler builtins (Leap's compiler_builtins.cpp): 128-bit integer shifts and arithmetic, each
 * operand passed as (low, high) 64-bit halves, the result written to guest memory; division by
 * zero is `arithmetic_exception`.
 */
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import { u64, type CurrentContext, type Intrinsics } from './context.js';

function write128(c: ApplyContext, ptr: number, v: bigint): void {
  const u = BigInt.asUintN(128, v);
  c.mem.check(ptr, 16, '128-bit result');
  c.mem.writeU64(ptr, u & 0xffffffffffffffffn, '128-bit result');
  c.mem.writeU64((ptr >>> 0) + 8, u >> 64n, '128-bit result');
}

const join128 = (lo: bigint, hi: bigint): bigint => (u64(hi) << 64n) | u64(lo);

export function compilerBuiltins(cx: CurrentContext): Intrinsics {
  const shift =
    (op: (v: bigint, s: bigint) => bigint) =>
    (ret: number, lo: bigint, hi: bigint, s: number): void => {
      const c = cx();
      // shifts of 128 or more give 0 (or the sign for an arithmetic right shift), never wrap around
      write128(c, ret, op(join128(lo, hi), BigInt(Math.min(s >>> 0, 128))));
    };

  const binary128 =
    (op: (a: bigint, b: bigint) => bigint, signed: boolean, divides = false) =>
    (ret: number, la: bigint, ha: bigint, lb: bigint, hb: bigint): void => {
      const c = cx();
      let a = join128(la, ha),
        b = join128(lb, hb);
      if (signed) {
        a = BigInt.asIntN(128, a);
        b = BigInt.asIntN(128, b);
      }
      if (divides && b === 0n) throw new ContractError('arithmetic_exception', 'divide by zero');
      write128(c, ret, op(a, b));
    };

  return {
    __ashlti3: shift((v, s) => v << s),
    __lshlti3: shift((v, s) => v << s),
    __ashrti3: shift((v, s) => BigInt.asIntN(128, v) >> s),
    __lshrti3: shift((v, s) => v >> s),
    __multi3: binary128((a, b) => a * b, false),
    __divti3: binary128((a, b) => a / b, true, true),
    __udivti3: binary128((a, b) => a / b, false, true),
    __modti3: binary128((a, b) => a % b, true, true),
    __umodti3: binary128((a, b) => a % b, false, true),
  };
}
