// Calculator: exact decimal arithmetic (see decimal.ts) and expression evaluation (expr.ts).
// Every result is a decimal string ("0.3"); errors are typed: SYNTAX_ERROR, DIVISION_BY_ZERO,
// TOO_LARGE, TOO_DEEP with a `position`, BAD_NUMBER with the `field` and `position`,
// MISSING_ARGUMENT.
// Screen (capability ui): an expression field, a keypad and the result; every key is an event
// that returns the next screen, so the app keeps no state between them.
import { Value, Outcome, ok, fail, failWith, View, formText } from "../../../sdk-as/app";
import { Decimal, add, sub, mul, div, parseNumber, MAX_DIGITS } from "./decimal";
import { evaluate } from "./expr";

class Operand {
  constructor(public value: Decimal | null, public error: Outcome | null) {}
}

/** A number argument: a decimal string ("-1.25", "3e2") or a msgpack int or float. */
function operand(v: Value, field: string): Operand {
  if (v.isNil) return new Operand(null, fail("MISSING_ARGUMENT", "argument '" + field + "' is required (a number or a decimal string)"));
  if (v.isInt) return new Operand(Decimal.fromI64(v.i), null);
  let text: string;
  if (v.isStr) text = v.s.trim();
  else if (v.isFloat) {
    if (!isFinite(v.f)) return new Operand(null, failWith("BAD_NUMBER", "argument '" + field + "' is not a finite number", Value.map().setStr("field", field).setInt("position", 0)));
    text = v.f.toString(); // shortest representation: 0.1 stays "0.1"
  } else {
    return new Operand(null, failWith("BAD_NUMBER", "argument '" + field + "' must be a number or a decimal string", Value.map().setStr("field", field).setInt("position", 0)));
  }
  let negative = false;
  let start = 0;
  if (text.startsWith("-") || text.startsWith("+")) { negative = text.startsWith("-"); start = 1; }
  const p = parseNumber(text, start);
  if (!p.value || p.end != text.length) {
    const at = p.value ? p.end : p.end;
    return new Operand(null, failWith("BAD_NUMBER", "argument '" + field + "' is not a decimal number: " + (p.value ? "unexpected character" : p.error), Value.map().setStr("field", field).setInt("position", at)));
  }
  const d = p.value!;
  if (negative && !d.isZero) d.neg = true;
  return new Operand(d, null);
}

function binary(a: Value, b: Value, op: i32): Outcome {
  const x0 = operand(a, "a");
  if (x0.error) return x0.error!;
  const y0 = operand(b, "b");
  if (y0.error) return y0.error!;
  const x = x0.value!;
  const y = y0.value!;
  let r: Decimal;
  if (op == 0) r = add(x, y);
  else if (op == 1) r = sub(x, y);
  else if (op == 2) r = mul(x, y);
  else {
    if (y.isZero) return failWith("DIVISION_BY_ZERO", "division by zero", Value.map().setInt("position", 0));
    r = div(x, y);
  }
  if (r.digitCount > MAX_DIGITS) return fail("TOO_LARGE", "result has more than " + MAX_DIGITS.toString() + " digits");
  return ok(Value.str(r.toString()));
}

/** a + b */
@command("add") function addCmd(a: Value, b: Value): Outcome { return binary(a, b, 0); }
/** a - b */
@command("sub") function subCmd(a: Value, b: Value): Outcome { return binary(a, b, 1); }
/** a * b */
@command("mul") function mulCmd(a: Value, b: Value): Outcome { return binary(a, b, 2); }
/** a / b, rounded half-up to 20 decimal places */
@command("div") function divCmd(a: Value, b: Value): Outcome { return binary(a, b, 3); }

/** evaluates an expression: + - * / ( ) unary minus, exact decimals */
@command("eval")
function evalCmd(expr: string): Outcome {
  const r = evaluate(expr);
  if (r.error) {
    const err = r.error!;
    return failWith(err.code, err.message + " at position " + err.position.toString(), Value.map().setInt("position", err.position));
  }
  return ok(Value.str(r.value!.toString()));
}

/** Longest expression the screen keeps (the keypad appends to it). */
const MAX_SCREEN_EXPR = 200;
/** Keypad rows: each key's label is the text it appends. */
const KEYPAD: string[][] = [["7", "8", "9", "/"], ["4", "5", "6", "*"], ["1", "2", "3", "-"], ["0", ".", "(", ")", "+"]];

function screen(expr: string, result: string, error: string): Outcome {
  const v = View.column().heading("Calculator").input("expr", "Expression", expr, "1 + 2 * 3");
  for (let r = 0; r < KEYPAD.length; r++) {
    const row = View.row();
    for (let k = 0; k < KEYPAD[r].length; k++) row.button("key" + r.toString() + k.toString(), KEYPAD[r][k], KEYPAD[r][k]);
    v.add(row);
  }
  v.add(View.row().button("clear", "C").button("equals", "="));
  if (result.length) v.text("= " + result);
  if (error.length) v.text("Error: " + error);
  return v.render();
}

/** the calculator's screen */
@command("ui.render")
function uiRender(): Outcome { return screen("", "", ""); }

/** a key of the calculator's screen: keyRC appends its value, clear empties, equals evaluates */
@command("ui.event")
function uiEvent(id: string, form: Value, value: string = ""): Outcome {
  let expr = formText(form, "expr");
  if (expr.length > MAX_SCREEN_EXPR) expr = expr.slice(0, MAX_SCREEN_EXPR);
  if (id == "clear") return screen("", "", "");
  if (id == "equals") {
    if (expr.trim().length == 0) return screen(expr, "", "");
    const r = evaluate(expr);
    if (r.error) return screen(expr, "", r.error!.message + " at position " + r.error!.position.toString());
    return screen(expr, r.value!.toString(), "");
  }
  if (id.startsWith("key") && value.length <= 1 && expr.length < MAX_SCREEN_EXPR) return screen(expr + value, "", "");
  return screen(expr, "", "");
}
