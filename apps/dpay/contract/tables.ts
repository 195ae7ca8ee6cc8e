/**
 * dPay's tables, laid out exactly as eosio.token's:
 * - `accounts` (scope = owner, primary key = symbol code): `account { balance: asset }`
 * - `stat` (scope = symbol code, primary key = symbol code):
 *   `currency_stats { supply: asset, max_supply: asset, issuer: name }`
 */
import { Asset, DataStream, N, Table } from "../../../sdk-as/contract/index";

export class Account {
  constructor(public balance: Asset = new Asset()) {}
  primaryKey(): u64 { return this.balance.symbol.code; }
  pack(ds: DataStream): void { ds.writeAsset(this.balance); }
  unpack(ds: DataStream): void { this.balance = ds.readAsset(); }
}

export class CurrencyStats {
  constructor(public supply: Asset = new Asset(), public maxSupply: Asset = new Asset(), public issuer: u64 = 0) {}
  primaryKey(): u64 { return this.supply.symbol.code; }
  pack(ds: DataStream): void { ds.writeAsset(this.supply); ds.writeAsset(this.maxSupply); ds.writeName(this.issuer); }
  unpack(ds: DataStream): void { this.supply = ds.readAsset(); this.maxSupply = ds.readAsset(); this.issuer = ds.readName(); }
}

export function accountsOf(self: u64, owner: u64): Table<Account> { return new Table<Account>(self, owner, N("accounts")); }
export function statOf(self: u64, symCode: u64): Table<CurrencyStats> { return new Table<CurrencyStats>(self, symCode, N("stat")); }
