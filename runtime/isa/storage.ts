/**
 * `peeros:isa/storage` — app-private, durable key/value storage (see storage/app-store.ts).
 * capability: storage, scope `{prefixes, maxBytes}`:
 * - every key (and every `list` prefix) must start with a granted prefix → else `capability-denied`;
 * - keys + values + `STORAGE_RECORD_OVERHEAD_BYTES` per key may not exceed `maxBytes` → else
 *   `limit-exceeded` (the overhead keeps disk use of many tiny keys within the quota);
 * - keys are UTF-8, 1..=256 bytes → else `invalid-argument`; values ≤ the host-call byte limit.
 */
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { pack } from '../../abi/msgpack/codec.js';
import { storageKeyAllowed, type StorageScope } from '../capabilities.js';
import { MAX_STORAGE_KEY_BYTES, MAX_STORAGE_LIST } from '../limits.js';
import { AppStore } from '../storage/app-store.js';
import type { IsaContext, InterfaceImpl } from './context.js';

export function createStorage(ctx: IsaContext): InterfaceImpl {
  const scope = ctx.grants.storage as StorageScope;
  let store: AppStore | undefined;
  const db = () => (store ??= new AppStore(ctx.env.dataDir));
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  /** The key at [ptr, len) or an error code; traps on a bad pointer. */
  function readKey(ptr: number, len: number, what: string, allowEmpty = false): string | IsaErrorCode {
    ctx.mem.check(ptr, len, what);
    if ((len === 0 && !allowEmpty) || len > MAX_STORAGE_KEY_BYTES) return IsaErrorCode.INVALID_ARGUMENT;
    let key: string;
    try {
      key = utf8.decode(ctx.mem.u8.subarray(ptr, ptr + len));
    } catch {
      return IsaErrorCode.INVALID_ARGUMENT;
    }
    return storageKeyAllowed(scope, key) ? key : IsaErrorCode.CAPABILITY_DENIED;
  }

  return {
    get(kptr: number, klen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'storage.get');
      const key = readKey(kptr, klen, 'storage.get key');
      if (typeof key === 'number') return ctx.errBytes(retptr, key);
      const value = db().get(key);
      if (!value) return ctx.errBytes(retptr, IsaErrorCode.NOT_FOUND);
      if (value.length > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      ctx.okBytes(retptr, value, 'storage.get');
    },
    set(kptr: number, klen: number, vptr: number, vlen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'storage.set');
      const key = readKey(kptr, klen, 'storage.set key');
      ctx.mem.check(vptr, vlen, 'storage.set value');
      if (typeof key === 'number') return ctx.errUnit(retptr, key);
      if (vlen > ctx.limits.hostCallBytes) return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const s = db();
      if (s.usedBytes - s.sizeOf(key) + AppStore.charge(klen, vlen) > scope.maxBytes)
        return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      s.set(key, ctx.mem.u8.slice(vptr, vptr + vlen));
      ctx.mem.refresh();
      ctx.okUnit(retptr);
    },
    delete(kptr: number, klen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'storage.delete');
      const key = readKey(kptr, klen, 'storage.delete key');
      if (typeof key === 'number') return ctx.errUnit(retptr, key);
      if (!db().delete(key)) return ctx.errUnit(retptr, IsaErrorCode.NOT_FOUND);
      ctx.okUnit(retptr);
    },
    list(pptr: number, plen: number, limit: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'storage.list');
      const prefix = readKey(pptr, plen, 'storage.list prefix', true);
      if (typeof prefix === 'number') return ctx.errBytes(retptr, prefix);
      const n = Math.min(limit >>> 0, MAX_STORAGE_LIST);
      const bytes = pack(db().list(prefix, n));
      if (bytes.length > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      ctx.okBytes(retptr, bytes, 'storage.list');
    },
  };
}
