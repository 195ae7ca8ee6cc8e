// dBox: files in the app's drive of the hybrid file system (peeros:isa/fs), under the root
// "files/" (your files) and "shared/<from>/" (files others shared with you and you accepted).
// Paths are checked by the host (relative, no "..", no control characters, ≤ 256 bytes in all):
// a bad one comes back as ISA_INVALID_ARGUMENT.
// Sharing: `share` pushes `dbox::share` whose `sealed` field is {"$seal": content, "for": to}: the
//   host has the vault seal the file for the recipient's active key (ECDH inside the vault,
//   AES-256-GCM) and shows you what is shared with whom before signing; only ciphertext goes on
//   chain, for a text file of at most 4 KiB (the vault's sealing limit). A larger or binary file, or
//   a folder, is shared peer to peer: the field is {"$share": path, "for": to}, the host makes a
//   hypercore of the content sealed under a new key and seals only its descriptor for `to`
//   (runtime/fs/share-service.ts); the recipient's host replicates it into "shared/<from>/" when it
//   syncs shares. `shares` lists what was shared with you, opened by your vault (peer shares as
//   `peer: true`); `accept` saves an inline one into "shared/" (a peer one is there once synced);
//   `unshare` revokes a share you made (the recipient can no longer read it from the chain).
//   The dbox contract carries other apps' shares too (a calendar's "events"): `shares` shows their
//   root (and `app: "calendar"` for a calendar), and `accept` answers OTHER_APP pointing at Calendar.
// Errors: NO_SESSION, INVALID_ARGUMENT, NOT_FOUND, NOT_SYNCED, OTHER_APP, NOT_OPENED, BAD_REPLY, ISA_* (a failed ISA call).
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  fs, ual, chain, dmcs, ErrorCode, isAccountName, noSession,
} from "../../../sdk-as/app";

const CONTRACT = "dbox";
const FILES = "files/";
const SHARED = "shared/";
/** Largest file `get` returns in one call (the host's per-call limit is 1 MiB by default). */
const MAX_READ: u32 = 1 << 20;
/** Largest file shared inline on chain: the vault seals at most 4 KiB. */
const MAX_SHARE_BYTES = 4096;
const MAX_LIST: u32 = 1000;

function fsError(call: string, code: i32): Outcome {
  return code == ErrorCode.NotFound ? fail("NOT_FOUND", "no such file or folder") : isaError(call, code);
}

/** The drive path of a file of yours: "files/" + path ("" is the folder itself). */
function own(path: string): string {
  return path.length == 0 ? "files" : FILES + path;
}

/** stores text (or bytes) as a file, replacing it */
@command("put")
function put(path: string, text: string | null = null, data: Uint8Array | null = null): Outcome {
  if (path.length == 0) return fail("INVALID_ARGUMENT", "'path' is required");
  let bytes: Uint8Array;
  if (data !== null) bytes = data!;
  else if (text !== null) bytes = Uint8Array.wrap(String.UTF8.encode(text!));
  else return fail("INVALID_ARGUMENT", "give 'text' or 'data'");
  const w = fs.writeFile(own(path), bytes);
  if (!w.ok) return isaError("fs.write-file", w.code);
  return ok(Value.map().setStr("path", path).setInt("size", bytes.length));
}

/** a file's content as text (raw: as bytes); shared files are under "../shared/<from>/" via from */
@command("get")
function get(path: string, raw: bool = false, from: string = ""): Outcome {
  if (from.length > 0 && !isAccountName(from)) return fail("INVALID_ARGUMENT", "'from' must be an Antelope account name");
  const full = from.length > 0 ? SHARED + from + "/" + path : own(path);
  const r = fs.read(full, 0, MAX_READ);
  if (!r.ok) return fsError("fs.read", r.code);
  const out = Value.map().setStr("path", path).setInt("size", r.value.length);
  if (raw) out.set("data", Value.bin(r.value));
  else out.setStr("text", String.UTF8.decode(r.value.buffer.slice(r.value.byteOffset, r.value.byteOffset + r.value.length)));
  return ok(out);
}

