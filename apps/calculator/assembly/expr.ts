/**
 * Expression evaluation over exact decimals. Grammar (usual precedence, left-associative):
 *
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := ("-" | "+") unary | primary
 *   primary := number | "(" expr ")"
 *
 * Whitespace is ignored. Errors carry a code and the 0-based character position:
 * SYNTAX_ERROR (unexpected or missing token), DIVISION_BY_ZERO (at the "/"), TOO_LARGE (a value
 * beyond MAX_DIGITS digits), TOO_DEEP (parentheses/unary nesting beyond MAX_NESTING).
 */
import { Decimal, add, sub, mul, div, neg, parseNumber, MAX_DIGITS } from "./decimal";

/** Nesting limit for parentheses and unary signs (the parser recurses once per level). */
export const MAX_NESTING: i32 = 200;

export class EvalError {
  constructor(public code: string, public message: string, public position: i32) {}
}

export class Evaluated {
  constructor(public value: Decimal | null, public error: EvalError | null) {}
}

class Parser {
  pos: i32 = 0;
  depth: i32 = 0;
  err: EvalError | null = null;
  constructor(public s: string) {}

  fail(code: string, message: string, at: i32): Decimal {
    if (!this.err) this.err = new EvalError(code, message, at);
    return Decimal.zero();
  }

  skip(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++;
      else break;
    }
  }

  peek(): i32 {
    this.skip();
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }

  checked(v: Decimal, at: i32): Decimal {
    if (v.digitCount > MAX_DIGITS) return this.fail("TOO_LARGE", "result has more than " + MAX_DIGITS.toString() + " digits", at);
    return v;
  }

  expr(): Decimal {
    let v = this.term();
    while (!this.err) {
      const c = this.peek();
      if (c != 43 && c != 45) break; // + -
      const at = this.pos++;
      const r = this.term();
      if (this.err) break;
      v = this.checked(c == 43 ? add(v, r) : sub(v, r), at);
    }
    return v;
  }

  term(): Decimal {
    let v = this.unary();
    while (!this.err) {
      const c = this.peek();
      if (c != 42 && c != 47) break; // * /
      const at = this.pos++;
      const r = this.unary();
      if (this.err) break;
      if (c == 47 && r.isZero) return this.fail("DIVISION_BY_ZERO", "division by zero", at);
      v = this.checked(c == 42 ? mul(v, r) : div(v, r), at);
    }
    return v;
  }

  unary(): Decimal {
    const c = this.peek();
    if (c == 45 || c == 43) {
      const at = this.pos++;
      if (++this.depth > MAX_NESTING) return this.fail("TOO_DEEP", "expression nested deeper than " + MAX_NESTING.toString(), at);
      const v = this.unary();
      this.depth--;
      return c == 45 ? neg(v) : v;
    }
    return this.primary();
  }

  primary(): Decimal {
    const c = this.peek();
    if (c == 40) { // (
      const open = this.pos++;
      if (++this.depth > MAX_NESTING) return this.fail("TOO_DEEP", "expression nested deeper than " + MAX_NESTING.toString(), open);
      const v = this.expr();
      if (this.err) return v;
      if (this.peek() != 41) return this.fail("SYNTAX_ERROR", this.pos < this.s.length ? "expected ')' (to close '(' at " + open.toString() + ")" : "missing ')' for '(' at " + open.toString(), this.pos);
      this.pos++;
      this.depth--;
      return v;
    }
    if (c == -1) return this.fail("SYNTAX_ERROR", "unexpected end of expression", this.pos);
    if ((c >= 48 && c <= 57) || c == 46) {
      const p = parseNumber(this.s, this.pos);
      if (!p.value) return this.fail(p.tooLarge ? "TOO_LARGE" : "SYNTAX_ERROR", p.error, p.end);
      this.pos = p.end;
      return p.value!;
    }
    return this.fail("SYNTAX_ERROR", "unexpected '" + String.fromCharCode(c) + "'", this.pos);
  }
}

/** Evaluates `s`; see the module doc for the grammar and errors. */
export function evaluate(s: string): Evaluated {
  const p = new Parser(s);
  const v = p.expr();
  if (!p.err && p.peek() != -1) p.fail("SYNTAX_ERROR", "unexpected '" + String.fromCharCode(p.peek()) + "'", p.pos);
  return p.err ? new Evaluated(null, p.err) : new Evaluated(v, null);
}
