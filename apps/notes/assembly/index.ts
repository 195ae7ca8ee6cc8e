// Notes: create, list, get and delete notes in the app's private storage (key "notes/<id>",
// value: the msgpack map {id, title, body, created}). Ids are 16 hex digits from the host's
// CSPRNG; `created` is wall-clock milliseconds.
// Errors: MISSING_ARGUMENT, INVALID_ARGUMENT, NOT_FOUND, TOO_MANY_NOTES, ISA_* (a failed ISA call,
// e.g. ISA_LIMIT_EXCEEDED when the storage quota is full).
// Screen (capability ui): the notes as a list (open, delete) and a form to add one; an opened
// note shows its body. Events: add, open:<id>, delete:<id>, back.
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  storage, clock, random, log, LogLevel, ErrorCode, View, formText,
} from "../../../sdk-as/app";

const PREFIX = "notes/";
/** Titles are one line of at most this many characters. */
const MAX_TITLE = 200;
/** Bodies of at most this many UTF-8 bytes (64 KiB). */
const MAX_BODY_BYTES = 65536;
/** `list` returns at most this many notes. */
const MAX_NOTES: u32 = 1000;

const HEX = "0123456789abcdef";

function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX.charAt(b[i] >> 4) + HEX.charAt(b[i] & 15);
  return s;
}

function validId(id: string): bool {
  if (id.length != 16) return false;
  for (let i = 0; i < id.length; i++) if (!HEX.includes(id.charAt(i))) return false;
  return true;
}

function info(msg: string): void {
  if (log.enabled(LogLevel.Info)) log.write(LogLevel.Info, msg);
}

function isNoteId(id: string | null): bool {
  return id !== null && validId(id!);
}

/** creates a note with a random id and the current time */
@command("create")
function create(title: string, body: string = ""): Outcome {
  if (title.trim().length == 0) return fail("MISSING_ARGUMENT", "argument 'title' is required (a non-empty string)");
  title = title.trim();
  if (title.length > MAX_TITLE || title.includes("\n")) return fail("INVALID_ARGUMENT", "'title' must be one line of at most " + MAX_TITLE.toString() + " characters");
  if (String.UTF8.byteLength(body) > MAX_BODY_BYTES) return fail("INVALID_ARGUMENT", "'body' is longer than " + MAX_BODY_BYTES.toString() + " bytes");
  const r = random.bytes(8);
  if (!r.ok) return isaError("random.bytes", r.code);
  const id = hex(r.value);
  const note = Value.map()
    .setStr("id", id)
    .setStr("title", title)
    .setStr("body", body)
    .setInt("created", <i64>clock.nowMs());
  const w = storage.set(PREFIX + id, encode(note));
  if (!w.ok) return isaError("storage.set", w.code);
  info("created note " + id);
  return ok(note);
}

function load(id: string): Value | null {
  const r = storage.get(PREFIX + id);
  if (!r.ok) return null;
  const d = decode(r.value);
  return d.ok && d.value!.isMap ? d.value : null;
}

/** all notes (id, title, created), oldest first */
@command("list")
function list(): Outcome {
  const r = storage.list(PREFIX, MAX_NOTES);
  if (!r.ok) return isaError("storage.list", r.code);
  const keys = decode(r.value);
  if (!keys.ok || !keys.value!.isArray) return fail("CORRUPT", "storage.list returned something other than an array of keys");
  const notes: Value[] = [];
  const ks = keys.value!;
  for (let i = 0; i < ks.length; i++) {
    const k = ks.at(i)!;
    if (!k.isStr || !k.s.startsWith(PREFIX)) continue;
    const n = load(k.s.slice(PREFIX.length));
    if (n == null) continue;
    notes.push(Value.map().set("id", n.get("id")!).set("title", n.get("title")!).set("created", n.get("created")!));
  }
  // oldest first; ids break ties so the order is stable
  notes.sort((a: Value, b: Value): i32 => {
    const ca = a.get("created")!.toI64();
    const cb = b.get("created")!.toI64();
    if (ca != cb) return ca < cb ? -1 : 1;
    const ia = a.get("id")!.s;
    const ib = b.get("id")!.s;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  return ok(Value.array(notes));
}

/** one note */
@command("get")
function get(id: string | null = null): Outcome {
  if (!isNoteId(id)) return fail("INVALID_ARGUMENT", "argument 'id' must be a note id (16 hex digits)");
  const r = storage.get(PREFIX + id!);
  if (!r.ok) return r.code == ErrorCode.NotFound ? fail("NOT_FOUND", "no note with id " + id!) : isaError("storage.get", r.code);
  const d = decode(r.value);
  if (!d.ok) return fail("CORRUPT", "note " + id! + " is not valid msgpack: " + d.error!.toString());
  return ok(d.value!);
}

/** deletes a note */
@command("delete")
function del(id: string | null = null): Outcome {
  if (!isNoteId(id)) return fail("INVALID_ARGUMENT", "argument 'id' must be a note id (16 hex digits)");
  const r = storage.delete_(PREFIX + id!);
  if (!r.ok) return r.code == ErrorCode.NotFound ? fail("NOT_FOUND", "no note with id " + id!) : isaError("storage.delete", r.code);
  info("deleted note " + id!);
  return ok(Value.map().setStr("deleted", id!));
}


/** The notes screen: every note with Open and Delete, a form to add one, and `message` (or nothing). */
function listScreen(message: string): Outcome {
  const all = list();
  const v = View.column().heading("Notes");
  if (!all.ok) v.text("Cannot list the notes: " + all.message);
  else {
    const notes = all.value;
    if (notes.length == 0) v.text("No notes yet.");
    const items = View.list();
    for (let i = 0; i < notes.length; i++) {
      const n = notes.at(i)!;
      const id = n.get("id")!.s;
      items.add(View.row().text(n.get("title")!.s).button("open:" + id, "Open").button("delete:" + id, "Delete"));
    }
    if (notes.length > 0) v.add(items);
  }
  v.heading("New note").input("title", "Title", "", "Title").textarea("body", "Text").button("add", "Add note");
  if (message.length) v.text(message);
  return v.render();
}

/** the notes screen */
@command("ui.render")
function uiRender(): Outcome { return listScreen(""); }

/** an event of the notes screen */
@command("ui.event")
function uiEvent(id: string, form: Value): Outcome {
  if (id == "add") {
    const r = create(formText(form, "title"), formText(form, "body"));
    return listScreen(r.ok ? "Added \"" + r.value.get("title")!.s + "\"." : r.message);
  }
  if (id.startsWith("open:")) {
    const r = get(id.slice(5));
    if (!r.ok) return listScreen(r.message);
    const n = r.value;
    return View.column().heading(n.get("title")!.s).text(n.get("body")!.s).button("back", "Back to the notes").render();
  }
  if (id.startsWith("delete:")) {
    const r = del(id.slice(7));
    return listScreen(r.ok ? "Deleted." : r.message);
  }
  return listScreen("");
}
