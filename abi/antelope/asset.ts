/**
 * Antelope `asset`: an int64 amount in the symbol's smallest units plus the symbol.
 * JSON `"1.0000 EOS"` (the number of decimals is the precision); binary int64 ‖ symbol.
 * Like Leap, the magnitude must stay below 2^62.
 */
import { AntelopeError, describe } from './error.js';
import { AssetSymbol, type AssetSymbolType } from './symbol.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

export const MAX_ASSET_AMOUNT = (1n << 62n) - 1n; // Leap asset::max_amount

const ASSET_RE = /^(-?)(\d+)(?:\.(\d*))?\s+([A-Z]{1,7})$/;

export type AssetType = Asset | string;

export class Asset {
  /** Amount in the smallest unit (e.g. 10000 for "1.0000 EOS"). */
  readonly units: bigint;
  readonly symbol: AssetSymbol;

  constructor(units: bigint, symbol: AssetSymbolType) {
    if (units > MAX_ASSET_AMOUNT || units < -MAX_ASSET_AMOUNT) {
      throw new AntelopeError('INVALID_ASSET', `asset: magnitude of amount must be less than 2^62, got ${units}`);
    }
    this.units = units;
    this.symbol = AssetSymbol.from(symbol);
  }

  static from(value: AssetType): Asset {
    if (value instanceof Asset) return value;
    if (typeof value !== 'string')
      throw new AntelopeError('INVALID_ASSET', `asset: expected a string like "1.0000 EOS", got ${describe(value)}`);
    const m = ASSET_RE.exec(value.trim());
    if (!m) throw new AntelopeError('INVALID_ASSET', `asset: expected "<amount> <SYMBOL>" like "1.0000 EOS", got ${describe(value)}`);
    const frac = m[3] ?? '';
    if (frac.length > 18)
      throw new AntelopeError('INVALID_ASSET', `asset: precision must be ≤ 18, got ${frac.length} in ${describe(value)}`);
    const digits = m[2]! + frac;
    let units = digits.length <= 15 ? BigInt(Number(digits)) : BigInt(digits);
    if (m[1]) units = -units;
    return new Asset(units, new AssetSymbol(frac.length, m[4]!));
  }

  static fromUnits(units: bigint | number, symbol: AssetSymbolType): Asset {
    return new Asset(BigInt(units), symbol);
  }

  static decode(r: BinaryReader): Asset {
    const units = r.i64();
    const symbol = AssetSymbol.decode(r);
    return new Asset(units, symbol);
  }

  /** Amount as a JS number (may lose precision past 2^53 units). */
  get value(): number {
    return Number(this.units) / 10 ** this.symbol.precision;
  }

  equals(other: AssetType): boolean {
    const o = Asset.from(other);
    return o.units === this.units && o.symbol.equals(this.symbol);
  }
  toString(): string {
    const p = this.symbol.precision;
    const neg = this.units < 0n;
    let digits = (neg ? -this.units : this.units).toString();
    if (p > 0) {
      digits = digits.padStart(p + 1, '0');
      digits = `${digits.slice(0, -p)}.${digits.slice(-p)}`;
    }
    return `${neg ? '-' : ''}${digits} ${this.symbol.code}`;
  }
  toJSON(): string {
    return this.toString();
  }
  encode(w: BinaryWriter): void {
    w.i64(this.units);
    this.symbol.encode(w);
  }
}