/** the files and folders in a folder of yours ("" for the top), or of those shared by an account */
@command("list")
function list(folder: string = "", from: string = ""): Outcome {
  if (from.length > 0 && !isAccountName(from)) return fail("INVALID_ARGUMENT", "'from' must be an Antelope account name");
  const full = from.length > 0 ? SHARED + from + (folder.length > 0 ? "/" + folder : "") : own(folder);
  const r = fs.list(full, MAX_LIST);
  if (!r.ok) return r.code == ErrorCode.NotFound ? ok(Value.array([])) : isaError("fs.list", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isArray) return fail("BAD_REPLY", "fs.list did not answer an array");
  return ok(d.value!);
}

/** removes a file of yours */
@command("remove")
function remove(path: string): Outcome {
  const r = fs.remove(own(path));
  if (!r.ok) return fsError("fs.remove", r.code);
  return ok(Value.map().setStr("removed", path));
}

function account(): string | null {
  const me = ual.account();
  return me.ok ? me.value : null;
}

/** The text a peer-to-peer share's descriptor starts with (runtime/fs/share-descriptor.ts). */
const PEER_SHARE_PREFIX = "peeros-share/v1 ";
/** What precedes the shared path in a descriptor (the host writes its fields in one order). */
const DESCRIPTOR_PATH = ',"path":"';
/** The drive root Calendar shares (apps/calendar: its events folder). */
const CALENDAR_ROOT = "events";

/**
 * The root folder of a peer share's path (the first segment of the descriptor's "path"): "files"
 * for dBox's own shares, "events" for a calendar; "" when the text does not say. Only picks the app
 * a share belongs to: the host parses and checks the descriptor itself when it syncs.
 */
function peerRoot(descriptor: string): string {
  const at = descriptor.indexOf(DESCRIPTOR_PATH);
  if (at < 0) return "";
  const start = at + DESCRIPTOR_PATH.length;
  let end = start;
  while (end < descriptor.length) {
    const c = descriptor.charCodeAt(end);
    if (c == 0x2f || c == 0x22 || c == 0x5c) break; // '/', '"', '\'
    end++;
  }
  return end < descriptor.length && descriptor.charCodeAt(end) != 0x5c ? descriptor.substring(start, end) : "";
}

/** shares a file or folder with an account: a text file of at most 4 KiB sealed on chain; anything larger, binary, or a folder, peer to peer */
@command("share")
function share(path: string, to: string): Outcome {
  const me = account();
  if (me === null) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  if (path.length == 0) return fail("INVALID_ARGUMENT", "'path' is required");
  const st = fs.stat(own(path));
  if (!st.ok) return fsError("fs.stat", st.code);
  const sd = decode(st.value);
  if (!sd.ok || !sd.value!.isMap) return fail("BAD_REPLY", "fs.stat did not answer a map");
  const isDir = sd.value!.get("dir");
  const size = sd.value!.get("size");
  let sealed: Value | null = null;
  if (isDir != null && isDir.isBool && !isDir.b && size != null && size.toI64() > 0 && size.toI64() <= <i64>MAX_SHARE_BYTES) {
    const r = fs.read(own(path), 0, <u32>MAX_SHARE_BYTES);
    if (!r.ok) return fsError("fs.read", r.code);
    const content = String.UTF8.decode(r.value.buffer.slice(r.value.byteOffset, r.value.byteOffset + r.value.length));
    // text that survives a UTF-8 round trip goes on chain sealed; anything else is shared peer to peer
    if (String.UTF8.byteLength(content) == r.value.length && !content.startsWith(PEER_SHARE_PREFIX)) sealed = Value.map().setStr("$seal", content).setStr("for", to);
  }
  // larger files and folders: the host makes a peer-to-peer share and seals its descriptor for `to`
  if (sealed === null) sealed = Value.map().setStr("$share", own(path)).setStr("for", to);
  const data = Value.map().setStr("from", me!).setStr("to", to).setStr("path", path).set("sealed", sealed!);
  return push(Value.map().setStr("account", CONTRACT).setStr("name", "share").set("data", data));
}

