// __NAME__: a to-do list in the app's private storage. Each item is stored under "todo/<n>" (n: a
// zero-padded counter kept under "next") as the msgpack map {id, text, done}.
// Commands are the @command functions below; the SDK's transform decodes their typed parameters
// from the msgpack arguments and writes the command table into the built module.
// Errors: MISSING_ARGUMENT, NOT_FOUND, ISA_* (a failed ISA call).
import { Value, Outcome, ok, fail, isaError, encode, decode, storage, ErrorCode } from "peeros/sdk-as/app";
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

function load(id: string): Value | null {
  const r = storage.get(PREFIX + id);
  if (!r.ok) return null;
  const d = decode(r.value);
  return d.ok && d.value!.isMap ? d.value : null;
}

/** adds an item */
@command("add")
function add(text: string): Outcome {
  if (text.trim().length == 0) return fail("MISSING_ARGUMENT", "argument 'text' is required (a non-empty string)");
  const item = Value.map().setStr("id", nextId()).setStr("text", text.trim()).set("done", Value.bool(false));
  const w = storage.set(PREFIX + item.get("id")!.s, encode(item));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(item);
}

/** all items, oldest first */
@command("list")
function list(): Outcome {
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

/** marks an item done */
@command("done")
function done(id: string): Outcome {
  const item = load(id);
  if (item == null) return fail("NOT_FOUND", "no item with id " + id);
  item.set("done", Value.bool(true));
  const w = storage.set(PREFIX + id, encode(item));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(item);
}

/** removes an item */
@command("remove")
function remove(id: string): Outcome {
  const r = storage.delete_(PREFIX + id);
  if (!r.ok) return r.code == ErrorCode.NotFound ? fail("NOT_FOUND", "no item with id " + id) : isaError("storage.delete", r.code);
  return ok(Value.map().setStr("removed", id));
}
