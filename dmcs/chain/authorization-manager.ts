/**
 * Leap's `authorization_manager::check_authorization` over this node's state: for every declared
 * authorization of every action, the minimum permission the action needs (its `linkauth` link,
 * the code-wide link, else `active`; `eosio.any` = any permission) must be satisfied by the declared
 * permission (it or one of its ancestors, so `owner` satisfies `active`), with the special rules of
 * the native auth actions; then every declared permission must be satisfied by the provided keys
 * and permissions; unless allowed, a provided key that was not needed is `tx_irrelevant_sig`.
 */
import { AntelopeError, AuthorityChecker, keyIdToString } from '../../abi/antelope/index.js';
import type { PermissionLevel } from '../authority.js';
import type { AccountRecord, ChainState } from '../state/chain-state.js';
import { ChainError } from '../chain-error.js';
import { nativeArgs } from './native-action-args.js';
import { UNLINKABLE_NATIVE_ACTIONS } from './native-actions.js';

/** What the checker needs of an action. */
export interface AuthorizedAction {
  readonly account: string;
  readonly name: string;
  readonly authorization: readonly PermissionLevel[];
  readonly data: Uint8Array;
}

/** The checker's verdict, its unknown-permission refusal as the node's `permission_query_exception`. */
function satisfiedOrQueryError(checker: AuthorityChecker, level: PermissionLevel): boolean {
  try {
    return checker.satisfied(level);
  } catch (e) {
    if (e instanceof AntelopeError && e.code === 'UNKNOWN_PERMISSION') throw new ChainError('permission_query_exception', e.message);
    throw e;
  }
}

export class AuthorizationManager {
  constructor(private readonly state: ChainState) {}

  /** A checker over this state with the given provided keys and permissions. */
  checker(keys: ReadonlySet<string>, permissions: Iterable<PermissionLevel> = []): AuthorityChecker {
    return new AuthorityChecker((actor, perm) => this.state.getAccount(actor)?.permissions.get(perm)?.auth, keys, permissions);
  }

  /**
   * Leap `lookup_minimum_permission`: the permission `actor` must use for `code::action`, or null
   * when linked to `eosio.any`.
   */
  minimumPermission(actor: AccountRecord, code: string, action: string): string | null {
    if (code === 'eosio' && UNLINKABLE_NATIVE_ACTIONS.has(action)) {
      throw new ChainError('unlinkable_min_permission_action', `cannot call lookup_minimum_permission on native action eosio::${action}`);
    }
    const linked = this.state.linkedPermission(actor, code, action);
    if (linked === undefined) return 'active';
    return linked === 'eosio.any' ? null : linked;
  }

  /** Leap `permission_object::satisfies`: `perm` is `min` or one of its ancestors. */
  satisfies(acct: AccountRecord, perm: string, min: string): boolean {
    let p = acct.permissions.get(min);
    for (let hops = 0; p && hops < 64; hops++) {
      if (p.name === perm) return true;
      if (p.parent === '') return false;
      p = acct.permissions.get(p.parent);
    }
    return false;
  }

  private permissionOrFail(level: PermissionLevel): AccountRecord {
    const acct = this.state.getAccount(level.actor);
    if (!acct?.permissions.has(level.permission)) {
      throw new ChainError('permission_query_exception', `permission ${level.actor}@${level.permission} does not exist`);
    }
    return acct;
  }

  private requireSatisfies(acct: AccountRecord, level: PermissionLevel, min: string, what: string): void {
    if (!acct.permissions.has(min)) throw new ChainError('permission_query_exception', `permission ${acct.name}@${min} does not exist`);
    if (!this.satisfies(acct, level.permission, min)) {
      throw new ChainError(
        'irrelevant_auth_exception',
        `${what} declares irrelevant authority '${level.actor}@${level.permission}'; minimum authority is ${acct.name}@${min}`,
      );
    }
  }

