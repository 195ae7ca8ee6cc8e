/**
 * dPay's token contract: eosio.token's actions (create, issue, retire, transfer, open, close) with
 * its semantics, error messages and table layout, so wallets and explorers that know eosio.token
 * read it unchanged. The ABI is described in abi.json next to this file.
 */
import {
  Asset, AssetSymbol, DataStream, Dispatcher, check, self, requireAuth, hasAuth, isAccount, requireRecipient,
} from "../../../sdk-as/contract/index";
import { Account, CurrencyStats, accountsOf, statOf } from "./tables";

const MAX_MEMO_BYTES = 256;

function memoFits(memo: string): bool { return String.UTF8.byteLength(memo) <= MAX_MEMO_BYTES; }

function subBalance(owner: u64, value: Asset): void {
  const accounts = accountsOf(self(), owner);
  const from = accounts.get(value.symbol.code, "no balance object found");
  check(from.balance.amount >= value.amount, "overdrawn balance");
  from.balance = from.balance.sub(value);
  accounts.modify(from, owner);
}

function addBalance(owner: u64, value: Asset, ramPayer: u64): void {
  const accounts = accountsOf(self(), owner);
  const to = accounts.find(value.symbol.code);
  if (to === null) {
    accounts.store(new Account(value), ramPayer);
  } else {
    to.balance = to.balance.add(value);
    accounts.modify(to);
  }
}

function create(ds: DataStream): void {
  const issuer = ds.readName();
  const maximumSupply = ds.readAsset();
  requireAuth(self());
  const sym = maximumSupply.symbol;
  check(sym.isValid(), "invalid symbol name");
  check(maximumSupply.isValid(), "invalid supply");
  check(maximumSupply.amount > 0, "max-supply must be positive");
  const stats = statOf(self(), sym.code);
  check(!stats.exists(sym.code), "token with symbol already exists");
  stats.store(new CurrencyStats(new Asset(0, sym), maximumSupply, issuer), self());
}

function issue(ds: DataStream): void {
  const to = ds.readName();
  const quantity = ds.readAsset();
  const memo = ds.readString();
  const sym = quantity.symbol;
  check(sym.isValid(), "invalid symbol name");
  check(memoFits(memo), "memo has more than 256 bytes");
  const stats = statOf(self(), sym.code);
  const st = stats.find(sym.code);
  check(st !== null, "token with symbol does not exist, create token before issue");
  const s = st!;
  check(to == s.issuer, "tokens can only be issued to issuer account");
  requireAuth(s.issuer);
  check(quantity.isValid(), "invalid quantity");
  check(quantity.amount > 0, "must issue positive quantity");
  check(quantity.symbol == s.supply.symbol, "symbol precision mismatch");
  check(quantity.amount <= s.maxSupply.amount - s.supply.amount, "quantity exceeds available supply");
  s.supply = s.supply.add(quantity);
  stats.modify(s);
  addBalance(s.issuer, quantity, s.issuer);
}

function retire(ds: DataStream): void {
  const quantity = ds.readAsset();
  const memo = ds.readString();
  const sym = quantity.symbol;
  check(sym.isValid(), "invalid symbol name");
  check(memoFits(memo), "memo has more than 256 bytes");
  const stats = statOf(self(), sym.code);
  const st = stats.find(sym.code);
  check(st !== null, "token with symbol does not exist");
  const s = st!;
  requireAuth(s.issuer);
  check(quantity.isValid(), "invalid quantity");
  check(quantity.amount > 0, "must retire positive quantity");
  check(quantity.symbol == s.supply.symbol, "symbol precision mismatch");
  s.supply = s.supply.sub(quantity);
  stats.modify(s);
  subBalance(s.issuer, quantity);
}

function transfer(ds: DataStream): void {
  const from = ds.readName();
  const to = ds.readName();
  const quantity = ds.readAsset();
  const memo = ds.readString();
  check(from != to, "cannot transfer to self");
  requireAuth(from);
  check(isAccount(to), "to account does not exist");
  const symCode = quantity.symbol.code;
  const st = statOf(self(), symCode).get(symCode);
  requireRecipient(from);
  requireRecipient(to);
  check(quantity.isValid(), "invalid quantity");
  check(quantity.amount > 0, "must transfer positive quantity");
  check(quantity.symbol == st.supply.symbol, "symbol precision mismatch");
  check(memoFits(memo), "memo has more than 256 bytes");
  const payer = hasAuth(to) ? to : from;
  subBalance(from, quantity);
  addBalance(to, quantity, payer);
}

function open(ds: DataStream): void {
  const owner = ds.readName();
  const symbol: AssetSymbol = ds.readSymbol();
  const ramPayer = ds.readName();
  requireAuth(ramPayer);
  check(isAccount(owner), "owner account does not exist");
  const symCode = symbol.code;
  const st = statOf(self(), symCode).get(symCode, "symbol does not exist");
  check(st.supply.symbol == symbol, "symbol precision mismatch");
  const accounts = accountsOf(self(), owner);
  if (!accounts.exists(symCode)) accounts.store(new Account(new Asset(0, symbol)), ramPayer);
}

function close(ds: DataStream): void {
  const owner = ds.readName();
  const symbol = ds.readSymbol();
  requireAuth(owner);
  const accounts = accountsOf(self(), owner);
  const row = accounts.find(symbol.code);
  check(row !== null, "Balance row already deleted or never existed. Action won't have any effect.");
  check(row!.balance.amount == 0, "Cannot close because the balance is not zero.");
  accounts.erase(symbol.code);
}

export function apply(receiver: u64, code: u64, action: u64): void {
  new Dispatcher(receiver, code, action)
    .on("create", create)
    .on("issue", issue)
    .on("retire", retire)
    .on("transfer", transfer)
    .on("open", open)
    .on("close", close)
    .run();
}
