/**
 * `peeros:isa/fs` — the hybrid file system (isa/wit/fs.wit): the app's own drive, one per
 * (account, app), under `<app data>/fs/<account>/` (`_nosession` before `peeros login`).
 * An account's drive is encrypted with its drive key (runtime/fs/drive-key.ts), asked from the
 * main thread through the bridge (`fs.drive-key`) when the drive is first used in this worker: a
 * drive with a sealed key never opens without it (the call answers the bridge's error, e.g.
 * `unavailable` while the vault is locked). A new drive is encrypted when a bridge is present; a
 * drive created without one (no host services, or before any login) stays as it was made.
 * capability: fs, scope `{roots, rights, maxBytes}`:
 * - a path breaking the rules of runtime/fs/fs-path.ts (absolute, `..`, `.`, empty segment, NUL or
 *   another control character, too long, too deep, bad UTF-8) → `invalid-argument`;
 * - a path whose first segment is not a granted root → `capability-denied`; a write, remove or
 *   rename under `rights: "ro"` → `capability-denied`;
 * - the drive's quota (`maxBytes`) or `MAX_FS_FILE_BYTES` → `limit-exceeded`; a read or a written
 *   range larger than the host-call byte limit → `limit-exceeded`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { pack, unpack } from '../../abi/msgpack/codec.js';
import { type FsScope, fsPathAllowed } from '../capabilities.js';
import { Drive, driveDir, type FsResult } from '../fs/drive.js';
import { hasDriveKey } from '../fs/drive-key.js';
import { STORE_LOG_NAME } from '../storage/app-store.js';
import { fsPathProblem } from '../fs/fs-path.js';
import { MAX_FS_FILE_BYTES, MAX_FS_LIST, MAX_FS_PATH_BYTES } from '../limits.js';
import type { IsaContext, InterfaceImpl } from './context.js';
import { sessionAccount } from './ual.js';

export function createFs(ctx: IsaContext): InterfaceImpl {
  const scope = ctx.grants.fs as FsScope;
  const drives = new Map<string, Drive>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  /** The drive of the account logged in now (a login between commands switches drives), or why it cannot open. */
  function drive(): Drive | IsaErrorCode {
    const account = sessionAccount(ctx.env.home);
    const name = account ?? '';
    const known = drives.get(name);
    if (known) return known;
    const dir = driveDir(ctx.env.dataDir, account);
    const bridge = ctx.env.bridge;
    const encrypted = account !== undefined && (hasDriveKey(dir) || (bridge !== undefined && !existsSync(join(dir, STORE_LOG_NAME))));
    let d: Drive;
    if (!encrypted) d = new Drive(dir, scope.maxBytes);
    else {
      if (!bridge) return IsaErrorCode.UNAVAILABLE; // a sealed drive and nobody to open its key
      const r = bridge.call('fs.drive-key', pack({ account }));
      if (!r.ok) return r.code as IsaErrorCode;
      const answer = unpack(r.bytes) as { account?: unknown; key?: unknown };
      if (answer.account !== account || !(answer.key instanceof Uint8Array) || answer.key.length !== 32) return IsaErrorCode.UNAVAILABLE; // the session changed meanwhile
      d = new Drive(dir, scope.maxBytes, { key: answer.key });
    }
    drives.set(name, d);
    return d;
  }

  /** The path at [ptr, len) inside the grant, or an error code; traps on a bad pointer. */
  function readPath(ptr: number, len: number, what: string, write: boolean): string | IsaErrorCode {
    ctx.mem.check(ptr, len, what);
    if (len === 0 || len > MAX_FS_PATH_BYTES) return IsaErrorCode.INVALID_ARGUMENT;
    let path: string;
    try {
      path = utf8.decode(ctx.mem.u8.subarray(ptr, ptr + len));
    } catch {
      return IsaErrorCode.INVALID_ARGUMENT;
    }
    if (fsPathProblem(path) !== undefined) return IsaErrorCode.INVALID_ARGUMENT;
    if (!fsPathAllowed(scope, path) || (write && scope.rights !== 'rw')) return IsaErrorCode.CAPABILITY_DENIED;
    return path;
  }

  /** A u64 offset as a number; anything past the largest file is clamped there (nothing is stored beyond it). */
  const offsetOf = (o: bigint): number => (BigInt.asUintN(64, o) > BigInt(MAX_FS_FILE_BYTES) ? MAX_FS_FILE_BYTES + 1 : Number(o));

  const unit = (retptr: number, r: FsResult<void>): void => (r.ok ? ctx.okUnit(retptr) : ctx.errUnit(retptr, r.code));

  return {
    read(pptr: number, plen: number, offset: bigint, len: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'fs.read');
      const path = readPath(pptr, plen, 'fs.read path', false);
      if (typeof path === 'number') return ctx.errBytes(retptr, path);
      if (len >>> 0 > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const d = drive();
      if (typeof d === 'number') return ctx.errBytes(retptr, d);
      const r = d.read(path, offsetOf(offset), len >>> 0);
      if (!r.ok) return ctx.errBytes(retptr, r.code);
      ctx.okBytes(retptr, r.value, 'fs.read');
    },
    'write-file'(pptr: number, plen: number, dptr: number, dlen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'fs.write-file');
      const path = readPath(pptr, plen, 'fs.write-file path', true);
      ctx.mem.check(dptr, dlen, 'fs.write-file data');
      if (typeof path === 'number') return ctx.errUnit(retptr, path);
      if (dlen > ctx.limits.hostCallBytes) return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const d = drive();
      if (typeof d === 'number') return ctx.errUnit(retptr, d);
      unit(retptr, d.writeFile(path, ctx.mem.u8.slice(dptr, dptr + dlen)));
      ctx.mem.refresh();
    },
    write(pptr: number, plen: number, offset: bigint, dptr: number, dlen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'fs.write');
      const path = readPath(pptr, plen, 'fs.write path', true);
      ctx.mem.check(dptr, dlen, 'fs.write data');
      if (typeof path === 'number') return ctx.errUnit(retptr, path);
      if (dlen > ctx.limits.hostCallBytes) return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const at = offsetOf(offset);
      if (at > MAX_FS_FILE_BYTES) return ctx.errUnit(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      const d = drive();
      if (typeof d === 'number') return ctx.errUnit(retptr, d);
      unit(retptr, d.write(path, at, ctx.mem.u8.slice(dptr, dptr + dlen)));
      ctx.mem.refresh();
    },
    list(pptr: number, plen: number, limit: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'fs.list');
      const path = readPath(pptr, plen, 'fs.list path', false);
      if (typeof path === 'number') return ctx.errBytes(retptr, path);
      const d = drive();
      if (typeof d === 'number') return ctx.errBytes(retptr, d);
      const r = d.list(path, Math.min(limit >>> 0, MAX_FS_LIST));
      if (!r.ok) return ctx.errBytes(retptr, r.code);
      const bytes = pack(r.value);
      if (bytes.length > ctx.limits.hostCallBytes) return ctx.errBytes(retptr, IsaErrorCode.LIMIT_EXCEEDED);
      ctx.okBytes(retptr, bytes, 'fs.list');
    },
    stat(pptr: number, plen: number, retptr: number): void {
      ctx.checkBytesArea(retptr, 'fs.stat');
      const path = readPath(pptr, plen, 'fs.stat path', false);
      if (typeof path === 'number') return ctx.errBytes(retptr, path);
      const d = drive();
      if (typeof d === 'number') return ctx.errBytes(retptr, d);
      const r = d.stat(path);
      if (!r.ok) return ctx.errBytes(retptr, r.code);
      ctx.okBytes(retptr, pack(r.value), 'fs.stat');
    },
    remove(pptr: number, plen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'fs.remove');
      const path = readPath(pptr, plen, 'fs.remove path', true);
      if (typeof path === 'number') return ctx.errUnit(retptr, path);
      const d = drive();
      if (typeof d === 'number') return ctx.errUnit(retptr, d);
      unit(retptr, d.remove(path));
    },
    rename(sptr: number, slen: number, tptr: number, tlen: number, retptr: number): void {
      ctx.checkUnitArea(retptr, 'fs.rename');
      const source = readPath(sptr, slen, 'fs.rename source', true);
      const target = readPath(tptr, tlen, 'fs.rename target', true);
      if (typeof source === 'number') return ctx.errUnit(retptr, source);
      if (typeof target === 'number') return ctx.errUnit(retptr, target);
      const d = drive();
      if (typeof d === 'number') return ctx.errUnit(retptr, d);
      unit(retptr, d.rename(source, target));
    },
  };
}