/** revokes a share you made (its id in the recipient's list) */
@command("unshare")
function unshare(to: string, id: u64): Outcome {
  const me = account();
  if (me === null) return noSession();
  if (!isAccountName(to)) return fail("INVALID_ARGUMENT", "'to' must be an Antelope account name");
  const data = Value.map().setStr("from", me!).setStr("to", to).setInt("id", <i64>id);
  return push(Value.map().setStr("account", CONTRACT).setStr("name", "unshare").set("data", data));
}

function push(action: Value): Outcome {
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  return ok(d.value!);
}

/** The shares in your scope, opened by the vault: [{id, from, path, text | error}]. */
function sharedWithMe(me: string): Value[] | null {
  const q = Value.map().setStr("code", CONTRACT).setStr("scope", me).setStr("table", "shares")
    .setBool("json", true).setInt("limit", 200).setStr("open", "sealed");
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return null;
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return null;
  const rows = d.value!.get("rows");
  const out: Value[] = [];
  if (rows == null || !rows.isArray) return out;
  for (let i = 0; i < rows.length; i++) {
    const row = rows.at(i)!;
    const from = row.get("from");
    const path = row.get("path");
    if (from == null || path == null || !from.isStr || !path.isStr) continue;
    const m = Value.map().set("id", row.get("id")!).setStr("from", from.s).setStr("path", path.s);
    const text = row.get("sealed");
    const opened = row.get("sealed_sealed");
    if (opened != null && opened.isBool && opened.b && text != null && text.isStr) {
      // a peer-to-peer share: the host syncs it into shared/<from>/; its descriptor (keys) is not shown
      if (text.s.startsWith(PEER_SHARE_PREFIX)) {
        m.setBool("peer", true);
        const root = peerRoot(text.s);
        // another app's share through the same contract: say whose it is
        if (root != "files") m.setStr("root", root);
        if (root == CALENDAR_ROOT) m.setStr("app", "calendar");
      } else m.setStr("text", text.s);
    } else {
      const e = row.get("sealed_error");
      m.setStr("error", e != null && e.isStr ? e.s : "could not be opened");
    }
    out.push(m);
  }
  return out;
}

/** files shared with you (opened by your vault), newest last */
@command("shares")
function shares(): Outcome {
  const me = account();
  if (me === null) return noSession();
  const rows = sharedWithMe(me!);
  if (rows === null) return fail("BAD_REPLY", "could not read the shares table");
  return ok(Value.array(rows));
}

/** saves a share into your drive under shared/<from>/<path> */
@command("accept")
function accept(id: u64): Outcome {
  const me = account();
  if (me === null) return noSession();
  const rows = sharedWithMe(me!);
  if (rows === null) return fail("BAD_REPLY", "could not read the shares table");
  for (let i = 0; i < rows!.length; i++) {
    const row = rows![i];
    if (row.get("id")!.toI64() != <i64>id) continue;
    const path = SHARED + row.get("from")!.s + "/" + row.get("path")!.s;
    const peer = row.get("peer");
    if (peer != null) {
      const app = row.get("app");
      if (row.get("root") != null) {
        const from = row.get("from")!.s;
        if (app != null && app.s == "calendar")
          return fail("OTHER_APP", "a shared calendar, not files: your host syncs it into Calendar (peeros share sync calendar --code dbox); see it with calendar list {\"owner\": \"" + from + "\"}");
        return fail("OTHER_APP", "a peer-to-peer share of another app's folder, not dBox files: that app's host syncs it");
      }
      if (!fs.stat(path).ok) return fail("NOT_SYNCED", "a peer-to-peer share: your host saves it when it syncs shares (peeros share sync)");
      return ok(Value.map().setStr("path", path).setStr("from", row.get("from")!.s).setBool("peer", true));
    }
    const text = row.get("text");
    if (text == null) return fail("NOT_OPENED", "the share does not open with your keys");
    const w = fs.writeFile(path, Uint8Array.wrap(String.UTF8.encode(text.s)));
    if (!w.ok) return isaError("fs.write-file", w.code);
    return ok(Value.map().setStr("path", path).setStr("from", row.get("from")!.s));
  }
  return fail("NOT_FOUND", "no share with that id (revoked, or never made)");
}
