/**
 * An account's permissions and links as bytes, in one form that serves both places the state needs
 * them: the tail of the account record (account-codec.ts: the store's value and a snapshot's
 * ACCOUNT section) and the tail of the account's record hash input (chain-state.ts: the state
 * digest). The permissions come in name order, each field by field, then the links in key order.
 * An account the state store holds keeps these bytes (`auth`, account-record.ts) while its
 * permissions and links are unchanged, so a commit re-encodes and rehashes it without touching
 * them, and an account read back from the store is not decoded past its fixed fields unless its
 * permissions or links are used (an authorization check, a permission change): a transfer's
 * receiver never is.
 *
 * Version-2 snapshots held the permissions a second time, as JSON (`readAuthJson`); the store held
 * both forms, 729 bytes for an account with two one-key permissions against about 310 now.
 */
import { BinaryWriter, type BinaryReader } from '../../abi/antelope/index.js';
import type { Authority } from '../authority.js';
import type { AccountRecord, PermissionRecord } from './account-record.js';

const byKey = <T>(m: Map<string, T>): string[] => [...m.keys()].sort();

/** The decoded form: permissions in the order written, links as pairs. */
export interface AuthFields {
  permissions: PermissionRecord[];
  links: Array<[string, string]>;
}

/**
 * varuint32 n ‖ n × (string name ‖ string parent ‖ i64 last updated ‖ u32 threshold ‖
 * varuint32 k ‖ k × (string key id ‖ u16 weight) ‖ varuint32 a ‖ a × (string actor ‖ string
 * permission ‖ u16 weight) ‖ varuint32 w ‖ w × (u32 wait sec ‖ u16 weight)) ‖ varuint32 m ‖
 * m × (string `code:type` ‖ string permission).
 */
export function writeAuth(w: BinaryWriter, a: Pick<AccountRecord, 'permissions' | 'links'>): void {
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

/** Reads `writeAuth`'s form back. */
export function readAuth(r: BinaryReader): AuthFields {
  const permissions: PermissionRecord[] = [];
  for (let i = r.varuint32(); i > 0; i--) {
    const name = r.string();
    const parent = r.string();
    const lastUpdated = Number(r.i64());
    const auth: Authority = { threshold: r.u32(), keys: [], accounts: [], waits: [] };
    for (let k = r.varuint32(); k > 0; k--) auth.keys.push({ key: r.string(), weight: r.u16() });
    for (let k = r.varuint32(); k > 0; k--)
      auth.accounts.push({ permission: { actor: r.string(), permission: r.string() }, weight: r.u16() });
    for (let k = r.varuint32(); k > 0; k--) auth.waits.push({ wait_sec: r.u32(), weight: r.u16() });
    permissions.push({ name, parent, auth, lastUpdated });
  }
  return { permissions, links: readLinks(r) };
}

/** A version-2 snapshot's form: varuint32 n ‖ n × JSON permission ‖ the links as above (in any order). */
export function readAuthJson(r: BinaryReader): AuthFields {
  const permissions: PermissionRecord[] = [];
  for (let i = r.varuint32(); i > 0; i--) permissions.push(JSON.parse(r.string()) as PermissionRecord);
  return { permissions, links: readLinks(r) };
}

function readLinks(r: BinaryReader): Array<[string, string]> {
  const links: Array<[string, string]> = [];
  for (let i = r.varuint32(); i > 0; i--) links.push([r.string(), r.string()]);
  return links;
}

const scratch = new BinaryWriter(1024);

/** The bytes, encoded from the account's maps now, as a latin1 string (`AccountRecord.auth`). */
export function authBytesOf(a: Pick<AccountRecord, 'permissions' | 'links'>): string {
  writeAuth(scratch.reset(), a);
  return latin1Of(scratch.peek());
}

/** Bytes as a latin1 string, one char per byte (a copy: safe to keep when `b` is not). */
export function latin1Of(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

/** A latin1 string's bytes back (a copy). */
export function bytesOfLatin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}
