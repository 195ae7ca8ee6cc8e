/**
 * Binary decoding of the arguments of the native `eosio` actions (newaccount, setcode, setabi,
 * updateauth, deleteauth, linkauth, unlinkauth) into the node's own shapes, with the protocol
 * core's reader, names and keys. Malformed data is `invalid_action_args_exception` naming the action.
 */
import { BinaryReader, Name, PublicKey } from '../../abi/antelope/index.js';
import type { Authority, PermissionLevel } from '../authority.js';
import { keyIdOf } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';

export interface NewAccountArgs {
  creator: string;
  name: string;
  owner: Authority;
  active: Authority;
}
export interface SetCodeArgs {
  account: string;
  vmtype: number;
  vmversion: number;
  code: Uint8Array;
}
export interface SetAbiArgs {
  account: string;
  abi: Uint8Array;
}
export interface UpdateAuthArgs {
  account: string;
  permission: string;
  parent: string;
  auth: Authority;
}
export interface DeleteAuthArgs {
  account: string;
  permission: string;
}
export interface LinkAuthArgs {
  account: string;
  code: string;
  type: string;
  requirement: string;
}
export interface UnlinkAuthArgs {
  account: string;
  code: string;
  type: string;
}

const name = (r: BinaryReader): string => Name.decode(r).toString();

export function readPermissionLevel(r: BinaryReader): PermissionLevel {
  return { actor: name(r), permission: name(r) };
}

export function readAuthority(r: BinaryReader): Authority {
  const threshold = r.u32();
  const keys = Array.from({ length: r.varuint32() }, () => ({ key: keyIdOf(PublicKey.decode(r)), weight: r.u16() }));
  const accounts = Array.from({ length: r.varuint32() }, () => ({ permission: readPermissionLevel(r), weight: r.u16() }));
  const waits = Array.from({ length: r.varuint32() }, () => ({ wait_sec: r.u32(), weight: r.u16() }));
  return { threshold, keys, accounts, waits };
}

function decode<T>(action: string, data: Uint8Array, read: (r: BinaryReader) => T): T {
  try {
    return read(new BinaryReader(data));
  } catch (e) {
    throw new ChainError('invalid_action_args_exception', `eosio::${action}: cannot decode the action data (${(e as Error).message})`);
  }
}

export const nativeArgs = {
  newaccount: (d: Uint8Array): NewAccountArgs =>
    decode('newaccount', d, (r) => ({ creator: name(r), name: name(r), owner: readAuthority(r), active: readAuthority(r) })),
  setcode: (d: Uint8Array): SetCodeArgs =>
    decode('setcode', d, (r) => ({ account: name(r), vmtype: r.u8(), vmversion: r.u8(), code: r.bytes() })),
  setabi: (d: Uint8Array): SetAbiArgs => decode('setabi', d, (r) => ({ account: name(r), abi: r.bytes() })),
  updateauth: (d: Uint8Array): UpdateAuthArgs =>
    decode('updateauth', d, (r) => ({ account: name(r), permission: name(r), parent: name(r), auth: readAuthority(r) })),
  deleteauth: (d: Uint8Array): DeleteAuthArgs => decode('deleteauth', d, (r) => ({ account: name(r), permission: name(r) })),
  linkauth: (d: Uint8Array): LinkAuthArgs =>
    decode('linkauth', d, (r) => ({ account: name(r), code: name(r), type: name(r), requirement: name(r) })),
  unlinkauth: (d: Uint8Array): UnlinkAuthArgs => decode('unlinkauth', d, (r) => ({ account: name(r), code: name(r), type: name(r) })),
};
