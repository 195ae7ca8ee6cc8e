// Calendar: events kept as files in the app's drive (peeros:isa/fs), one file per event named
// "events/<start>-<id>": <start> is the start time in milliseconds since the epoch, zero-padded to
// 15 digits, so the drive's sorted listing is already time order and a range is one scan; <id> is 8
// hex digits from the host's CSPRNG. The file holds the msgpack map {id, title, start, end, note}.
// Sharing: `share {to}` shares the whole calendar (the "events" folder) peer to peer through the
// dbox contract's `shares` table: the host makes the share and seals only its descriptor for `to`
// (runtime/fs/share-service.ts); later events reach `to` each time the sharing host publishes and
// the recipient's host syncs. A calendar shared with you is saved by your host under
// "shared/<from>/" (same file names); `list {owner: from}` lists it, read-only by convention.
// Errors: MISSING_ARGUMENT, INVALID_ARGUMENT, NOT_FOUND, TOO_MANY_EVENTS, CORRUPT, ISA_* (e.g. ISA_UNAVAILABLE
// while the drive's key cannot be opened).
import {
  Value, Outcome, ok, fail, isaError, encode, decode, fs, random, ual, dmcs, ErrorCode, isAccountName, noSession,
} from "../../../sdk-as/app";

const ROOT = "events";
const SHARED = "shared/";
const CONTRACT = "dbox";
/** Titles are one line of at most this many characters. */
const MAX_TITLE = 200;
/** Notes of at most this many UTF-8 bytes. */
const MAX_NOTE_BYTES = 4096;
/** The drive lists at most 10 000 entries per call: the calendar holds at most that many events. */
const MAX_EVENTS: u32 = 10000;
/** Latest start or end accepted: year 9999 (15 digits of milliseconds hold it with room). */
const MAX_TIME: i64 = 253402300799999;
const HEX = "0123456789abcdef";

function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX.charAt(b[i] >> 4) + HEX.charAt(b[i] & 15);
  return s;
}

function fileName(start: i64, id: string): string {
  return start.toString().padStart(15, "0") + "-" + id;
}

/** The ISA code that made `names` fail, -1 when its answer was not a listing. */
let listCode: i32 = -1;

/** The event names of `folder` (yours: "events") in time order, or null (see `listCode`). */
function names(folder: string = ROOT): string[] | null {
  const r = fs.list(folder, MAX_EVENTS);
  listCode = -1;
  if (!r.ok) {
    if (r.code == ErrorCode.NotFound) return [];
    listCode = r.code;
    return null;
  }
  const d = decode(r.value);
  if (!d.ok || !d.value!.isArray) return null;
  const out: string[] = [];
  const a = d.value!;
  for (let i = 0; i < a.length; i++) {
    const name = a.at(i)!.get("name");
    if (name != null && name.isStr && name.s.length == 24) out.push(name.s);
  }
  return out;
}

function listFailed(): Outcome {
  return listCode >= 0 ? isaError("fs.list", listCode) : fail("CORRUPT", "the events folder could not be listed");
}

function load(name: string, folder: string = ROOT): Value | null {
  const r = fs.read(folder + "/" + name, 0, 65536);
  if (!r.ok) return null;
  const d = decode(r.value);
  return d.ok && d.value!.isMap ? d.value : null;
}

/** The file name of event `id`, or null. */
function find(id: string): string | null {
  const all = names();
  if (all === null) return null;
  for (let i = 0; i < all!.length; i++) if (all![i].endsWith("-" + id)) return all![i];
  return null;
}

function validId(id: string): bool {
  if (id.length != 8) return false;
  for (let i = 0; i < id.length; i++) if (!HEX.includes(id.charAt(i))) return false;
  return true;
}

