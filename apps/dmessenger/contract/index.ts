/**
 * dMessenger's contract: direct messages between accounts, stored only as sealed bytes (the host
 * and the vault encrypt them end to end; this contract never sees text). Each message is stored in
 * the recipient's scope (inbox) and the sender's scope (outbox) of the `messages` table.
 *
 *   send(from, to, sealed)   require_auth(from); `to` exists and is not `from`; 1..4200 bytes
 */
import { Bytes, Name, TimePointSec, check, requireAuth, isAccount, requireRecipient } from "../../../sdk-as/contract/index";
import { current_time } from "../../../sdk-as/contract/env";

/** A sealed message: 4 KiB of text plus the keys, nonce and tag around it. */
const MAX_SEALED_BYTES = 4200;

@table("messages")
class MessageRow {
  @primary id: u64 = 0;
  from: Name = 0;
  to: Name = 0;
  sealed: Bytes = new ArrayBuffer(0);
  sent: TimePointSec = 0;
}

/** One more than the scope's largest id so far, 1 for the first message. */
function nextId(scope: Name): u64 {
  const last = MessageRow.table(scope).last();
  return last === null ? 1 : last.id + 1;
}

function store(scope: Name, from: Name, to: Name, sealed: Bytes, sent: TimePointSec): void {
  const row = new MessageRow();
  row.id = nextId(scope);
  row.from = from;
  row.to = to;
  row.sealed = sealed;
  row.sent = sent;
  MessageRow.table(scope).store(row, from);
}

@contract
class Messenger {
  @action("send")
  send(from: Name, to: Name, sealed: Bytes): void {
    requireAuth(from);
    check(from != to, "cannot message yourself");
    check(isAccount(to), "recipient account does not exist");
    check(sealed.byteLength > 0 && sealed.byteLength <= MAX_SEALED_BYTES, "a sealed message has 1 to 4200 bytes");
    const sent = <u32>(current_time() / 1000000);
    store(to, from, to, sealed, sent);
    store(from, from, to, sealed, sent);
    requireRecipient(to);
  }
}
