// dBnk: balances across accounts on the `dpay.token` contract (eosio.token layout) and transfers.
// watch/unwatch: the accounts you follow besides your own, one storage key "watch/<account>" each.
// overview: each followed account's balances (chain.get-table-rows through the hybrid cache) and
//   the totals per symbol, summed exactly in integer units of the token's precision.
// transfer: dmcs.push of `dpay.token::transfer` from the session account; the manifest caps one
//   transaction at 100 RSN (`maxAmount`), which the host checks and the vault enforces again.
// deposit / withdraw / savings: the savings contract `dbnk` (apps/dbnk/contract). A deposit is a
//   `dpay.token::transfer` to `dbnk` with memo "deposit" (so the same 100 RSN cap applies, in the
//   host and in the vault); withdraw pushes `dbnk::withdraw` of one of your deposits (the contract
//   refuses it before its lock ends); savings reads the terms, the pool and your open deposits.
// Errors: NO_SESSION, INVALID_ARGUMENT, TOO_MANY_ACCOUNTS, NOT_FOUND, REFUSED (the DMCS refused the
// transaction; the message is the chain's), BAD_REPLY, ISA_*.
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  ual, chain, dmcs, storage, ErrorCode, isAccountName, noSession,
} from "../../../sdk-as/app";

const CONTRACT = "dpay.token";
const SAVINGS = "dbnk";
/** The contract keeps at most 50 open deposits per account. */
const MAX_DEPOSITS: i64 = 50;
const WATCH = "watch/";
/** Accounts followed besides your own: bounds one overview to 21 chain reads. */
const MAX_WATCHED: i32 = 20;
const MAX_MEMO_BYTES = 256;

function me(): string | null {
  const r = ual.account();
  return r.ok ? r.value : null;
}

/** An asset string split into units, precision and symbol; null when malformed. */
class Amount {
  constructor(public units: i64, public precision: i32, public symbol: string) {}

  static parse(s: string): Amount | null {
    const sp = s.indexOf(" ");
    if (sp < 1 || sp != s.lastIndexOf(" ")) return null;
    const sym = s.slice(sp + 1);
    if (sym.length < 1 || sym.length > 7) return null;
    for (let i = 0; i < sym.length; i++) { const c = sym.charCodeAt(i); if (c < 65 || c > 90) return null; }
    const num = s.slice(0, sp);
    const dot = num.indexOf(".");
    const digits = dot < 0 ? num : num.slice(0, dot) + num.slice(dot + 1);
    if (digits.length == 0 || digits.length > 18 || (dot >= 0 && num.lastIndexOf(".") != dot)) return null;
    for (let i = 0; i < digits.length; i++) { const c = digits.charCodeAt(i); if (c < 48 || c > 57) return null; }
    return new Amount(I64.parseInt(digits), dot < 0 ? 0 : num.length - dot - 1, sym);
  }

  toString(): string {
    let d = this.units.toString();
    if (this.precision == 0) return d + " " + this.symbol;
    while (d.length <= this.precision) d = "0" + d;
    return d.slice(0, d.length - this.precision) + "." + d.slice(d.length - this.precision) + " " + this.symbol;
  }
}

function watched(): string[] | null {
  const r = storage.list(WATCH, <u32>MAX_WATCHED + 1);
  if (!r.ok) return null;
  const d = decode(r.value);
  if (!d.ok || !d.value!.isArray) return null;
  const out: string[] = [];
  for (let i = 0; i < d.value!.length; i++) {
    const k = d.value!.at(i)!;
    if (k.isStr && k.s.startsWith(WATCH)) out.push(k.s.slice(WATCH.length));
  }
  return out;
}

