/**
 * Permission intrinsics (Leap's permission.cpp, context-aware): whether a transaction or one
 * permission would be authorized by given keys and permissions (eosio.msig's `exec` and `approve`),
 * and when a permission was last used or an account created. Keys and permissions arrive packed as
 * `flat_set<public_key>` / `flat_set<permission_level>`; an empty buffer means none.
 */
import { BinaryReader, PermissionLevel as LevelCodec, PublicKey, keyIdOf } from '../../../abi/antelope/index.js';
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import type { PermissionLevel, PermissionQueries } from '../contract-host.js';
import { u64, type CurrentContext, type Intrinsics } from './context.js';

function queries(c: ApplyContext, fn: string): PermissionQueries {
  const q = c.host.permissions;
  if (!q) throw new ContractError('unaccessible_api', `${fn} is not supported by this node`);
  return q;
}

function unpackSet<T>(c: ApplyContext, ptr: number, len: number, what: string, item: (r: BinaryReader) => T): T[] {
  if (len >>> 0 === 0) return [];
  c.charge(len >>> 0);
  const r = new BinaryReader(c.mem.read(ptr, len, what));
  try {
    const n = r.varuint32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(r));
    return out;
  } catch (e) {
    throw new ContractError('unpack_exception', `${what}: cannot unpack: ${(e as Error).message}`);
  }
}

const keysAt = (c: ApplyContext, ptr: number, len: number, fn: string): Set<string> =>
  new Set(unpackSet(c, ptr, len, `${fn} public keys`, (r) => keyIdOf(PublicKey.decode(r))));

const permissionsAt = (c: ApplyContext, ptr: number, len: number, fn: string): PermissionLevel[] =>
  unpackSet(c, ptr, len, `${fn} permissions`, (r) => {
    const l = LevelCodec.decode(r);
    return { actor: l.actor.value, permission: l.permission.value };
  });

export function permissionIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    check_transaction_authorization(
      trxPtr: number,
      trxLen: number,
      keysPtr: number,
      keysLen: number,
      permsPtr: number,
      permsLen: number,
    ): number {
      const c = cx();
      const q = queries(c, 'check_transaction_authorization');
      c.charge(trxLen >>> 0);
      const trx = c.mem.read(trxPtr, trxLen, 'check_transaction_authorization transaction');
      const keys = keysAt(c, keysPtr, keysLen, 'check_transaction_authorization');
      const perms = permissionsAt(c, permsPtr, permsLen, 'check_transaction_authorization');
      return q.transactionAuthorized(trx, keys, perms) ? 1 : 0;
    },
    check_permission_authorization(
      account: bigint,
      permission: bigint,
      keysPtr: number,
      keysLen: number,
      permsPtr: number,
      permsLen: number,
      delayUs: bigint,
    ): number {
      const c = cx();
      const q = queries(c, 'check_permission_authorization');
      if (u64(delayUs) > 0x7fffffffffffffffn) throw new ContractError('action_validate_exception', 'provided delay is too large');
      const keys = keysAt(c, keysPtr, keysLen, 'check_permission_authorization');
      const perms = permissionsAt(c, permsPtr, permsLen, 'check_permission_authorization');
      return q.permissionAuthorized(u64(account), u64(permission), keys, perms) ? 1 : 0;
    },
    get_permission_last_used(account: bigint, permission: bigint): bigint {
      const c = cx();
      return queries(c, 'get_permission_last_used').permissionLastUsed(u64(account), u64(permission));
    },
    get_account_creation_time(account: bigint): bigint {
      const c = cx();
      return queries(c, 'get_account_creation_time').accountCreationTime(u64(account));
    },
  };
}
