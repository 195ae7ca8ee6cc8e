/**
 * The running action: its arguments, authorization helpers, notifications, inline actions and a
 * dispatcher that routes action names to handlers.
 *
 *   export function apply(receiver: u64, code: u64, action: u64): void {
 *     new Dispatcher(receiver, code, action)
 *       .on("transfer", onTransfer)   // onTransfer(ds: DataStream): void reads its arguments
 *       .run();
 *   }
 *
 * Handlers run only when the action was sent to this contract (`code == receiver`); a
 * notification (another contract's action with this contract as recipient) runs handlers registered
 * with `onNotify("eosio.token", "transfer", handler)`. An unknown action of this contract fails.
 */
import { fail } from "./check";
import { DataStream } from "./data-stream";
import { N, nameToString } from "./name";
import {
  read_action_data, action_data_size, require_auth, require_auth2, has_auth, is_account,
  require_recipient, send_inline, current_receiver, prints_l, set_action_return_value, current_time,
} from "./env";

/** The packed arguments of the running action. */
export function readActionData(): DataStream {
  const size = action_data_size();
  const buf = new ArrayBuffer(<i32>size);
  if (size > 0) read_action_data(changetype<usize>(buf), size);
  return DataStream.reading(buf);
}

/** The block time in microseconds since the Unix epoch (`current_time`). */
export function currentTimeMicros(): u64 { return current_time(); }

/** The account whose code is running. */
export function self(): u64 { return current_receiver(); }

export function requireAuth(account: u64): void { require_auth(account); }
export function requireAuth2(account: u64, permission: u64): void { require_auth2(account, permission); }
export function hasAuth(account: u64): bool { return has_auth(account); }
export function isAccount(account: u64): bool { return is_account(account); }
export function requireRecipient(account: u64): void { require_recipient(account); }

/** Appends text to the action's console. */
export function print(s: string): void {
  const b = String.UTF8.encode(s);
  prints_l(changetype<usize>(b), <u32>b.byteLength);
}

/** Sets the action's return value (at most 256 bytes). */
export function setReturnValue(ds: DataStream): void { set_action_return_value(ds.ptr, ds.end); }

export class PermissionLevel {
  constructor(public actor: u64 = 0, public permission: u64 = 0) {}
  pack(ds: DataStream): void { ds.writeName(this.actor); ds.writeName(this.permission); }
}

/** An action sent inline from this contract; authorized by `actor@permission` via `eosio.code`. */
export class InlineAction {
  authorization: PermissionLevel[] = [];
  constructor(public account: u64, public name: u64) {}

  authorize(actor: u64, permission: u64 = N("active")): InlineAction {
    this.authorization.push(new PermissionLevel(actor, permission));
    return this;
  }

  /** Sends the action with `data` (the packed arguments). */
  send(data: DataStream): void {
    const ds = new DataStream(new ArrayBuffer(<i32>(64 + data.end)));
    ds.writeName(this.account);
    ds.writeName(this.name);
    ds.writeVarU32(<u32>this.authorization.length);
    for (let i = 0; i < this.authorization.length; i++) this.authorization[i].pack(ds);
    ds.writeRaw(data.ptr, data.end, true);
    send_inline(ds.ptr, ds.end);
  }
}

export type ActionHandler = (args: DataStream) => void;

export class Dispatcher {
  private handler: ActionHandler | null = null;
  private ownAction: bool;

  constructor(public receiver: u64, public code: u64, public action: u64) {
    this.ownAction = code == receiver;
  }

  /** Runs `handler` for this contract's action `name` (names after the match are not even converted). */
  on(name: string, handler: ActionHandler): Dispatcher {
    if (this.handler === null && this.ownAction && N(name) == this.action) this.handler = handler;
    return this;
  }

  /** Runs `handler` when notified of `code`'s action `name` (`code` "*" matches any contract). */
  onNotify(code: string, name: string, handler: ActionHandler): Dispatcher {
    if (this.handler === null && !this.ownAction && N(name) == this.action && (code == "*" || N(code) == this.code)) {
      this.handler = handler;
    }
    return this;
  }

  run(): void {
    const h = this.handler;
    if (h !== null) { h(readActionData()); return; }
    if (this.ownAction) fail("unknown action " + nameToString(this.action));
  }
}
