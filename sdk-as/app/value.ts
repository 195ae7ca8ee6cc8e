/**
 * `Value`: a dynamically typed msgpack value (nil, bool, int (i64), float (f64), string, binary,
 * array, map), the currency of command arguments and results. One class with a `kind` tag and
 * typed accessors, so apps need neither casts nor `instanceof`. Maps keep insertion order and
 * may have any key type; `get("name")` looks up string keys.
 */

export enum Kind {
  Nil = 0,
  Bool = 1,
  Int = 2,
  Float = 3,
  Str = 4,
  Bin = 5,
  Array = 6,
  Map = 7,
}

export class Value {
  kind: Kind = Kind.Nil;
  b: bool = false;
  i: i64 = 0;
  f: f64 = 0;
  s: string = "";
  bin: Uint8Array | null = null;
  /** Array items, or map keys. */
  items: Value[] | null = null;
  /** Map values (parallel to `items`). */
  vals: Value[] | null = null;

  static nil(): Value { return new Value(); }
  static bool(b: bool): Value { const v = new Value(); v.kind = Kind.Bool; v.b = b; return v; }
  static int(i: i64): Value { const v = new Value(); v.kind = Kind.Int; v.i = i; return v; }
  static float(f: f64): Value { const v = new Value(); v.kind = Kind.Float; v.f = f; return v; }
  static str(s: string): Value { const v = new Value(); v.kind = Kind.Str; v.s = s; return v; }
  static bin(b: Uint8Array): Value { const v = new Value(); v.kind = Kind.Bin; v.bin = b; return v; }
  static array(items: Value[] = []): Value { const v = new Value(); v.kind = Kind.Array; v.items = items; return v; }
  static map(): Value { const v = new Value(); v.kind = Kind.Map; v.items = []; v.vals = []; return v; }

  get isNil(): bool { return this.kind == Kind.Nil; }
  get isBool(): bool { return this.kind == Kind.Bool; }
  get isInt(): bool { return this.kind == Kind.Int; }
  get isFloat(): bool { return this.kind == Kind.Float; }
  get isNumber(): bool { return this.kind == Kind.Int || this.kind == Kind.Float; }
  get isStr(): bool { return this.kind == Kind.Str; }
  get isBin(): bool { return this.kind == Kind.Bin; }
  get isArray(): bool { return this.kind == Kind.Array; }
  get isMap(): bool { return this.kind == Kind.Map; }

  /** The number as an i64 (floats truncated toward zero, saturating), 0 when not a number. */
  toI64(): i64 {
    if (this.kind == Kind.Int) return this.i;
    if (this.kind == Kind.Float) {
      const f = this.f;
      if (isNaN(f)) return 0;
      if (f >= 9.223372036854775807e18) return i64.MAX_VALUE;
      if (f <= -9.223372036854775808e18) return i64.MIN_VALUE;
      return <i64>f;
    }
    return 0;
  }

  /** The number as an f64, NaN when not a number. */
  toF64(): f64 {
    if (this.kind == Kind.Int) return <f64>this.i;
    if (this.kind == Kind.Float) return this.f;
    return NaN;
  }

  /** Whether this is an int, or a float with an integral value (msgpackr sends 2^32.. as floats). */
  get isInteger(): bool {
    return this.kind == Kind.Int || (this.kind == Kind.Float && Math.floor(this.f) == this.f && Math.abs(this.f) <= 9007199254740992.0);
  }

  /** Items of an array, or keys of a map; empty otherwise. */
  get length(): i32 {
    const it = this.items;
    return it ? it.length : 0;
  }

  /** Array item `n`, or null when out of range or not an array. */
  at(n: i32): Value | null {
    if (this.kind != Kind.Array) return null;
    const it = this.items!;
    return n >= 0 && n < it.length ? unchecked(it[n]) : null;
  }

  /** Appends to an array; returns this for chaining. */
  push(v: Value): Value {
    if (this.kind == Kind.Array) this.items!.push(v);
    return this;
  }

  /** The value under string key `key` of a map, or null. */
  get(key: string): Value | null {
    if (this.kind != Kind.Map) return null;
    const ks = this.items!;
    for (let n = 0; n < ks.length; n++) {
      const k = unchecked(ks[n]);
      if (k.kind == Kind.Str && k.s == key) return unchecked(this.vals![n]);
    }
    return null;
  }

  /** Sets string key `key` of a map (replacing an existing entry); returns this for chaining. */
  set(key: string, v: Value): Value {
    if (this.kind != Kind.Map) return this;
    const ks = this.items!;
    for (let n = 0; n < ks.length; n++) {
      const k = unchecked(ks[n]);
      if (k.kind == Kind.Str && k.s == key) { this.vals![n] = v; return this; }
    }
    ks.push(Value.str(key));
    this.vals!.push(v);
    return this;
  }

  setStr(key: string, s: string): Value { return this.set(key, Value.str(s)); }
  setInt(key: string, i: i64): Value { return this.set(key, Value.int(i)); }
  setBool(key: string, b: bool): Value { return this.set(key, Value.bool(b)); }

  /** Map key `n` (any kind), or null. */
  keyAt(n: i32): Value | null {
    if (this.kind != Kind.Map) return null;
    return n >= 0 && n < this.items!.length ? unchecked(this.items![n]) : null;
  }
  /** Map value `n`, or null. */
  valueAt(n: i32): Value | null {
    if (this.kind != Kind.Map) return null;
    return n >= 0 && n < this.vals!.length ? unchecked(this.vals![n]) : null;
  }

  /** Short, JSON-like text for messages and tests (binary as `<bin N>`). */
  toString(): string {
    switch (this.kind) {
      case Kind.Nil: return "null";
      case Kind.Bool: return this.b ? "true" : "false";
      case Kind.Int: return this.i.toString();
      case Kind.Float: return this.f.toString();
      case Kind.Str: return "\"" + this.s + "\"";
      case Kind.Bin: return "<bin " + this.bin!.length.toString() + ">";
      case Kind.Array: {
        let out = "[";
        const it = this.items!;
        for (let n = 0; n < it.length; n++) out += (n ? "," : "") + unchecked(it[n]).toString();
        return out + "]";
      }
      default: {
        let out = "{";
        const ks = this.items!;
        for (let n = 0; n < ks.length; n++) out += (n ? "," : "") + unchecked(ks[n]).toString() + ":" + unchecked(this.vals![n]).toString();
        return out + "}";
      }
    }
  }
}
