/**
 * Antelope `asset`: an i64 amount in units of 10^-precision of a symbol. Arithmetic checks the
 * symbols match and that results stay within ±(2^62 − 1) (Antelope's `asset::max_amount`), failing
 * with Antelope's messages ("addition overflow", "subtraction underflow", …).
 */
import { check } from "./check";
import { AssetSymbol, symbolCodeToString } from "./symbol";

/** Antelope's `asset::max_amount`: 2^62 − 1. */
export const MAX_AMOUNT: i64 = (<i64>1 << 62) - 1;

export class Asset {
  constructor(public amount: i64 = 0, public symbol: AssetSymbol = new AssetSymbol()) {}

  isAmountWithinRange(): bool { return -MAX_AMOUNT <= this.amount && this.amount <= MAX_AMOUNT; }
  isValid(): bool { return this.isAmountWithinRange() && this.symbol.isValid(); }

  add(other: Asset): Asset {
    check(this.symbol == other.symbol, "attempt to add asset with different symbol");
    const amount = this.amount + other.amount;
    check(-MAX_AMOUNT <= amount, "addition underflow");
    check(amount <= MAX_AMOUNT, "addition overflow");
    return new Asset(amount, this.symbol);
  }

  sub(other: Asset): Asset {
    check(this.symbol == other.symbol, "attempt to subtract asset with different symbol");
    const amount = this.amount - other.amount;
    check(-MAX_AMOUNT <= amount, "subtraction underflow");
    check(amount <= MAX_AMOUNT, "subtraction overflow");
    return new Asset(amount, this.symbol);
  }

  @operator("+") plus(other: Asset): Asset { return this.add(other); }
  @operator("-") minus(other: Asset): Asset { return this.sub(other); }

  /** "1.0000 RSN" */
  toString(): string {
    const p = <i32>this.symbol.precision;
    const neg = this.amount < 0;
    let digits = (neg ? -this.amount : this.amount).toString();
    while (digits.length <= p) digits = "0" + digits;
    let text = p > 0 ? digits.slice(0, digits.length - p) + "." + digits.slice(digits.length - p) : digits;
    return (neg ? "-" : "") + text + " " + symbolCodeToString(this.symbol.code);
  }
}