/** adds an event from start to end (milliseconds since the epoch; end defaults to start) */
@command("add")
function add(title: string, start: i64, end: i64 = -1, note: string = ""): Outcome {
  title = title.trim();
  if (title.length == 0) return fail("MISSING_ARGUMENT", "argument 'title' is required (a non-empty string)");
  if (title.length > MAX_TITLE || title.includes("\n")) return fail("INVALID_ARGUMENT", "'title' must be one line of at most 200 characters");
  if (String.UTF8.byteLength(note) > MAX_NOTE_BYTES) return fail("INVALID_ARGUMENT", "'note' is longer than 4096 bytes");
  if (end == -1) end = start;
  if (start < 0 || start > MAX_TIME || end < start || end > MAX_TIME)
    return fail("INVALID_ARGUMENT", "'start' and 'end' are milliseconds since 1970 (up to year 9999), end not before start");
  const all = names();
  if (all === null) return listFailed();
  if (<u32>all!.length >= MAX_EVENTS) return fail("TOO_MANY_EVENTS", "the calendar holds at most 10000 events");
  const r = random.bytes(4);
  if (!r.ok) return isaError("random.bytes", r.code);
  const id = hex(r.value);
  const ev = Value.map().setStr("id", id).setStr("title", title).setInt("start", start).setInt("end", end).setStr("note", note);
  const w = fs.writeFile(ROOT + "/" + fileName(start, id), encode(ev));
  if (!w.ok) return isaError("fs.write-file", w.code);
  return ok(ev);
}

/** the events overlapping [from, to] (milliseconds), in start order; owner: an account whose calendar was shared with you */
@command("list")
function list(from: i64 = 0, to: i64 = MAX_TIME, owner: string = ""): Outcome {
  if (to < from) return fail("INVALID_ARGUMENT", "'to' is before 'from'");
  if (owner.length > 0 && !isAccountName(owner)) return fail("INVALID_ARGUMENT", "'owner' must be an Antelope account name");
  const folder = owner.length > 0 ? SHARED + owner : ROOT;
  const all = names(folder);
  if (all === null) return listFailed();
  const out: Value[] = [];
  for (let i = 0; i < all!.length; i++) {
    const start = I64.parseInt(all![i].slice(0, 15));
    if (start > to) break; // names are in start order
    const ev = load(all![i], folder);
    if (ev == null) continue;
    const end = ev.get("end");
    if (end == null || end.toI64() < from) continue;
    out.push(ev);
  }
  return ok(Value.array(out));
}

/** one event */
@command("get")
function get(id: string): Outcome {
  if (!validId(id)) return fail("INVALID_ARGUMENT", "'id' must be an event id (8 hex digits)");
  const name = find(id);
  if (name === null) return listCode >= 0 ? listFailed() : fail("NOT_FOUND", "no event with id " + id);
  const ev = load(name!);
  return ev == null ? fail("CORRUPT", "event " + id + " could not be read") : ok(ev);
}

/** removes an event */
@command("remove")
function remove(id: string): Outcome {
  if (!validId(id)) return fail("INVALID_ARGUMENT", "'id' must be an event id (8 hex digits)");
  const name = find(id);
  if (name === null) return listCode >= 0 ? listFailed() : fail("NOT_FOUND", "no event with id " + id);
  const r = fs.remove(ROOT + "/" + name!);
  if (!r.ok) return isaError("fs.remove", r.code);
  return ok(Value.map().setStr("removed", id));
}

/** shares your calendar with an account, peer to peer (its later events follow) */
@command("share")
function share(to: string): Outcome {
  const me = ual.account();
  if (!me.ok) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  const sealed = Value.map().setStr("$share", ROOT).setStr("for", to);
  const data = Value.map().setStr("from", me.value).setStr("to", to).setStr("path", ROOT).set("sealed", sealed);
  return push(Value.map().setStr("account", CONTRACT).setStr("name", "share").set("data", data));
}

/** stops sharing your calendar: the share's id in the recipient's list of shares */
@command("unshare")
function unshare(to: string, id: u64): Outcome {
  const me = ual.account();
  if (!me.ok) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  const data = Value.map().setStr("from", me.value).setStr("to", to).setInt("id", <i64>id);
  return push(Value.map().setStr("account", CONTRACT).setStr("name", "unshare").set("data", data));
}

function push(action: Value): Outcome {
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  return ok(d.value!);
}
