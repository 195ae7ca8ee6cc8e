/**
 * Antelope's `transaction` as contract structs (eosio.msig and eosio.wrap carry one whole), with
 * the helpers both contracts need: the header's expiry and sending the actions inline.
 * The header fields are spelled out in `Transaction` (Leap's ABI derives it from
 * `transaction_header`; the bytes on the wire are the same).
 */
import { Bytes, Name, TimePointSec, VarUint32, DataStream, check } from "../../sdk-as/contract/index";
import { send_inline, current_time } from "../../sdk-as/contract/env";

export class PermissionLevel {
  actor: Name = 0;
  permission: Name = 0;
  static of(actor: Name, permission: Name): PermissionLevel {
    const l = new PermissionLevel();
    l.actor = actor;
    l.permission = permission;
    return l;
  }
  same(other: PermissionLevel): bool { return this.actor == other.actor && this.permission == other.permission; }
}

export class Action {
  account: Name = 0;
  name: Name = 0;
  authorization: PermissionLevel[] = [];
  data: Bytes = new ArrayBuffer(0);
}

export class Extension {
  type: u16 = 0;
  data: Bytes = new ArrayBuffer(0);
}

export class Transaction {
  expiration: TimePointSec = 0;
  refBlockNum: u16 = 0;
  refBlockPrefix: u32 = 0;
  maxNetUsageWords: VarUint32 = 0;
  maxCpuUsageMs: u8 = 0;
  delaySec: VarUint32 = 0;
  contextFreeActions: Action[] = [];
  actions: Action[] = [];
  transactionExtensions: Extension[] = [];
}

/** Seconds since the Unix epoch, as `time_point_sec(current_time_point())`. */
export function nowSeconds(): u32 { return <u32>(current_time() / 1000000); }

/** Leap's check: a transaction may run until (and including) its expiration second. */
export function checkNotExpired(trx: Transaction): void {
  check(trx.expiration >= nowSeconds(), "transaction expired");
}

/** Sends each action of `trx` inline, in order (the sender must be privileged to use other authorizations). */
export function sendActionsInline(trx: Transaction, verb: string): void {
  check(trx.contextFreeActions.length == 0, "not allowed to `" + verb + "` a transaction with context-free actions");
  for (let i = 0; i < trx.actions.length; i++) {
    const ds = new DataStream();
    trx.actions[i].pack(ds);
    send_inline(ds.ptr, ds.end);
  }
}
