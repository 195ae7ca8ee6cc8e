/**
 * Antelope `extended_asset`: an asset and the token contract that issued it.
 * JSON `{ "quantity": "1.0000 EOS", "contract": "eosio.token" }`; binary asset ‖ name.
 */
import { AntelopeError, describe } from './error.js';
import { Asset, type AssetType } from './asset.js';
import { Name, type NameType } from './name.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export type ExtendedAssetType = ExtendedAsset | { quantity: AssetType; contract: NameType };

export class ExtendedAsset {
  readonly quantity: Asset;
  readonly contract: Name;
  constructor(quantity: AssetType, contract: NameType) {
    this.quantity = Asset.from(quantity);
    this.contract = Name.from(contract);
  }
  static from(value: ExtendedAssetType): ExtendedAsset {
    if (value instanceof ExtendedAsset) return value;
    if (typeof value !== 'object' || value === null) {
      throw new AntelopeError('INVALID_ASSET', `extended_asset: expected { quantity, contract }, got ${describe(value)}`);
    }
    return new ExtendedAsset(value.quantity, value.contract);
  }
  static decode(r: BinaryReader): ExtendedAsset {
    return new ExtendedAsset(Asset.decode(r), Name.decode(r));
  }
  equals(other: ExtendedAssetType): boolean {
    const o = ExtendedAsset.from(other);
    return o.quantity.equals(this.quantity) && o.contract.equals(this.contract);
  }
  toJSON(): { quantity: string; contract: string } {
    return { quantity: this.quantity.toString(), contract: this.contract.toString() };
  }
  encode(w: BinaryWriter): void {
    this.quantity.encode(w);
    this.contract.encode(w);
  }
}
