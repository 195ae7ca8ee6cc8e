// dPay: token balances, transfers and history on the `dpay.token` contract (eosio.token layout).
// balance: chain.get-table-rows on `accounts` (scope = owner), through the host's hybrid cache (a
//   stale answer while offline says so: `stale: true`).
// transfer: dmcs.push of `dpay.token::transfer` from the session account; the host renders the
//   confirmation, signs in the vault and dispatches it, or queues it offline. The outcome
//   ({status, id, block?, error?}) is recorded under "history/<ms>-<id prefix>".
// Screen (capability ui): who you are, your balances (marked when stale), a send form, and your
//   transfers with their state (executed, or queued while offline). Event: send.
// Errors: NO_SESSION (nobody logged in), INVALID_ARGUMENT, ISA_* (a failed ISA call).
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  ual, chain, dmcs, storage, clock, ErrorCode,
  isAccountName, noSession, View, formText,
} from "../../../sdk-as/app";

const CONTRACT = "dpay.token";
const HISTORY = "history/";
/** Memos of at most this many bytes (the contract's limit). */
const MAX_MEMO_BYTES = 256;
/** `history` returns at most this many entries. */
const MAX_HISTORY: u32 = 1000;

/** "1.0000 RSN": digits with an optional fraction, one space, 1–7 capital letters. */
function validQuantity(s: string): bool {
  const sp = s.indexOf(" ");
  if (sp < 1 || sp != s.lastIndexOf(" ")) return false;
  const sym = s.slice(sp + 1);
  if (sym.length < 1 || sym.length > 7) return false;
  for (let i = 0; i < sym.length; i++) { const c = sym.charCodeAt(i); if (c < 65 || c > 90) return false; }
  let dot = 0;
  for (let i = 0; i < sp; i++) {
    const c = s.charCodeAt(i);
    if (c == 46) { dot++; continue; }
    if (c < 48 || c > 57) return false;
  }
  return dot <= 1;
}

function me(): string | null {
  const r = ual.account();
  return r.ok ? r.value : null;
}

/** the account the host is logged in as */
@command("whoami")
function whoami(): Outcome {
  const r = ual.account();
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("ual.account", r.code);
  return ok(Value.map().setStr("account", r.value));
}

