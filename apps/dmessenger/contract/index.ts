/**
 * dMessenger's contract: direct messages between accounts, stored only as sealed bytes (the host
 * and the vault encrypt them end to end; this contract never sees text). Each message is stored in
 * the recipient's scope (inbox) and the sender's scope (outbox) of the `messages` table.
 *
 *   send(from, to, sealed)   require_auth(from); `to` exists and is not `from`; 1..4200 bytes
 */
import { DataStream, Dispatcher, N, Table, check, self, requireAuth, isAccount, requireRecipient } from "../../../sdk-as/contract/index";
import { db_end_i64, db_previous_i64, current_time } from "../../../sdk-as/contract/env";

/** A sealed message: 4 KiB of text plus the keys, nonce and tag around it. */
const MAX_SEALED_BYTES = 4200;
/** 8 bytes where db_previous_i64 writes the primary key it lands on. */
const KEY_SCRATCH: usize = memory.data(8);

class MessageRow {
  constructor(public id: u64 = 0, public from: u64 = 0, public to: u64 = 0, public sealed: ArrayBuffer = new ArrayBuffer(0), public sent: u32 = 0) {}
  primaryKey(): u64 { return this.id; }
  pack(ds: DataStream): void { ds.writeU64(this.id); ds.writeName(this.from); ds.writeName(this.to); ds.writeBytes(this.sealed); ds.writeU32(this.sent); }
  unpack(ds: DataStream): void { this.id = ds.readU64(); this.from = ds.readName(); this.to = ds.readName(); this.sealed = ds.readBytes(); this.sent = ds.readU32(); }
}

function nextId(scope: u64): u64 {
  const end = db_end_i64(self(), scope, N("messages"));
  if (end == -1) return 1;
  if (db_previous_i64(end, KEY_SCRATCH) < 0) return 1;
  return load<u64>(KEY_SCRATCH) + 1;
}

function store(scope: u64, from: u64, to: u64, sealed: ArrayBuffer, sent: u32): void {
  new Table<MessageRow>(self(), scope, N("messages")).store(new MessageRow(nextId(scope), from, to, sealed, sent), from);
}

function send(ds: DataStream): void {
  const from = ds.readName();
  const to = ds.readName();
  const sealed = ds.readBytes();
  requireAuth(from);
  check(from != to, "cannot message yourself");
  check(isAccount(to), "recipient account does not exist");
  check(sealed.byteLength > 0 && sealed.byteLength <= MAX_SEALED_BYTES, "a sealed message has 1 to 4200 bytes");
  const sent = <u32>(current_time() / 1000000);
  store(to, from, to, sealed, sent);
  store(from, from, to, sealed, sent);
  requireRecipient(to);
}

export function apply(receiver: u64, code: u64, action: u64): void {
  new Dispatcher(receiver, code, action).on("send", send).run();
}
