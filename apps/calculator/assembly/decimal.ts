/**
 * Exact decimal numbers of arbitrary precision: a sign, a magnitude as little-endian decimal
 * digits, and a scale (digits after the point). Addition, subtraction and multiplication are
 * exact; division is rounded half-up (away from zero on a tie) to DIV_SCALE decimal places.
 * Results drop trailing fractional zeros ("0.30" → "0.3").
 */

/** Decimal places kept by division (the only inexact operation). */
export const DIV_SCALE: i32 = 20;
/** Largest number of digits an operand or result may have (bounds CPU and memory per command). */
export const MAX_DIGITS: i32 = 1000;

export class Decimal {
  constructor(public neg: bool, public digits: u8[], public scale: i32) {}

  get isZero(): bool { return this.digits.length == 0; }

  static zero(): Decimal { return new Decimal(false, [], 0); }

  static fromI64(v: i64): Decimal {
    const neg = v < 0;
    const d: u8[] = [];
    // work on the negative value so i64.MIN_VALUE does not overflow
    let n: i64 = neg ? v : -v;
    while (n != 0) { d.push(<u8>(-(n % 10))); n /= 10; }
    return new Decimal(neg, d, 0).normalize();
  }

  /** Strips leading zeros of the magnitude and trailing fractional zeros; zero is never negative. */
  normalize(): Decimal {
    const d = this.digits;
    while (d.length > 0 && d[d.length - 1] == 0) d.pop();
    let strip = 0;
    while (strip < this.scale && strip < d.length && d[strip] == 0) strip++;
    if (strip > 0) {
      this.digits = d.slice(strip);
      this.scale -= strip;
    }
    if (this.digits.length == 0) { this.neg = false; this.scale = 0; }
    if (this.scale < 0) { // integer with trailing zeros absorbed: expand back
      const out: u8[] = [];
      for (let i = 0; i < -this.scale; i++) out.push(0);
      this.digits = out.concat(this.digits);
      this.scale = 0;
    }
    return this;
  }

  toString(): string {
    if (this.digits.length == 0) return "0";
    const d = this.digits;
    let s = "";
    const intLen = d.length - this.scale;
    if (intLen <= 0) s = "0";
    for (let i = d.length - 1; i >= this.scale; i--) s += String.fromCharCode(48 + <i32>d[i]);
    if (this.scale > 0) {
      s += ".";
      for (let i = this.scale - 1; i >= 0; i--) s += i < d.length ? String.fromCharCode(48 + <i32>d[i]) : "0";
    }
    return (this.neg ? "-" : "") + s;
  }

  get digitCount(): i32 { return this.digits.length > this.scale ? this.digits.length : this.scale + 1; }
}

// ---- magnitudes: little-endian decimal digits, no leading (high) zeros