/** token balances of an account (default: you), read through the hybrid cache */
@command("balance")
function balance(account: string | null = null): Outcome {
  let who = "";
  if (account !== null) {
    if (!isAccountName(account!)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
    who = account!;
  } else {
    const m = me();
    if (m == null) return noSession();
    who = m!;
  }
  const q = Value.map()
    .setStr("code", CONTRACT).setStr("scope", who).setStr("table", "accounts")
    .setBool("json", true).setInt("limit", 100);
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return isaError("chain.get-table-rows", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "get_table_rows did not answer a map");
  const rows = d.value!.get("rows");
  const balances: Value[] = [];
  if (rows != null && rows.isArray) {
    for (let i = 0; i < rows.length; i++) {
      const b = rows.at(i)!.get("balance");
      if (b != null && b.isStr) balances.push(Value.str(b.s));
    }
  }
  const out = Value.map().setStr("account", who).set("balances", Value.array(balances));
  const stale = d.value!.get("stale");
  if (stale != null && stale.isBool && stale.b) out.setBool("stale", true);
  return ok(out);
}

function hex8(n: i64): string {
  let s = n.toString();
  while (s.length < 16) s = "0" + s;
  return s;
}

/** sends tokens from you; the host asks you to approve it (or queues it offline) */
@command("transfer")
function transfer(to: string, quantity: string, memo: string = ""): Outcome {
  const from = me();
  if (from == null) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  if (!validQuantity(quantity)) return fail("INVALID_ARGUMENT", "'quantity' must be an asset such as \"1.0000 RSN\"");
  if (String.UTF8.byteLength(memo) > MAX_MEMO_BYTES) return fail("INVALID_ARGUMENT", "'memo' is longer than 256 bytes");
  const data = Value.map().setStr("from", from!).setStr("to", to).setStr("quantity", quantity).setStr("memo", memo);
  const action = Value.map().setStr("account", CONTRACT).setStr("name", "transfer").set("data", data);
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  const outcome = d.value!;
  const id = outcome.get("id");
  const at = <i64>clock.nowMs();
  const status = outcome.get("status");
  const entry = Value.map().setInt("at", at).setStr("from", from!).setStr("to", to).setStr("quantity", quantity).setStr("memo", memo)
    .set("status", status != null ? status : Value.str("unknown")).set("id", id != null ? id : Value.str(""));
  const err = outcome.get("error");
  if (err != null) entry.set("error", err);
  const key = HISTORY + hex8(at) + "-" + (id != null && id.isStr ? id.s.slice(0, 8) : "00000000");
  const w = storage.set(key, encode(entry));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(outcome);
}

/** the transfers this app made for you, oldest first */
@command("history")
function history(): Outcome {
  const r = storage.list(HISTORY, MAX_HISTORY);
  if (!r.ok) return isaError("storage.list", r.code);
  const keys = decode(r.value);
  if (!keys.ok || !keys.value!.isArray) return fail("CORRUPT", "storage.list did not return an array");
  const ks = keys.value!;
  const names: string[] = [];
  for (let i = 0; i < ks.length; i++) { const k = ks.at(i)!; if (k.isStr) names.push(k.s); }
  names.sort();
  const out: Value[] = [];
  for (let i = 0; i < names.length; i++) {
    const g = storage.get(names[i]);
    if (!g.ok) continue;
    const e = decode(g.value);
    if (e.ok) out.push(e.value!);
  }
  return ok(Value.array(out));
}


/** Transfers the screen lists, newest first. */
const SCREEN_HISTORY = 20;

function statusText(e: Value): string {
  const st = e.get("status");
  return st != null && st.isStr ? st.s : "unknown";
}

/** The dPay screen, with `message` (the last send's outcome) under the form. */
function screen(message: string, to: string, quantity: string, memo: string): Outcome {
  const v = View.column().heading("dPay");
  const who = me();
  if (who == null) v.text("Nobody is logged in: run peeros login, then reopen this screen.");
  else {
    v.account(who!, "You");
    const b = balance(null);
    if (!b.ok) v.text("Balance unavailable: " + b.message);
    else {
      const bs = b.value.get("balances")!;
      if (bs.length == 0) v.text("No tokens yet.");
      for (let i = 0; i < bs.length; i++) {
        const amount = bs.at(i)!.s;
        v.amount(amount, "Balance");
      }
      const stale = b.value.get("stale");
      if (stale != null && stale.isBool && stale.b) v.text("Offline: this balance may be out of date.");
    }
  }
  v.heading("Send").input("to", "To", to, "account").input("quantity", "Amount", quantity, "1.0000 RSN").input("memo", "Memo", memo).button("send", "Send");
  if (message.length) v.text(message);
  const h = history();
  v.heading("History");
  if (!h.ok) v.text("History unavailable: " + h.message);
  else {
    const all = h.value;
    if (all.length == 0) v.text("No transfers yet.");
    else {
      const rows: string[][] = [];
      let queued = 0;
      for (let i = all.length - 1; i >= 0 && rows.length < SCREEN_HISTORY; i--) {
        const e = all.at(i)!;
        const to = e.get("to");
        const q = e.get("quantity");
        const st = statusText(e);
        if (st == "queued") queued++;
        rows.push([to != null && to.isStr ? to.s : "", q != null && q.isStr ? q.s : "", st]);
      }
      v.table(["To", "Amount", "State"], rows);
      if (queued > 0) v.text(queued.toString() + " transfer(s) wait in the offline queue; they are sent when the chain is reachable.");
    }
  }
  return v.render();
}

/** the dPay screen */
@command("ui.render")
function uiRender(): Outcome { return screen("", "", "", ""); }

/** an event of the dPay screen: send transfers the form's amount */
@command("ui.event")
function uiEvent(id: string, form: Value): Outcome {
  const to = formText(form, "to").trim();
  const quantity = formText(form, "quantity").trim();
  const memo = formText(form, "memo");
  if (id != "send") return screen("", to, quantity, memo);
  const r = transfer(to, quantity, memo);
  if (!r.ok) return screen("Not sent: " + r.message, to, quantity, memo);
  const st = r.value.get("status");
  const state = st != null && st.isStr ? st.s : "unknown";
  return screen(state == "queued" ? "Queued: it is sent when the chain is reachable." : "Sent (" + state + ").", "", "", "");
}
