/**
 * `View`: a builder for app screens (isa/ISA.md, "App screens"). An app with the `ui` capability
 * has a `ui.render` command (and `ui.event` for events) that returns a view tree of the host's fixed
 * component set; the console draws it. Containers (`View.column()`, `View.row()`, `View.list()`)
 * collect components in call order; `add` nests one container in another:
 *
 *   @command("ui.render")
 *   function render(): Outcome {
 *     return View.column().heading("Notes").input("title", "Title").button("add", "Add").render();
 *   }
 *
 * `render()` returns the tree as the command's result; the host checks it before anything is drawn.
 * `check()` asks the host (`ui.check`) first, for an app that wants to know (it needs nothing
 * more than the `ui` capability every screen has; an app that never calls it does not import it).
 */
import { Value } from "./value";
import { Outcome, ok } from "./outcome";
import { encode } from "./msgpack";
import { ui } from "./isa.generated";

export class View {
  private readonly kids: Value = Value.array();
  /** The component map: `{kind: "column", children: [...]}`. */
  readonly node: Value = Value.map();

  private constructor(kind: string) {
    this.node.setStr("kind", kind).set("children", this.kids);
  }

  /** Components stacked top to bottom. */
  static column(): View { return new View("column"); }
  /** Components side by side. */
  static row(): View { return new View("row"); }
  /** Components as the items of a list. */
  static list(): View { return new View("list"); }

  private push(kind: string): Value {
    const n = Value.map().setStr("kind", kind);
    this.kids.push(n);
    return n;
  }

  /** Nests a container (a row in a column, a list of rows). */
  add(child: View): View { this.kids.push(child.node); return this; }

  /** A heading (one line). */
  heading(text: string): View { this.push("heading").setStr("text", text); return this; }
  /** A paragraph; newlines are kept. */
  text(text: string): View { this.push("text").setStr("text", text); return this; }
  /** A button: clicking it sends the event `id` (with `value`, and the form's fields). */
  button(id: string, label: string, value: string = ""): View {
    const n = this.push("button").setStr("id", id).setStr("label", label);
    if (value.length) n.setStr("value", value);
    return this;
  }
  /** A one-line text field. */
  input(id: string, label: string = "", value: string = "", placeholder: string = ""): View {
    const n = this.push("input").setStr("id", id).setStr("label", label).setStr("value", value);
    if (placeholder.length) n.setStr("placeholder", placeholder);
    return this;
  }
  /** A multi-line text field. */
  textarea(id: string, label: string = "", value: string = ""): View {
    this.push("input").setStr("id", id).setStr("label", label).setStr("value", value).setBool("multiline", true);
    return this;
  }
  /** A number field; `value` is a decimal string ("" for empty). */
  number(id: string, label: string = "", value: string = ""): View {
    const n = this.push("number").setStr("id", id).setStr("label", label);
    if (value.length) n.setStr("value", value);
    return this;
  }
  /** A choice among `options` (1 to 100); `value` must be one of them or "". */
  select(id: string, label: string, options: string[], value: string = ""): View {
    const o = Value.array();
    for (let i = 0; i < options.length; i++) o.push(Value.str(options[i]));
    const n = this.push("select").setStr("id", id).setStr("label", label).set("options", o);
    if (value.length) n.setStr("value", value);
    return this;
  }
  /** A checkbox. */
  checkbox(id: string, label: string, checked: bool = false): View {
    this.push("checkbox").setStr("id", id).setStr("label", label).setBool("checked", checked);
    return this;
  }
  /** A table: column titles, then rows of cells (each row as long as `columns`). */
  table(columns: string[], rows: string[][]): View {
    const c = Value.array();
    for (let i = 0; i < columns.length; i++) c.push(Value.str(columns[i]));
    const r = Value.array();
    for (let i = 0; i < rows.length; i++) {
      const row = Value.array();
      for (let j = 0; j < rows[i].length; j++) row.push(Value.str(rows[i][j]));
      r.push(row);
    }
    this.push("table").set("columns", c).set("rows", r);
    return this;
  }
  /** An image of the app's own package, by path under `assets/` (e.g. "assets/logo.png"). */
  image(src: string, alt: string = ""): View { this.push("image").setStr("src", src).setStr("alt", alt); return this; }
  /** An amount of an asset, e.g. "12.5000 RSN" (negative for a debit). */
  amount(value: string, label: string = ""): View {
    const n = this.push("amount").setStr("value", value);
    if (label.length) n.setStr("label", label);
    return this;
  }
  /** An Antelope account name. */
  account(name: string, label: string = ""): View {
    const n = this.push("account").setStr("name", name);
    if (label.length) n.setStr("label", label);
    return this;
  }

  /** The tree as a `Value` (to embed or inspect). */
  toValue(): Value { return this.node; }

  /** The tree as the command's result (the host checks it). */
  render(): Outcome { return ok(this.node); }

  /** Whether the host would draw this tree (`ui.check`): -1 when it would, else the `ErrorCode` (`InvalidArgument`, `LimitExceeded`). */
  check(): i32 {
    const r = ui.check(encode(this.node));
    return r.ok ? -1 : r.code;
  }
}

/** A form field's value from a `ui.event`'s `form` map, as a string ("" when absent; numbers and booleans as text). */
export function formText(form: Value, id: string): string {
  if (!form.isMap) return "";
  const v = form.get(id);
  if (v == null) return "";
  if (v.isStr) return v.s;
  if (v.isBool) return v.b ? "true" : "false";
  if (v.isInt) return v.i.toString();
  if (v.isFloat) return v.f.toString();
  return "";
}

/** A checkbox's value from a `ui.event`'s `form` map (false when absent). */
export function formBool(form: Value, id: string): bool {
  if (!form.isMap) return false;
  const v = form.get(id);
  return v != null && v.isBool && v.b;
}
