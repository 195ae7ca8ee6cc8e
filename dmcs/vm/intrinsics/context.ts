/**
 * What every intrinsic family shares: the slot the VM points at the running action, the accessor
 * that traps outside an action and charges a call's base cost, and name/u64 helpers. The families
 * (one file each, after Leap's `libraries/chain/webassembly/*.cpp`) are assembled in ../intrinsics.ts.
 */
import { Name } from '../../../abi/antelope/index.js';
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';

/** Where the VM puts the running action's context; the intrinsics read it on every call. */
export interface ContextSlot {
  ctx: ApplyContext | null;
}

/** A family of `env` imports by name. */
export type Intrinsics = Record<string, (...args: never[]) => unknown>;

/** The running action's context, charged a call's base cost; traps when no action runs. */
export type CurrentContext = () => ApplyContext;

/**
 * The accessor of a context-aware intrinsic (Leap's `context_aware_check`): in a context-free
 * action it fails with `unaccessible_api`.
 */
export function currentContext(slot: ContextSlot): CurrentContext {
  return () => {
    const c = slot.ctx;
    if (!c) throw new ContractError('wasm_execution_error', 'intrinsic called outside of an action');
    if (c.action.contextFree) throw new ContractError('unaccessible_api', "only context free api's can be used in this context");
    c.charge(0);
    return c;
  };
}

/** The accessor of a context-free intrinsic (Leap's `REGISTER_CF_HOST_FUNCTION`): callable from any action. */
export function currentContextFreeContext(slot: ContextSlot): CurrentContext {
  return () => {
    const c = slot.ctx;
    if (!c) throw new ContractError('wasm_execution_error', 'intrinsic called outside of an action');
    c.charge(0);
    return c;
  };
}

export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** A name for messages: its string form, or the number when it is not a valid name. */
export const nameOf = (v: bigint): string => {
  try {
    return Name.fromU64(v).toString();
  } catch {
    return v.toString();
  }
};

/** An unsigned 128-bit value at `ptr` (little-endian low half first). */
export function read128(c: ApplyContext, ptr: number, what: string): bigint {
  c.mem.check(ptr, 16, what);
  const lo = c.mem.readU64(ptr),
    hi = c.mem.readU64((ptr >>> 0) + 8);
  return (hi << 64n) | lo;
}
