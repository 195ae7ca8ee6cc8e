/**
 * An account record in binary, as the state store and snapshots hold it: every field of
 * `AccountRecord` except the derived ones (u64 value, code hash hex), then its permissions and links
 * (account-auth.ts; their authorities hold key ids, plain strings). Its own file so the state store,
 * the state (which saves an account before changing it while a snapshot is written) and the snapshot
 * format share it.
 */
import { BinaryWriter, type BinaryReader } from '../../abi/antelope/index.js';
import { readAuth, readAuthJson, writeAuth } from './account-auth.js';
import { ZERO_HASH, type AccountRecord, type PermissionRecord } from './account-record.js';

/** An account as decoded from a snapshot. */
export interface AccountImage {
  name: string;
  creation: number;
  privileged: boolean;
  code: Uint8Array | null;
  codeHash: Uint8Array;
  lastCodeUpdate: number;
  codeSequence: number;
  abi: Uint8Array | null;
  abiSequence: number;
  ramUsage: number;
  recvSequence: number;
  authSequence: number;
  permissions: PermissionRecord[];
  links: Array<[string, string]>;
}

/** An account's fields before its permissions and links. */
export type AccountHead = Omit<AccountImage, 'permissions' | 'links'>;

const shared = new BinaryWriter(4096);

function optionalBytes(w: BinaryWriter, b: Uint8Array | null): void {
  w.bool(b !== null);
  if (b) w.bytes(b);
}

/** The account's record (a copy: safe to keep). */
export function encodeAccount(a: AccountRecord): Uint8Array {
  writeAccount(shared.reset(), a);
  return shared.finish();
}

/** Appends the account's record to `w`; its permissions and links from `a.auth` when it has them. */
export function writeAccount(w: BinaryWriter, a: AccountRecord): void {
  w.string(a.name);
  w.i64(BigInt(a.creation));
  w.bool(a.privileged);
  optionalBytes(w, a.code);
  w.raw(a.codeHash);
  w.i64(BigInt(a.lastCodeUpdate));
  w.u32(a.codeSequence);
  optionalBytes(w, a.abi);
  w.u32(a.abiSequence);
  w.i64(BigInt(a.ramUsage));
  w.u32(a.recvSequence);
  w.u32(a.authSequence);
  if (a.auth) w.rawLatin1(a.auth);
  else writeAuth(w, a);
}

/** An account record of a snapshot of `version` (2: its permissions as JSON). */
export function decodeAccount(r: BinaryReader, version: number): AccountImage {
  const head = decodeAccountHead(r);
  const { permissions, links } = version === 2 ? readAuthJson(r) : readAuth(r);
  return { ...head, permissions, links };
}

/**
 * A code hash read from a record (a view into it): the shared `ZERO_HASH` when it is all zeros (an
 * account without code, most of a large state: no array of its own per account read back), else a copy.
 */
function codeHashOf(h: Uint8Array): Uint8Array {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return h.slice();
  return ZERO_HASH;
}

/** The fields before the permissions and links (`r` is then at them: the rest of the record). */
export function decodeAccountHead(r: BinaryReader): AccountHead {
  const name = r.string();
  const creation = Number(r.i64());
  const privileged = r.bool();
  const code = r.bool() ? r.bytes() : null;
  const codeHash = codeHashOf(r.raw(32));
  const lastCodeUpdate = Number(r.i64());
  const codeSequence = r.u32();
  const abi = r.bool() ? r.bytes() : null;
  const abiSequence = r.u32();
  const ramUsage = Number(r.i64());
  const recvSequence = r.u32();
  const authSequence = r.u32();
  return {
    name,
    creation,
    privileged,
    code,
    codeHash,
    lastCodeUpdate,
    codeSequence,
    abi,
    abiSequence,
    ramUsage,
    recvSequence,
    authSequence,
  };
}
