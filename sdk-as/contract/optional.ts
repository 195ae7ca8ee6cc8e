/**
 * Values that may be absent on the wire. `T | null` is the ABI's `T?` for reference types;
 * `Optional<T>` is `T?` for any type (numbers too); `BinaryExtension<T>` is `T$`, a field that
 * older senders leave out at the end of the data.
 */
export class Optional<T> {
  constructor(public value: T, public present: bool = true) {}
  static none<T>(fallback: T): Optional<T> { return new Optional<T>(fallback, false); }
}

export class BinaryExtension<T> {
  constructor(public value: T, public present: bool = true) {}
  static none<T>(fallback: T): BinaryExtension<T> { return new BinaryExtension<T>(fallback, false); }
}
