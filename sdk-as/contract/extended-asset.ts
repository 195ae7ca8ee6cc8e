/** Antelope `extended_asset`: an asset and the token contract that issues it. */
import { Asset } from "./asset";

export class ExtendedAsset {
  constructor(public quantity: Asset = new Asset(), public contract: u64 = 0) {}
}
