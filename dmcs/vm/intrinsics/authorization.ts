/** Authorization intrinsics (Leap's authorization.cpp): require_auth, has_auth, is_account, require_recipient. */
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import { QUEUE_INTRINSIC_CPU_UNITS } from '../contract-limits.js';
import { nameOf, u64, type CurrentContext, type Intrinsics } from './context.js';

const hasAuth = (c: ApplyContext, actor: bigint): boolean => {
  for (const a of c.action.authorization) if (a.actor === actor) return true;
  return false;
};

export function authorizationIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    require_auth(name: bigint): void {
      const c = cx();
      const n = u64(name);
      if (!hasAuth(c, n)) throw new ContractError('missing_auth_exception', `missing authority of ${nameOf(n)}`);
    },
    require_auth2(name: bigint, permission: bigint): void {
      const c = cx();
      const n = u64(name),
        p = u64(permission);
      for (const a of c.action.authorization) if (a.actor === n && a.permission === p) return;
      throw new ContractError('missing_auth_exception', `missing authority of ${nameOf(n)}/${nameOf(p)}`);
    },
    has_auth(name: bigint): number {
      return hasAuth(cx(), u64(name)) ? 1 : 0;
    },
    is_account(name: bigint): number {
      return cx().host.isAccount(u64(name)) ? 1 : 0;
    },
    require_recipient(name: bigint): void {
      const c = cx();
      c.hostUnits += QUEUE_INTRINSIC_CPU_UNITS;
      c.host.requireRecipient(u64(name));
    },
  };
}
