/**
 * The Antelope intrinsics (module `env`) implemented over an `ApplyContext`, assembled from one
 * file per family in `intrinsics/` (as Leap splits `libraries/chain/webassembly/*.cpp`; the
 * secondary indexes are secondary-intrinsics.ts). Semantics follow Leap (and `apply_context.cpp`):
 * length-0 reads return the size, iterators as in iterator-cache.ts, `memcpy` refuses overlapping
 * ranges, `memcmp` returns -1/0/1, privileged calls need a privileged receiver, 128-bit division by
 * zero is `arithmetic_exception`. Context-aware intrinsics (`cx`) fail with `unaccessible_api` in a
 * context-free action; the context-free ones (`cf`) are those Leap registers as such. The functions
 * are created once per VM and read the running action from `slot.ctx`, so instantiating a contract
 * allocates no closures. Every call is charged CPU units (apply-context.ts).
 */
import { currentContext, currentContextFreeContext, type ContextSlot, type Intrinsics } from './intrinsics/context.js';
import { authorizationIntrinsics } from './intrinsics/authorization.js';
import { actionIntrinsics } from './intrinsics/action.js';
import { transactionIntrinsics } from './intrinsics/transaction.js';
import { systemIntrinsics } from './intrinsics/system.js';
import { consoleIntrinsics } from './intrinsics/console.js';
import { databaseIntrinsics } from './intrinsics/database.js';
import { memoryIntrinsics } from './intrinsics/memory.js';
import { cryptoIntrinsics } from './intrinsics/crypto.js';
import { compilerBuiltins } from './intrinsics/compiler-builtins.js';
import { privilegedIntrinsics } from './intrinsics/privileged.js';
import { permissionIntrinsics } from './intrinsics/permission.js';
import { contextFreeIntrinsics } from './intrinsics/context-free.js';

export type { ContextSlot } from './intrinsics/context.js';

/** Builds the `env` import object reading the current action from `slot`. */
export function createIntrinsics(slot: ContextSlot): Intrinsics {
  const cx = currentContext(slot);
  const cf = currentContextFreeContext(slot);
  return {
    ...authorizationIntrinsics(cx),
    ...actionIntrinsics(cx, cf),
    ...transactionIntrinsics(cx, cf),
    ...systemIntrinsics(cx, cf),
    ...consoleIntrinsics(cf),
    ...databaseIntrinsics(cx),
    ...memoryIntrinsics(cf),
    ...cryptoIntrinsics(cf),
    ...compilerBuiltins(cf),
    ...privilegedIntrinsics(cx),
    ...permissionIntrinsics(cx),
    ...contextFreeIntrinsics(cf),
  };
}