function cmpMag(a: u8[], b: u8[]): i32 {
  if (a.length != b.length) return a.length < b.length ? -1 : 1;
  for (let i = a.length - 1; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

function trim(a: u8[]): u8[] {
  while (a.length > 0 && a[a.length - 1] == 0) a.pop();
  return a;
}

function addMag(a: u8[], b: u8[]): u8[] {
  const n = a.length > b.length ? a.length : b.length;
  const out: u8[] = [];
  let carry: i32 = 0;
  for (let i = 0; i < n; i++) {
    const s = (i < a.length ? <i32>a[i] : 0) + (i < b.length ? <i32>b[i] : 0) + carry;
    out.push(<u8>(s % 10));
    carry = s / 10;
  }
  if (carry) out.push(<u8>carry);
  return out;
}

/** a - b for a >= b. */
function subMag(a: u8[], b: u8[]): u8[] {
  const out: u8[] = [];
  let borrow: i32 = 0;
  for (let i = 0; i < a.length; i++) {
    let s = <i32>a[i] - (i < b.length ? <i32>b[i] : 0) - borrow;
    if (s < 0) { s += 10; borrow = 1; } else borrow = 0;
    out.push(<u8>s);
  }
  return trim(out);
}

function mulMag(a: u8[], b: u8[]): u8[] {
  if (a.length == 0 || b.length == 0) return [];
  const acc = new Array<i32>(a.length + b.length);
  for (let i = 0; i < acc.length; i++) acc[i] = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = <i32>a[i];
    if (ai == 0) continue;
    for (let j = 0; j < b.length; j++) acc[i + j] += ai * <i32>b[j];
    // keep the accumulators small enough for i32
    if ((i & 63) == 63) for (let k = 0; k < acc.length - 1; k++) { acc[k + 1] += acc[k] / 10; acc[k] %= 10; }
  }
  const out: u8[] = [];
  let carry: i32 = 0;
  for (let k = 0; k < acc.length; k++) {
    const s = acc[k] + carry;
    out.push(<u8>(s % 10));
    carry = s / 10;
  }
  while (carry) { out.push(<u8>(carry % 10)); carry /= 10; }
  return trim(out);
}

/** Multiplies by 10^k (prepends k low zeros). */
function shiftMag(a: u8[], k: i32): u8[] {
  if (a.length == 0 || k <= 0) return a.slice(0);
  const out: u8[] = [];
  for (let i = 0; i < k; i++) out.push(0);
  return out.concat(a);
}

/** Long division: floor(a / b) for b != 0. */
function divMag(a: u8[], b: u8[]): u8[] {
  const q: u8[] = [];
  let rem: u8[] = [];
  for (let i = a.length - 1; i >= 0; i--) {
    rem.unshift(a[i]);
    rem = trim(rem);
    let digit: u8 = 0;
    while (cmpMag(rem, b) >= 0) { rem = subMag(rem, b); digit++; }
    q.unshift(digit);
  }
  return trim(q);
}

// ---- decimal operations

function aligned(a: Decimal, b: Decimal): i32 { return a.scale > b.scale ? a.scale : b.scale; }

export function add(a: Decimal, b: Decimal): Decimal {
  const s = aligned(a, b);
  const am = shiftMag(a.digits, s - a.scale);
  const bm = shiftMag(b.digits, s - b.scale);
  if (a.neg == b.neg) return new Decimal(a.neg, addMag(am, bm), s).normalize();
  const c = cmpMag(am, bm);
  if (c == 0) return Decimal.zero();
  return c > 0 ? new Decimal(a.neg, subMag(am, bm), s).normalize() : new Decimal(b.neg, subMag(bm, am), s).normalize();
}

export function neg(a: Decimal): Decimal {
  return new Decimal(a.isZero ? false : !a.neg, a.digits.slice(0), a.scale);
}

export function sub(a: Decimal, b: Decimal): Decimal { return add(a, neg(b)); }

export function mul(a: Decimal, b: Decimal): Decimal {
  return new Decimal(a.neg != b.neg, mulMag(a.digits, b.digits), a.scale + b.scale).normalize();
}

/** a / b rounded half-up to DIV_SCALE places; the caller checks b != 0. */
export function div(a: Decimal, b: Decimal): Decimal {
  // a/b = (A·10^sb) / (B·10^sa); one extra digit for rounding
  const k = DIV_SCALE + 1;
  const num = shiftMag(a.digits, b.scale + k);
  const den = shiftMag(b.digits, a.scale);
  let q = divMag(num, den);
  const roundUp = q.length > 0 && q[0] >= 5;
  q = q.length > 0 ? q.slice(1) : q;
  if (roundUp) q = addMag(q, [1]);
  return new Decimal(a.neg != b.neg, trim(q), DIV_SCALE).normalize();
}

/** Result of parsing a number: the value, or the offset of the first bad character. */
export class ParsedNumber {
  constructor(public value: Decimal | null, public end: i32, public error: string, public tooLarge: bool = false) {}
}

function isDigit(c: i32): bool { return c >= 48 && c <= 57; }

/**
 * Parses a decimal literal at `pos` of `s`: digits, an optional fraction, an optional exponent
 * (`1.5e-3`). `end` is the offset after the literal. No sign: the expression parser handles it.
 */
export function parseNumber(s: string, pos: i32): ParsedNumber {
  let i = pos;
  const digits: u8[] = [];
  let scale = 0;
  let seen = false;
  while (i < s.length && isDigit(s.charCodeAt(i))) { digits.unshift(<u8>(s.charCodeAt(i) - 48)); i++; seen = true; }
  if (i < s.length && s.charCodeAt(i) == 46) { // '.'
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) { digits.unshift(<u8>(s.charCodeAt(i) - 48)); scale++; i++; seen = true; }
  }
  if (!seen) return new ParsedNumber(null, pos, "expected a number");
  if (i < s.length && (s.charCodeAt(i) == 101 || s.charCodeAt(i) == 69)) { // e E
    let j = i + 1;
    let eneg = false;
    if (j < s.length && (s.charCodeAt(j) == 43 || s.charCodeAt(j) == 45)) { eneg = s.charCodeAt(j) == 45; j++; }
    if (j >= s.length || !isDigit(s.charCodeAt(j))) return new ParsedNumber(null, j, "expected exponent digits");
    let e = 0;
    while (j < s.length && isDigit(s.charCodeAt(j))) {
      e = e * 10 + (s.charCodeAt(j) - 48);
      if (e > MAX_DIGITS) return new ParsedNumber(null, j, "exponent too large", true);
      j++;
    }
    scale += eneg ? e : -e;
    i = j;
  }
  if (digits.length > MAX_DIGITS) return new ParsedNumber(null, pos, "number has more than " + MAX_DIGITS.toString() + " digits", true);
  let d = trim(digits);
  if (scale < 0) { d = shiftMag(d, -scale); scale = 0; }
  const value = new Decimal(false, d, scale).normalize();
  if (value.digitCount > MAX_DIGITS) return new ParsedNumber(null, pos, "number has more than " + MAX_DIGITS.toString() + " digits", true);
  return new ParsedNumber(value, i, "");
}
