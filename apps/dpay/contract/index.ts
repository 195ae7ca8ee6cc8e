/**
 * dPay's token contract: eosio.token's actions (create, issue, retire, transfer, open, close) with
 * its semantics, error messages and table layout, so wallets and explorers that know eosio.token
 * read it unchanged. The ABI and the dispatch are generated from the decorated methods.
 */
import { Asset, AssetSymbol, Name, check, self, requireAuth, hasAuth, isAccount, requireRecipient } from "../../../sdk-as/contract/index";
import { Account, CurrencyStats } from "./tables";

const MAX_MEMO_BYTES = 256;

function memoFits(memo: string): bool { return String.UTF8.byteLength(memo) <= MAX_MEMO_BYTES; }

@contract
class Token {
  @action("create")
  create(issuer: Name, maximumSupply: Asset): void {
    requireAuth(self());
    const sym = maximumSupply.symbol;
    check(sym.isValid(), "invalid symbol name");
    check(maximumSupply.isValid(), "invalid supply");
    check(maximumSupply.amount > 0, "max-supply must be positive");
    const stats = CurrencyStats.table(sym.code);
    check(!stats.exists(sym.code), "token with symbol already exists");
    stats.store(new CurrencyStats(new Asset(0, sym), maximumSupply, issuer), self());
  }

  @action("issue")
  issue(to: Name, quantity: Asset, memo: string): void {
    const sym = quantity.symbol;
    check(sym.isValid(), "invalid symbol name");
    check(memoFits(memo), "memo has more than 256 bytes");
    const stats = CurrencyStats.table(sym.code);
    const found = stats.find(sym.code);
    check(found !== null, "token with symbol does not exist, create token before issue");
    const st = found!;
    check(to == st.issuer, "tokens can only be issued to issuer account");
    requireAuth(st.issuer);
    check(quantity.isValid(), "invalid quantity");
    check(quantity.amount > 0, "must issue positive quantity");
    check(quantity.symbol == st.supply.symbol, "symbol precision mismatch");
    check(quantity.amount <= st.maxSupply.amount - st.supply.amount, "quantity exceeds available supply");
    st.supply = st.supply.add(quantity);
    stats.modify(st);
    this.addBalance(st.issuer, quantity, st.issuer);
  }

  @action("retire")
  retire(quantity: Asset, memo: string): void {
    const sym = quantity.symbol;
    check(sym.isValid(), "invalid symbol name");
    check(memoFits(memo), "memo has more than 256 bytes");
    const stats = CurrencyStats.table(sym.code);
    const found = stats.find(sym.code);
    check(found !== null, "token with symbol does not exist");
    const st = found!;
    requireAuth(st.issuer);
    check(quantity.isValid(), "invalid quantity");
    check(quantity.amount > 0, "must retire positive quantity");
    check(quantity.symbol == st.supply.symbol, "symbol precision mismatch");
    st.supply = st.supply.sub(quantity);
    stats.modify(st);
    this.subBalance(st.issuer, quantity);
  }

  @action("transfer")
  transfer(from: Name, to: Name, quantity: Asset, memo: string): void {
    check(from != to, "cannot transfer to self");
    requireAuth(from);
    check(isAccount(to), "to account does not exist");
    const symCode = quantity.symbol.code;
    const st = CurrencyStats.table(symCode).get(symCode);
    requireRecipient(from);
    requireRecipient(to);
    check(quantity.isValid(), "invalid quantity");
    check(quantity.amount > 0, "must transfer positive quantity");
    check(quantity.symbol == st.supply.symbol, "symbol precision mismatch");
    check(memoFits(memo), "memo has more than 256 bytes");
    const payer = hasAuth(to) ? to : from;
    this.subBalance(from, quantity);
    this.addBalance(to, quantity, payer);
  }

  @action("open")
  open(owner: Name, symbol: AssetSymbol, ramPayer: Name): void {
    requireAuth(ramPayer);
    check(isAccount(owner), "owner account does not exist");
    const symCode = symbol.code;
    const st = CurrencyStats.table(symCode).get(symCode, "symbol does not exist");
    check(st.supply.symbol == symbol, "symbol precision mismatch");
    const accounts = Account.table(owner);
    if (!accounts.exists(symCode)) accounts.store(new Account(new Asset(0, symbol)), ramPayer);
  }

  @action("close")
  close(owner: Name, symbol: AssetSymbol): void {
    requireAuth(owner);
    const accounts = Account.table(owner);
    const row = accounts.find(symbol.code);
    check(row !== null, "Balance row already deleted or never existed. Action won't have any effect.");
    check(row!.balance.amount == 0, "Cannot close because the balance is not zero.");
    accounts.erase(symbol.code);
  }

  private subBalance(owner: Name, value: Asset): void {
    const accounts = Account.table(owner);
    const from = accounts.get(value.symbol.code, "no balance object found");
    check(from.balance.amount >= value.amount, "overdrawn balance");
    from.balance = from.balance.sub(value);
    accounts.modify(from, owner);
  }

  private addBalance(owner: Name, value: Asset, ramPayer: Name): void {
    const accounts = Account.table(owner);
    const to = accounts.find(value.symbol.code);
    if (to === null) {
      accounts.store(new Account(value), ramPayer);
    } else {
      to.balance = to.balance.add(value);
      accounts.modify(to);
    }
  }
}
