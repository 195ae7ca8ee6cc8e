/**
 * An account's permissions and links as bytes, in the two forms the state needs them: the
 * snapshot's (the tail of the account record, account-codec.ts: permissions as JSON, links as
 * pairs) and the digest's (the tail of the account's record hash input, chain-state.ts: permissions
 * and links in name order, field by field). An account the state store holds keeps both (`auth`,
 * account-record.ts) while its permissions and links are unchanged, so a commit re-encodes and
 * rehashes it without touching them, and an account read back from the store is not decoded past
 * its fixed fields unless its permissions or links are used (an authorization check, a permission
 * change): a transfer's receiver never is.
 */
import { BinaryWriter, type BinaryReader } from '../../abi/antelope/index.js';
import type { AccountRecord, AuthBytes, PermissionRecord } from './account-record.js';

const byKey = <T>(m: Map<string, T>): string[] => [...m.keys()].sort();

/** The snapshot form: varuint32 n ‖ n × JSON permission ‖ varuint32 m ‖ m × (string key ‖ string permission). */
export function writeAuthRecord(w: BinaryWriter, a: Pick<AccountRecord, 'permissions' | 'links'>): void {
  w.varuint32(a.permissions.size);
  for (const p of a.permissions.values()) w.string(JSON.stringify(p));
  w.varuint32(a.links.size);
  for (const [k, v] of a.links) {
    w.string(k);
    w.string(v);
  }
}

/** Reads the snapshot form back. */
export function readAuthRecord(r: BinaryReader): { permissions: PermissionRecord[]; links: Array<[string, string]> } {
  const permissions: PermissionRecord[] = [];
  for (let i = r.varuint32(); i > 0; i--) permissions.push(JSON.parse(r.string()) as PermissionRecord);
  const links: Array<[string, string]> = [];
  for (let i = r.varuint32(); i > 0; i--) links.push([r.string(), r.string()]);
  return { permissions, links };
}

/** The digest form: the permissions in name order, each field by field, then the links in key order. */
export function writeAuthHash(w: BinaryWriter, a: Pick<AccountRecord, 'permissions' | 'links'>): void {
  w.varuint32(a.permissions.size);
  for (const name of byKey(a.permissions)) {
    const p = a.permissions.get(name)!;
    w.string(p.name);
    w.string(p.parent);
    w.i64(BigInt(p.lastUpdated));
    w.u32(p.auth.threshold);
    w.varuint32(p.auth.keys.length);
    for (const k of p.auth.keys) {
      w.string(k.key);
      w.u16(k.weight);
    }
    w.varuint32(p.auth.accounts.length);
    for (const l of p.auth.accounts) {
      w.string(l.permission.actor);
      w.string(l.permission.permission);
      w.u16(l.weight);
    }
    w.varuint32(p.auth.waits.length);
    for (const x of p.auth.waits) {
      w.u32(x.wait_sec);
      w.u16(x.weight);
    }
  }
  w.varuint32(a.links.size);
  for (const l of byKey(a.links)) {
    w.string(l);
    w.string(a.links.get(l)!);
  }
}

const scratch = new BinaryWriter(1024);

/** Both forms, encoded from the account's maps now (copies: safe to keep). */
export function authBytesOf(a: Pick<AccountRecord, 'permissions' | 'links'>): AuthBytes {
  writeAuthRecord(scratch.reset(), a);
  const record = scratch.finish();
  writeAuthHash(scratch.reset(), a);
  return { record, hash: scratch.finish() };
}
