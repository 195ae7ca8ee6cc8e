/**
 * __NAME__: a message board. `post(user, text)` stores the latest message of `user` in the table
 * `messages` (scope = this contract, primary key = the user's name); `erase(user)` removes it.
 * Both need the user's authority. The ABI is described in abi.json next to this file.
 */
import { DataStream, Dispatcher, N, Table, check, self, requireAuth } from "peeros/sdk-as/contract";

const MAX_TEXT_BYTES = 256;

class Message {
  constructor(public user: u64 = 0, public text: string = "") {}
  primaryKey(): u64 { return this.user; }
  pack(ds: DataStream): void { ds.writeName(this.user); ds.writeString(this.text); }
  unpack(ds: DataStream): void { this.user = ds.readName(); this.text = ds.readString(); }
}

function messages(): Table<Message> { return new Table<Message>(self(), self(), N("messages")); }

function post(ds: DataStream): void {
  const user = ds.readName();
  const text = ds.readString();
  requireAuth(user);
  check(String.UTF8.byteLength(text) <= MAX_TEXT_BYTES, "text has more than 256 bytes");
  const table = messages();
  const row = table.find(user);
  if (row === null) table.store(new Message(user, text), user);
  else {
    row.text = text;
    table.modify(row, user);
  }
}

function erase(ds: DataStream): void {
  const user = ds.readName();
  requireAuth(user);
  const table = messages();
  check(table.find(user) !== null, "no message of this user");
  table.erase(user);
}

export function apply(receiver: u64, code: u64, action: u64): void {
  new Dispatcher(receiver, code, action)
    .on("post", post)
    .on("erase", erase)
    .run();
}
