/**
 * dPay's tables, laid out exactly as eosio.token's:
 * - `accounts` (scope = owner, primary key = symbol code): `account { balance: asset }`
 * - `stat` (scope = symbol code, primary key = symbol code):
 *   `currency_stats { supply: asset, max_supply: asset, issuer: name }`
 */
import { Asset, Name } from "../../../sdk-as/contract/index";

@table("accounts")
export class Account {
  constructor(public balance: Asset = new Asset()) {}
  @primary get symbolCode(): u64 { return this.balance.symbol.code; }
}

@table("stat")
export class CurrencyStats {
  constructor(public supply: Asset = new Asset(), public maxSupply: Asset = new Asset(), public issuer: Name = 0) {}
  @primary get symbolCode(): u64 { return this.supply.symbol.code; }
}