/** follows an account's balances */
@command("watch")
function watch(account: string): Outcome {
  if (!isAccountName(account)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
  const all = watched();
  if (all === null) return fail("BAD_REPLY", "storage.list did not answer an array");
  if (!all!.includes(account) && all!.length >= MAX_WATCHED) return fail("TOO_MANY_ACCOUNTS", "dBnk follows at most 20 accounts besides yours");
  const w = storage.set(WATCH + account, new Uint8Array(0));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(Value.map().setStr("watching", account));
}

/** stops following an account */
@command("unwatch")
function unwatch(account: string): Outcome {
  if (!isAccountName(account)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
  const r = storage.delete_(WATCH + account);
  if (!r.ok && r.code != ErrorCode.NotFound) return isaError("storage.delete", r.code);
  return ok(Value.map().setStr("unwatched", account));
}

/** The balance strings of `who`, or null when the read failed. */
function balancesOf(who: string): string[] | null {
  const q = Value.map().setStr("code", CONTRACT).setStr("scope", who).setStr("table", "accounts").setBool("json", true).setInt("limit", 100);
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return null;
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return null;
  const rows = d.value!.get("rows");
  const out: string[] = [];
  if (rows != null && rows.isArray)
    for (let i = 0; i < rows.length; i++) {
      const b = rows.at(i)!.get("balance");
      if (b != null && b.isStr) out.push(b.s);
    }
  return out;
}

/** balances of you and the accounts you follow, with totals per symbol */
@command("overview")
function overview(): Outcome {
  const self = me();
  if (self === null) return noSession();
  const others = watched();
  if (others === null) return fail("BAD_REPLY", "storage.list did not answer an array");
  const who: string[] = [self!];
  for (let i = 0; i < others!.length; i++) if (others![i] != self!) who.push(others![i]);
  const accounts: Value[] = [];
  const totals: Amount[] = [];
  for (let i = 0; i < who.length; i++) {
    const bs = balancesOf(who[i]);
    if (bs === null) return fail("BAD_REPLY", "could not read the balances of " + who[i]);
    const list: Value[] = [];
    for (let j = 0; j < bs!.length; j++) {
      list.push(Value.str(bs![j]));
      const a = Amount.parse(bs![j]);
      if (a === null) continue;
      let found = false;
      for (let k = 0; k < totals.length; k++) {
        if (totals[k].symbol == a!.symbol && totals[k].precision == a!.precision) {
          totals[k].units += a!.units;
          found = true;
        }
      }
      if (!found) totals.push(a!);
    }
    accounts.push(Value.map().setStr("account", who[i]).set("balances", Value.array(list)));
  }
  const t: Value[] = [];
  for (let k = 0; k < totals.length; k++) t.push(Value.str(totals[k].toString()));
  return ok(Value.map().set("accounts", Value.array(accounts)).set("totals", Value.array(t)));
}

/** sends tokens from your account (at most 100 RSN per transaction) */
@command("transfer")
function transfer(to: string, quantity: string, memo: string = ""): Outcome {
  const from = me();
  if (from === null) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  if (Amount.parse(quantity) === null) return fail("INVALID_ARGUMENT", "'quantity' must be an asset such as \"1.0000 RSN\"");
  if (String.UTF8.byteLength(memo) > MAX_MEMO_BYTES) return fail("INVALID_ARGUMENT", "'memo' is longer than 256 bytes");
  const data = Value.map().setStr("from", from!).setStr("to", to).setStr("quantity", quantity).setStr("memo", memo);
  return pushOne(CONTRACT, "transfer", data);
}

/** Pushes one action and answers the host's `{status, id, …}`. */
function pushOne(account: string, name: string, data: Value): Outcome {
  const action = Value.map().setStr("account", account).setStr("name", name).set("data", data);
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  const status = d.value!.get("status");
  if (status != null && status.isStr && status.s == "failed") {
    const why = d.value!.get("error");
    return fail("REFUSED", "the DMCS refused it: " + (why != null && why.isStr ? why.s : "no reason given"));
  }
  return ok(d.value!);
}

/** puts tokens into savings: locked for the contract's term, earning its interest (at most 100 RSN per transaction) */
@command("deposit")
function deposit(quantity: string): Outcome {
  const from = me();
  if (from === null) return noSession();
  if (Amount.parse(quantity) === null) return fail("INVALID_ARGUMENT", "'quantity' must be an asset such as \"1.0000 RSN\"");
  const data = Value.map().setStr("from", from!).setStr("to", SAVINGS).setStr("quantity", quantity).setStr("memo", "deposit");
  return pushOne(CONTRACT, "transfer", data);
}

/** takes one of your deposits back with its interest, once its lock has ended */
@command("withdraw")
function withdraw(id: i64): Outcome {
  const owner = me();
  if (owner === null) return noSession();
  if (id < 1) return fail("INVALID_ARGUMENT", "'id' must be a deposit number (see savings)");
  return pushOne(SAVINGS, "withdraw", Value.map().setStr("owner", owner!).setInt("id", id));
}

function savingsRows(scope: string, table: string): Value | null {
  const q = Value.map().setStr("code", SAVINGS).setStr("scope", scope).setStr("table", table).setBool("json", true).setInt("limit", MAX_DEPOSITS);
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return null;
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return null;
  const rows = d.value!.get("rows");
  return rows != null && rows.isArray ? rows : null;
}

/** the savings terms, the interest pool and your open deposits with their unlock times */
@command("savings")
function savings(): Outcome {
  const owner = me();
  if (owner === null) return noSession();
  const cfg = savingsRows(SAVINGS, "config");
  if (cfg === null) return fail("BAD_REPLY", "could not read the savings contract's terms");
  if (cfg!.length == 0) return fail("NOT_FOUND", "the savings contract is not set up on this DMCS");
  const c = cfg!.at(0)!;
  const rows = savingsRows(owner!, "deposits");
  if (rows === null) return fail("BAD_REPLY", "could not read your deposits");
  const list: Value[] = [];
  for (let i = 0; i < rows!.length; i++) {
    const r = rows!.at(i)!;
    const id = r.get("id");
    list.push(
      Value.map().setInt("id", id != null && id.isNumber ? id.toI64() : I64.parseInt(field(r, "id")))
        .setStr("principal", field(r, "principal")).setStr("interest", field(r, "interest")).setStr("unlock", field(r, "unlock")),
    );
  }
  const rate = c.get("rate_bps");
  const lock = c.get("lock_seconds");
  return ok(
    Value.map().setStr("account", owner!).setStr("pool", field(c, "pool")).setStr("reserved", field(c, "reserved"))
      .setInt("rateBps", rate != null && rate.isNumber ? rate.toI64() : 0).setInt("lockSeconds", lock != null && lock.isNumber ? lock.toI64() : 0)
      .set("deposits", Value.array(list)),
  );
}

function field(row: Value, key: string): string {
  const v = row.get(key);
  return v != null && v.isStr ? v.s : "";
}
