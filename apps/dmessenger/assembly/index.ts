// dMessenger: end-to-end encrypted direct messages on the `dmessenger` contract.
// send: dmcs.push of `dmessenger::send` whose `sealed` field is {"$seal": text, "for": to}; the host
//   has the vault seal it (ECDH of your key and the recipient's active key, inside the vault) and
//   shows you the text before signing; only the sealed bytes go on chain.
// inbox: chain.get-table-rows of `messages` in your scope with "open": "sealed"; the host has the
//   vault open each message (received or sent) and returns its text.
// Screen (capability ui): your conversations (one per account you wrote with), a conversation's
//   messages opened by the vault, and a form to send one. Events: open:<account>, send, back.
// Errors: NO_SESSION, INVALID_ARGUMENT, BAD_REPLY, ISA_* (a failed ISA call).
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  ual, chain, dmcs, ErrorCode,
  isAccountName, noSession, View, formText,
} from "../../../sdk-as/app";

const CONTRACT = "dmessenger";
/** Longest message text in bytes (the vault seals at most 4 KiB). */
const MAX_TEXT_BYTES = 4096;
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/** sends text to an account, sealed for its active key */
@command("send")
function send(to: string, text: string): Outcome {
  const me = ual.account();
  if (!me.ok) return me.code == ErrorCode.NoSession ? noSession() : isaError("ual.account", me.code);
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  const n = String.UTF8.byteLength(text);
  if (n == 0 || n > MAX_TEXT_BYTES) return fail("INVALID_ARGUMENT", "'text' must be 1 to 4096 bytes");
  const sealed = Value.map().setStr("$seal", text).setStr("for", to);
  const data = Value.map().setStr("from", me.value).setStr("to", to).set("sealed", sealed);
  const action = Value.map().setStr("account", CONTRACT).setStr("name", "send").set("data", data);
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  return ok(d.value!);
}

/** your messages (received and sent), newest first, opened by the vault */
@command("inbox")
function inbox(with_: string = "", limit: i64 = DEFAULT_LIMIT): Outcome {
  const me = ual.account();
  if (!me.ok) return me.code == ErrorCode.NoSession ? noSession() : isaError("ual.account", me.code);
  const other = with_;
  if (other.length > 0 && !isAccountName(other)) return fail("INVALID_ARGUMENT", "'with' must be an Antelope account name");
  if (limit < 1) limit = 1;
  if (limit > MAX_LIMIT) limit = MAX_LIMIT;
  const q = Value.map().setStr("code", CONTRACT).setStr("scope", me.value).setStr("table", "messages")
    .setBool("json", true).setInt("limit", MAX_LIMIT).setBool("reverse", true).setStr("open", "sealed");
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return isaError("chain.get-table-rows", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "get_table_rows did not answer a map");
  const rows = d.value!.get("rows");
  const out: Value[] = [];
  if (rows != null && rows.isArray) {
    for (let i = 0; i < rows.length && <i64>out.length < limit; i++) {
      const row = rows.at(i)!;
      const from = row.get("from");
      const to = row.get("to");
      if (from == null || to == null || !from.isStr || !to.isStr) continue;
      if (other.length > 0 && from.s != other && to.s != other) continue;
      const m = Value.map().set("id", row.get("id")!).setStr("from", from.s).setStr("to", to.s);
      const text = row.get("sealed");
      const opened = row.get("sealed_sealed");
      if (opened != null && opened.isBool && opened.b && text != null && text.isStr) m.setStr("text", text.s);
      else {
        const e = row.get("sealed_error");
        m.setStr("error", e != null && e.isStr ? e.s : "could not be opened");
      }
      const sent = row.get("sent");
      if (sent != null) m.set("sent", sent);
      out.push(m);
    }
  }
  return ok(Value.array(out));
}


/** The send form, addressed to `to` ("" for a new conversation). */
function sendForm(v: View, to: string): void {
  v.heading(to.length ? "Reply" : "New message").input("to", "To", to, "account").textarea("text", "Message (sealed for the recipient by the vault)").button("send", "Send");
}

/** The conversations: each account you exchanged messages with, newest first. */
function conversations(message: string): Outcome {
  const v = View.column().heading("dMessenger");
  const all = inbox("", MAX_LIMIT);
  if (!all.ok) {
    v.text(all.code == "NO_SESSION" ? "Nobody is logged in: run peeros login, then reopen this screen." : "Messages unavailable: " + all.message);
    return v.render();
  }
  const me = ual.account();
  const mine = me.ok ? me.value : "";
  if (mine.length) v.account(mine, "You");
  const seen: string[] = [];
  const list = View.list();
  const ms = all.value;
  for (let i = 0; i < ms.length; i++) {
    const m = ms.at(i)!;
    const other = m.get("from")!.s == mine ? m.get("to")!.s : m.get("from")!.s;
    if (seen.includes(other) || !isAccountName(other)) continue;
    seen.push(other);
    list.add(View.row().account(other).button("open:" + other, "Open"));
  }
  v.heading("Conversations");
  if (seen.length == 0) v.text("No messages yet.");
  else v.add(list);
  sendForm(v, "");
  if (message.length) v.text(message);
  return v.render();
}

/** One conversation, oldest message first. */
function conversation(other: string, message: string): Outcome {
  const v = View.column().heading("dMessenger").account(other, "With");
  const r = inbox(other, MAX_LIMIT);
  if (!r.ok) v.text("Messages unavailable: " + r.message);
  else {
    const ms = r.value;
    if (ms.length == 0) v.text("No messages yet.");
    const list = View.list();
    for (let i = ms.length - 1; i >= 0; i--) {
      const m = ms.at(i)!;
      const text = m.get("text");
      const err = m.get("error");
      const item = View.row().account(m.get("from")!.s);
      item.text(text != null ? text.s : "(could not be opened: " + (err != null ? err.s : "unknown") + ")");
      list.add(item);
    }
    if (ms.length > 0) v.add(list);
  }
  sendForm(v, other);
  if (message.length) v.text(message);
  v.button("back", "All conversations");
  return v.render();
}

/** the dMessenger screen */
@command("ui.render")
function uiRender(): Outcome { return conversations(""); }

/** an event of the dMessenger screen: open:<account>, send, back */
@command("ui.event")
function uiEvent(id: string, form: Value): Outcome {
  if (id.startsWith("open:") && isAccountName(id.slice(5))) return conversation(id.slice(5), "");
  if (id == "send") {
    const to = formText(form, "to").trim();
    const r = send(to, formText(form, "text"));
    let note = "Sent.";
    if (!r.ok) note = "Not sent: " + r.message;
    else {
      const st = r.value.get("status");
      if (st != null && st.isStr && st.s == "queued") note = "Queued: it is sent when the chain is reachable.";
    }
    return isAccountName(to) ? conversation(to, note) : conversations(note);
  }
  return conversations("");
}
