/**
 * dBnk savings: time-locked deposits of one `dpay.token` symbol that earn a fixed interest, paid
 * from a pool a funder account keeps filled. Every amount is an integer count of the symbol's units;
 * every sum is checked against Antelope's ±(2^62 − 1); nothing here can go negative.
 *
 *   setup(funder, symbol, lock_seconds, rate_bps)           require_auth(self), once.
 *       The terms: deposits of `symbol` are locked `lock_seconds` and earn `rate_bps` basis points
 *       of their principal over that lock (10000 = 100 %).
 *   dpay.token::transfer to this contract (a notification; nothing else moves tokens in)
 *       memo "fund" from the funder: adds to the interest pool.
 *       memo "deposit" from anyone: a new deposit in the sender's scope; its interest is reserved
 *       from the pool at once, so a deposit the pool cannot pay is refused (and the transfer with
 *       it). Any other memo is refused: tokens are never stuck here by mistake.
 *       Notifications from any other contract are ignored (a fake token's "transfer" moves nothing
 *       real); our own outgoing transfers notify us too and are ignored.
 *   withdraw(owner, id)                                       require_auth(owner).
 *       Refused before the deposit's unlock time; then erases it and sends principal + interest to
 *       `owner` with an inline `dpay.token::transfer` (dbnk@active must include dbnk@eosio.code).
 *
 * Tables: `config` (singleton), `deposits` (scope = owner, key = id from config.next_id).
 */
import { Asset, AssetSymbol, Name, TimePointSec, check, fail, requireAuth, self, N, DataStream, InlineAction, nameToString } from "../../../sdk-as/contract/index";
import { current_time } from "../../../sdk-as/contract/env";
import { MAX_AMOUNT } from "../../../sdk-as/contract/asset";

/** The token contract whose transfers count; any other contract's notifications are ignored. */
const TOKEN: u64 = N("dpay.token");
/** 100 % of the principal per lock: the most interest a term may promise. */
const MAX_RATE_BPS: u32 = 10000;
const BPS: i64 = 10000;
/** Ten years: a longer lock is a mistake, not a savings plan. */
const MAX_LOCK_SECONDS: u32 = 315360000;
/** Open deposits per owner: a withdraw or a deposit scans at most this many rows of the owner's scope. */
const MAX_OPEN_DEPOSITS: i32 = 50;

@singleton("config")
class Config {
  funder: Name = 0;
  symbol: AssetSymbol = new AssetSymbol();
  lockSeconds: u32 = 0;
  rateBps: u32 = 0;
  /** Funded and not promised to any deposit. */
  pool: Asset = new Asset();
  /** Promised to open deposits. */
  reserved: Asset = new Asset();
  /** Principal of open deposits. */
  deposited: Asset = new Asset();
  nextId: u64 = 1;
}

@table("deposits")
class Deposit {
  @primary id: u64 = 0;
  principal: Asset = new Asset();
  interest: Asset = new Asset();
  unlock: TimePointSec = 0;
}

function nowSeconds(): u64 {
  return current_time() / 1000000;
}

/** floor(amount × rate / 10000) without an intermediate above 2^62: amount = q·10000 + r. */
function interestOf(amount: i64, rate: u32): i64 {
  const q = amount / BPS;
  const r = amount % BPS;
  return q * <i64>rate + (r * <i64>rate) / BPS;
}

function config(): Config {
  return Config.singleton().get("dbnk is not set up yet (setup)");
}

@contract
class Savings {
  @action("setup")
  setup(funder: Name, symbol: AssetSymbol, lockSeconds: u32, rateBps: u32): void {
    requireAuth(self());
    const s = Config.singleton();
    check(!s.exists(), "dbnk is already set up: its terms never change under open deposits");
    check(symbol.isValid(), "symbol: invalid symbol");
    check(lockSeconds >= 1 && lockSeconds <= MAX_LOCK_SECONDS, "lock_seconds: expected 1 to 315360000 (ten years)");
    check(rateBps <= MAX_RATE_BPS, "rate_bps: expected 0 to 10000 (100 % per lock)");
    const c = new Config();
    c.funder = funder;
    c.symbol = symbol;
    c.lockSeconds = lockSeconds;
    c.rateBps = rateBps;
    c.pool = new Asset(0, symbol);
    c.reserved = new Asset(0, symbol);
    c.deposited = new Asset(0, symbol);
    s.set(c, self());
  }

  @notify("dpay.token::transfer")
  onTransfer(from: Name, to: Name, quantity: Asset, memo: string): void {
    if (to != self() || from == self()) return;
    const c = config();
    check(quantity.symbol == c.symbol, "dbnk takes only " + c.symbol.toString());
    check(quantity.amount > 0 && quantity.amount <= MAX_AMOUNT, "quantity: expected a positive amount");
    if (memo == "fund") {
      check(from == c.funder, "only the funder (" + nameToString(c.funder) + ") funds the interest pool");
      c.pool = c.pool.add(quantity);
    } else if (memo == "deposit") {
      this.deposit(c, from, quantity);
    } else {
      fail("memo: expected \"deposit\" or \"fund\"; the transfer is refused, nothing was kept");
    }
    Config.singleton().set(c, self());
  }

  private deposit(c: Config, owner: Name, principal: Asset): void {
    const interest = new Asset(interestOf(principal.amount, c.rateBps), c.symbol);
    check(
      interest.amount <= c.pool.amount,
      "the interest pool has " + c.pool.toString() + " left and this deposit would earn " + interest.toString() + ": deposit refused",
    );
    check(interest.amount <= MAX_AMOUNT - principal.amount, "principal plus interest would exceed the largest asset amount");
    const table = Deposit.table(owner);
    let open = 0;
    for (let cur = table.cursor(); cur.valid; cur.next()) open++;
    check(open < MAX_OPEN_DEPOSITS, "an account has at most 50 open deposits");
    c.pool = c.pool.sub(interest);
    c.reserved = c.reserved.add(interest);
    c.deposited = c.deposited.add(principal);
    const d = new Deposit();
    d.id = c.nextId;
    d.principal = principal;
    d.interest = interest;
    const unlock = nowSeconds() + <u64>c.lockSeconds;
    check(unlock <= <u64>u32.MAX_VALUE, "the unlock time does not fit a time_point_sec");
    d.unlock = <u32>unlock;
    c.nextId = c.nextId + 1;
    table.store(d, self());
  }

  @action("withdraw")
  withdraw(owner: Name, id: u64): void {
    requireAuth(owner);
    const c = config();
    const table = Deposit.table(owner);
    const found = table.find(id);
    check(found != null, "no deposit " + id.toString() + " of " + nameToString(owner));
    const d = found!;
    const now = nowSeconds();
    check(
      now >= <u64>d.unlock,
      "deposit " + id.toString() + " is locked for another " + (<u64>d.unlock - now).toString() + " s (until unix time " + d.unlock.toString() + ")",
    );
    const payout = d.principal.add(d.interest);
    c.reserved = c.reserved.sub(d.interest);
    c.deposited = c.deposited.sub(d.principal);
    check(c.reserved.amount >= 0 && c.deposited.amount >= 0, "dbnk's books do not balance");
    table.erase(id);
    Config.singleton().set(c, self());
    const data = new DataStream(new ArrayBuffer(128));
    data.writeName(self());
    data.writeName(owner);
    data.writeAsset(payout);
    data.writeString("dBnk savings " + id.toString());
    new InlineAction(TOKEN, N("transfer")).authorize(self()).send(data);
  }
}
