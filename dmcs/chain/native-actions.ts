/**
 * The native `eosio` actions, run when `eosio` receives them, with Leap's validation rules and
 * messages (`eosio_contract.cpp`): newaccount, setcode, setabi, updateauth, deleteauth, linkauth,
 * unlinkauth. `canceldelay` is refused: this node has no delayed transactions.
 */
import { Name, sha256 } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import { isValidAuthority } from '../../abi/antelope/index.js';
import type { Authority, PermissionLevel } from '../authority.js';
import type { ChainState } from '../state/chain-state.js';
import { ZERO_HASH } from '../state/account-record.js';
import { nativeArgs } from './native-action-args.js';
import { bytesEqual } from '../../abi/antelope/index.js';

/** Leap `max_transaction_delay` (45 days): the longest wait an authority may name. */
export const MAX_TRANSACTION_DELAY_SEC = 45 * 24 * 3600;

/** Native actions whose authorization has special rules and which cannot be linked. */
export const UNLINKABLE_NATIVE_ACTIONS: ReadonlySet<string> = new Set([
  'updateauth',
  'deleteauth',
  'linkauth',
  'unlinkauth',
  'canceldelay',
]);

export interface NativeContext {
  readonly state: ChainState;
  readonly authorization: readonly PermissionLevel[];
  readonly data: Uint8Array;
  /** Block time, ms since the Unix epoch. */
  readonly blockTime: number;
  /** `missing_auth_exception` unless `account` is among the action's authorizations. */
  requireAuthorization(account: string): void;
  /** Validates contract code (the VM refuses unknown imports, naming them). */
  validateCode(code: Uint8Array): void;
}

export type NativeHandler = (ctx: NativeContext) => void;

function fail(message: string): never {
  throw new ChainError('action_validate_exception', message);
}

function accountOrFail(ctx: NativeContext, name: string) {
  const a = ctx.state.getAccount(name);
  if (!a) throw new ChainError('account_query_exception', `account '${name}' does not exist`);
  return a;
}

function validateAuthorityPrecondition(ctx: NativeContext, auth: Authority): void {
  for (const a of auth.accounts) {
    const acct = ctx.state.getAccount(a.permission.actor);
    if (!acct) fail(`account '${a.permission.actor}' does not exist`);
    const p = a.permission.permission;
    if (p === 'owner' || p === 'active' || p === 'eosio.code') continue;
    if (!acct.permissions.has(p)) fail(`permission '${a.permission.actor}@${p}' does not exist`);
  }
}

const newaccount: NativeHandler = (ctx) => {
  const args = nativeArgs.newaccount(ctx.data);
  ctx.requireAuthorization(args.creator);
  if (!isValidAuthority(args.owner)) fail('Invalid owner authority');
  if (!isValidAuthority(args.active)) fail('Invalid active authority');
  if (args.name === '') fail('account name cannot be empty');
  if (args.name.length > 12) fail('account names can only be 12 chars long');
  const creator = accountOrFail(ctx, args.creator);
  if (!creator.privileged && args.name.startsWith('eosio.')) fail("only privileged accounts can have names that start with 'eosio.'");
  if (ctx.state.getAccount(args.name)) {
    throw new ChainError('account_name_exists_exception', `Cannot create account named ${args.name}, as that name is already taken`);
  }
  validateAuthorityPrecondition(ctx, args.owner);
  validateAuthorityPrecondition(ctx, args.active);
  ctx.state.createAccount(args.name, args.owner, args.active, ctx.blockTime);
};

const setcode: NativeHandler = (ctx) => {
  const args = nativeArgs.setcode(ctx.data);
  ctx.requireAuthorization(args.account);
  if (args.vmtype !== 0) throw new ChainError('invalid_contract_vm_type', 'code should be 0');
  if (args.vmversion !== 0) throw new ChainError('invalid_contract_vm_type', 'version should be 0');
  const acct = accountOrFail(ctx, args.account);
  const hash = args.code.length > 0 ? sha256(args.code) : ZERO_HASH;
  if (args.code.length > 0) ctx.validateCode(args.code);
  const existing = acct.code !== null;
  if (args.code.length === 0 && !existing) throw new ChainError('set_exact_code', 'contract is already cleared');
  if (existing && bytesEqual(acct.codeHash, hash))
    throw new ChainError('set_exact_code', 'contract is already running this version of code');
  ctx.state.setCode(acct, args.code.length > 0 ? args.code : null, hash, ctx.blockTime);
};

const setabi: NativeHandler = (ctx) => {
  const args = nativeArgs.setabi(ctx.data);
  ctx.requireAuthorization(args.account);
  const acct = accountOrFail(ctx, args.account);
  ctx.state.setAbi(acct, args.abi.length > 0 ? args.abi : null);
};

