// __NAME__: a to-do list in the app's private storage. Each item is stored under "todo/<n>" (n: a
// zero-padded counter kept under "next") as the msgpack map {id, text, done}.
// Commands: add {text} → item; list → [item…] (oldest first); done {id} → item; remove {id}.
// Errors: MISSING_ARGUMENT, NOT_FOUND, ISA_* (a failed ISA call).
import { register, Value, Outcome, ok, fail, isaError, encode, decode, storage, ErrorCode } from "peeros/sdk-as/app";
export * from "peeros/sdk-as/app/exports";

const PREFIX = "todo/";
const NEXT = "next";
/** `list` returns at most this many items. */
const MAX_ITEMS: u32 = 1000;

function nextId(): string {
  let n: i64 = 1;
  const r = storage.get(NEXT);
  if (r.ok) {
    const d = decode(r.value);
    if (d.ok && d.value!.isInt) n = d.value!.i;
  }
  storage.set(NEXT, encode(Value.int(n + 1)));
  let id = n.toString();
  while (id.length < 8) id = "0" + id; // sorted keys list oldest first
  return id;
}

function idArg(args: Value): string | null {
  const v = args.isMap ? args.get("id") : null;
  return v != null && v.isStr && v.s.length > 0 ? v.s : null;
}

function load(id: string): Value | null {
  const r = storage.get(PREFIX + id);
  if (!r.ok) return null;
  const d = decode(r.value);
  return d.ok && d.value!.isMap ? d.value : null;
}

function add(args: Value): Outcome {
  const t = args.isMap ? args.get("text") : null;
  if (t == null || !t.isStr || t.s.trim().length == 0) return fail("MISSING_ARGUMENT", "argument 'text' is required (a non-empty string)");
  const item = Value.map().setStr("id", nextId()).setStr("text", t.s.trim()).set("done", Value.bool(false));
  const w = storage.set(PREFIX + item.get("id")!.s, encode(item));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(item);
}

function list(args: Value): Outcome {
  const r = storage.list(PREFIX, MAX_ITEMS);
  if (!r.ok) return isaError("storage.list", r.code);
  const keys = decode(r.value);
  const items = Value.array();
  if (!keys.ok || !keys.value!.isArray) return ok(items);
  const ks = keys.value!;
  for (let i = 0; i < ks.length; i++) {
    const k = ks.at(i)!;
    if (!k.isStr) continue;
    const item = load(k.s.slice(PREFIX.length));
    if (item != null) items.push(item);
  }
  return ok(items);
}

function done(args: Value): Outcome {
  const id = idArg(args);
  if (id == null) return fail("MISSING_ARGUMENT", "argument 'id' is required");
  const item = load(id!);
  if (item == null) return fail("NOT_FOUND", "no item with id " + id!);
  item.set("done", Value.bool(true));
  const w = storage.set(PREFIX + id!, encode(item));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(item);
}

function remove(args: Value): Outcome {
  const id = idArg(args);
  if (id == null) return fail("MISSING_ARGUMENT", "argument 'id' is required");
  const r = storage.delete_(PREFIX + id!);
  if (!r.ok) return r.code == ErrorCode.NotFound ? fail("NOT_FOUND", "no item with id " + id!) : isaError("storage.delete", r.code);
  return ok(Value.map().setStr("removed", id!));
}

register("add", add);
register("list", list);
register("done", done);
register("remove", remove);