  private checkNativeAuth(a: AuthorizedAction): void {
    const auths = a.authorization;
    const single = (what: string): PermissionLevel => {
      if (auths.length !== 1)
        throw new ChainError('irrelevant_auth_exception', `${what} action should only have one declared authorization`);
      return auths[0]!;
    };
    switch (a.name) {
      case 'updateauth': {
        const auth = single('updateauth');
        const u = nativeArgs.updateauth(a.data);
        if (auth.actor !== u.account)
          throw new ChainError(
            'irrelevant_auth_exception',
            'the owner of the affected permission needs to be the actor of the declared authorization',
          );
        const acct = this.permissionOrFail(auth);
        const min = acct.permissions.has(u.permission) ? u.permission : u.parent;
        this.requireSatisfies(acct, auth, min, 'updateauth action');
        return;
      }
      case 'deleteauth': {
        const auth = single('deleteauth');
        const d = nativeArgs.deleteauth(a.data);
        if (auth.actor !== d.account)
          throw new ChainError(
            'irrelevant_auth_exception',
            'the owner of the permission to delete needs to be the actor of the declared authorization',
          );
        this.requireSatisfies(this.permissionOrFail(auth), auth, d.permission, 'deleteauth action');
        return;
      }
      case 'linkauth': {
        const auth = single('link');
        const l = nativeArgs.linkauth(a.data);
        if (auth.actor !== l.account)
          throw new ChainError(
            'irrelevant_auth_exception',
            'the owner of the linked permission needs to be the actor of the declared authorization',
          );
        if (l.code === 'eosio' && UNLINKABLE_NATIVE_ACTIONS.has(l.type)) {
          throw new ChainError('action_validate_exception', `Cannot link eosio::${l.type} to a minimum permission`);
        }
        const acct = this.permissionOrFail(auth);
        const min = this.minimumPermission(acct, l.code, l.type);
        if (min !== null) this.requireSatisfies(acct, auth, min, 'link action');
        return;
      }
      case 'unlinkauth': {
        const auth = single('unlink');
        const u = nativeArgs.unlinkauth(a.data);
        if (auth.actor !== u.account)
          throw new ChainError(
            'irrelevant_auth_exception',
            'the owner of the linked permission needs to be the actor of the declared authorization',
          );
        const acct = this.permissionOrFail(auth);
        const linked = this.state.linkedPermission(acct, u.code, u.type);
        if (linked === undefined) {
          throw new ChainError(
            'transaction_exception',
            `cannot unlink non-existent permission link of account '${u.account}' for actions matching '${u.code}::${u.type}'`,
          );
        }
        if (linked !== 'eosio.any') this.requireSatisfies(acct, auth, linked, 'unlink action');
        return;
      }
      case 'canceldelay':
        throw new ChainError('unsupported_feature', 'eosio::canceldelay is not supported: this node has no delayed transactions');
    }
  }

  /**
   * Checks `actions` against provided keys and permissions. Returns the checker (its `usedKeys`
   * are the keys that were needed). Throws the Antelope exception on any failure.
   */
  check(
    actions: readonly AuthorizedAction[],
    keys: ReadonlySet<string>,
    permissions: readonly PermissionLevel[],
    allowUnusedKeys: boolean,
  ): AuthorityChecker {
    const toSatisfy = new Map<string, PermissionLevel>();
    for (const a of actions) {
      const special = a.account === 'eosio' && UNLINKABLE_NATIVE_ACTIONS.has(a.name);
      if (special) this.checkNativeAuth(a);
      for (const level of a.authorization) {
        if (!special) {
          const acct = this.permissionOrFail(level);
          const min = this.minimumPermission(acct, a.account, a.name);
          if (min !== null) this.requireSatisfies(acct, level, min, 'action');
        }
        toSatisfy.set(`${level.actor}@${level.permission}`, level);
      }
    }
    const checker = this.checker(keys, permissions);
    for (const level of toSatisfy.values()) {
      if (!satisfiedOrQueryError(checker, level)) {
        const provided = [...keys].map(keyIdToString);
        throw new ChainError(
          'unsatisfied_authorization',
          `transaction declares authority '${JSON.stringify({ actor: level.actor, permission: level.permission })}', but does not have signatures for it under a provided delay of 0 ms, provided permissions ${JSON.stringify(permissions)}, provided keys ${JSON.stringify(provided)}, and a delay max limit of 3888000000 ms`,
        );
      }
    }
    if (!allowUnusedKeys) {
      const unused = checker.unusedKeys();
      if (unused.length) {
        throw new ChainError(
          'tx_irrelevant_sig',
          `transaction bears irrelevant signatures from these keys: ${JSON.stringify(unused.map(keyIdToString))}`,
        );
      }
    }
    return checker;
  }
}