const updateauth: NativeHandler = (ctx) => {
  const u = nativeArgs.updateauth(ctx.data);
  ctx.requireAuthorization(u.account);
  if (u.permission === '') fail('Cannot create authority with empty name');
  if (u.permission.startsWith('eosio.')) fail("Permission names that start with 'eosio.' are reserved");
  if (u.permission === u.parent) fail('Cannot set an authority as its own parent');
  const acct = accountOrFail(ctx, u.account);
  if (!isValidAuthority(u.auth)) fail(`Invalid authority: ${JSON.stringify(u.auth)}`);
  if (u.permission === 'active' && u.parent !== 'owner') fail("Cannot change active authority's parent from owner");
  if (u.permission === 'owner') {
    if (u.parent !== '') fail("Cannot change owner authority's parent");
  } else if (u.parent === '') fail('Only owner permission can have empty parent');
  const waits = u.auth.waits;
  if (waits.length > 0 && waits[waits.length - 1]!.wait_sec > MAX_TRANSACTION_DELAY_SEC) {
    fail(`Cannot set delay longer than max_transacton_delay, which is ${MAX_TRANSACTION_DELAY_SEC} seconds`);
  }
  validateAuthorityPrecondition(ctx, u.auth);
  if (u.permission !== 'owner' && !acct.permissions.has(u.parent)) {
    throw new ChainError('permission_query_exception', `Failed to retrieve permission: ${u.account}@${u.parent}`);
  }
  const existing = acct.permissions.get(u.permission);
  if (existing && existing.parent !== u.parent) fail('Changing parent authority is not currently supported');
  ctx.state.setPermission(acct, { name: u.permission, parent: u.parent, auth: u.auth, lastUpdated: ctx.blockTime });
};

const deleteauth: NativeHandler = (ctx) => {
  const d = nativeArgs.deleteauth(ctx.data);
  ctx.requireAuthorization(d.account);
  if (d.permission === 'active') fail('Cannot delete active authority');
  if (d.permission === 'owner') fail('Cannot delete owner authority');
  const acct = accountOrFail(ctx, d.account);
  for (const [key, req] of acct.links) {
    if (req === d.permission) {
      const [code, type] = key.split(':');
      fail(`Cannot delete a linked authority. Unlink the authority first. This authority is linked to ${code}::${type}.`);
    }
  }
  if (!acct.permissions.has(d.permission)) {
    throw new ChainError('permission_query_exception', `Failed to retrieve permission: ${d.account}@${d.permission}`);
  }
  for (const p of acct.permissions.values()) {
    if (p.parent === d.permission) fail('Cannot remove a permission which has children. Remove the children first.');
  }
  ctx.state.deletePermission(acct, d.permission);
};

const linkauth: NativeHandler = (ctx) => {
  const l = nativeArgs.linkauth(ctx.data);
  if (l.requirement === '') fail('Required permission cannot be empty');
  ctx.requireAuthorization(l.account);
  const acct = ctx.state.getAccount(l.account);
  if (!acct) throw new ChainError('account_query_exception', `Failed to retrieve account: ${l.account}`);
  if (!ctx.state.getAccount(l.code)) throw new ChainError('account_query_exception', `Failed to retrieve code for account: ${l.code}`);
  if (l.code === 'eosio' && UNLINKABLE_NATIVE_ACTIONS.has(l.type)) fail(`Cannot link eosio::${l.type} to a minimum permission`);
  if (l.requirement !== 'eosio.any' && !acct.permissions.has(l.requirement)) {
    throw new ChainError('permission_query_exception', `Failed to retrieve permission: ${l.requirement}`);
  }
  const old = acct.links.get(`${l.code}:${l.type}`);
  if (old === l.requirement) fail('Attempting to update required authority, but new requirement is same as old');
  ctx.state.setLink(acct, l.code, l.type, l.requirement);
};

const unlinkauth: NativeHandler = (ctx) => {
  const u = nativeArgs.unlinkauth(ctx.data);
  ctx.requireAuthorization(u.account);
  const acct = accountOrFail(ctx, u.account);
  if (!acct.links.has(`${u.code}:${u.type}`)) fail('Attempting to unlink authority, but no link found');
  ctx.state.setLink(acct, u.code, u.type, null);
};

const canceldelay: NativeHandler = () => {
  throw new ChainError(
    'unsupported_feature',
    'eosio::canceldelay is not supported: this node has no delayed transactions (delay_sec must be 0)',
  );
};

/** Native handlers by action name (receiver and code `eosio`). */
export const NATIVE_ACTIONS: ReadonlyMap<string, NativeHandler> = new Map([
  ['newaccount', newaccount],
  ['setcode', setcode],
  ['setabi', setabi],
  ['updateauth', updateauth],
  ['deleteauth', deleteauth],
  ['linkauth', linkauth],
  ['unlinkauth', unlinkauth],
  ['canceldelay', canceldelay],
]);

/** The u64 of `eosio`, for comparisons on the VM side. */
export const EOSIO = Name.from('eosio').value;
