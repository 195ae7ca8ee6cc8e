// dSocial: posts, follows and a feed on the `dsocial` contract (see ../contract).
// Writes go through dmcs.push as the session account (the host confirms, signs and dispatches, or
// queues offline); reads through chain.get-table-rows (hybrid cache; `stale: true` while offline).
// The feed: your follows (table `follows`, scope = you), then the newest posts (table `posts`,
// read newest first) whose author is you or someone you follow.
// Screen (capability ui): a post form, whom you follow (follow, unfollow) and your feed.
//   Events: post, follow, unfollow:<account>.
// Errors: NO_SESSION, INVALID_ARGUMENT, BAD_REPLY, ISA_* (a failed ISA call).
import {
  Value, Outcome, ok, fail, isaError, encode, decode,
  ual, chain, dmcs, ErrorCode,
  isAccountName, noSession, View, formText,
} from "../../../sdk-as/app";

const CONTRACT = "dsocial";
/** Largest post (the contract's limit). */
const MAX_POST_BYTES = 280;
/** Posts scanned for a feed: the newest this many. */
const FEED_SCAN: i64 = 200;
/** Default and largest number of posts returned. */
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

function me(): string | null {
  const r = ual.account();
  return r.ok ? r.value : null;
}

function push(name: string, data: Value): Outcome {
  const action = Value.map().setStr("account", CONTRACT).setStr("name", name).set("data", data);
  const r = dmcs.push(encode(Value.array([action])));
  if (!r.ok) return r.code == ErrorCode.NoSession ? noSession() : isaError("dmcs.push", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "dmcs.push did not answer a map");
  return ok(d.value!);
}

function rows(scope: string, table: string, limit: i64, reverse: bool): Value | null {
  const q = Value.map().setStr("code", CONTRACT).setStr("scope", scope).setStr("table", table)
    .setBool("json", true).setInt("limit", limit).setBool("reverse", reverse);
  const r = chain.getTableRows(encode(q));
  if (!r.ok) { lastCode = r.code; return null; }
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) { lastCode = -1; return null; }
  return d.value!;
}
let lastCode: i32 = 0;

function readFailed(): Outcome {
  return lastCode < 0 ? fail("BAD_REPLY", "get_table_rows did not answer a map") : isaError("chain.get-table-rows", lastCode);
}

function clampLimit(n: i64): i64 {
  return n < 1 ? 1 : n > MAX_LIMIT ? MAX_LIMIT : n;
}

/** posts text (1..280 bytes) as you */
@command("post")
function post(text: string): Outcome {
  const author = me();
  if (author == null) return noSession();
  const n = String.UTF8.byteLength(text);
  if (n == 0 || n > MAX_POST_BYTES) return fail("INVALID_ARGUMENT", "'text' must be 1 to 280 bytes");
  return push("post", Value.map().setStr("author", author!).setStr("text", text));
}

/** follows an account */
@command("follow")
function follow(account: string): Outcome {
  const follower = me();
  if (follower == null) return noSession();
  if (!isAccountName(account)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
  return push("follow", Value.map().setStr("follower", follower!).setStr("followee", account));
}

/** stops following an account */
@command("unfollow")
function unfollow(account: string): Outcome {
  const follower = me();
  if (follower == null) return noSession();
  if (!isAccountName(account)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
  return push("unfollow", Value.map().setStr("follower", follower!).setStr("followee", account));
}

function followedBy(account: string): Value[] | null {
  const r = rows(account, "follows", 1000, false);
  if (r == null) return null;
  const out: Value[] = [];
  const rs = r.get("rows");
  if (rs != null && rs.isArray) {
    for (let i = 0; i < rs.length; i++) {
      const f = rs.at(i)!.get("followee");
      if (f != null && f.isStr) out.push(Value.str(f.s));
    }
  }
  return out;
}

/** the accounts you follow */
@command("following")
function following(): Outcome {
  const m = me();
  if (m == null) return noSession();
  const f = followedBy(m!);
  if (f == null) return readFailed();
  return ok(Value.array(f!));
}

function collect(authors: string[], limit: i64): Outcome {
  const r = rows(CONTRACT, "posts", FEED_SCAN, true);
  if (r == null) return readFailed();
  const out: Value[] = [];
  const rs = r.get("rows");
  if (rs != null && rs.isArray) {
    for (let i = 0; i < rs.length && <i64>out.length < limit; i++) {
      const p = rs.at(i)!;
      const a = p.get("author");
      if (a != null && a.isStr && authors.includes(a.s)) out.push(p);
    }
  }
  const res = Value.map().set("posts", Value.array(out));
  const stale = r.get("stale");
  if (stale != null && stale.isBool && stale.b) res.setBool("stale", true);
  return ok(res);
}

/** the newest posts of you and the accounts you follow, newest first */
@command("feed")
function feed(limit: i64 = DEFAULT_LIMIT): Outcome {
  const m = me();
  if (m == null) return noSession();
  const f = followedBy(m!);
  if (f == null) return readFailed();
  const authors: string[] = [m!];
  for (let i = 0; i < f!.length; i++) authors.push(f![i].s);
  return collect(authors, clampLimit(limit));
}

/** the newest posts of one account (default: you), newest first */
@command("posts")
function posts(account: string | null = null, limit: i64 = DEFAULT_LIMIT): Outcome {
  let who: string | null = null;
  if (account !== null) {
    if (!isAccountName(account!)) return fail("INVALID_ARGUMENT", "'account' must be an Antelope account name");
    who = account;
  } else {
    who = me();
    if (who == null) return noSession();
  }
  return collect([who!], clampLimit(limit));
}


/** The dSocial screen, with `message` (the last action's outcome) under the forms. */
function screen(message: string, draft: string): Outcome {
  const v = View.column().heading("dSocial");
  const who = me();
  if (who == null) {
    v.text("Nobody is logged in: run peeros login, then reopen this screen.");
    return v.render();
  }
  v.account(who!, "You");
  v.textarea("text", "New post (at most 280 bytes)", draft).button("post", "Post");
  v.add(View.row().input("account", "Follow an account", "", "account").button("follow", "Follow"));
  if (message.length) v.text(message);
  v.heading("Following");
  const f = followedBy(who!);
  if (f == null) v.text("Unavailable: " + readFailed().message);
  else if (f!.length == 0) v.text("Nobody yet.");
  else {
    const list = View.list();
    for (let i = 0; i < f!.length; i++) {
      const a = f![i].s;
      list.add(View.row().account(a).button("unfollow:" + a, "Unfollow"));
    }
    v.add(list);
  }
  v.heading("Feed");
  const fd = feed(DEFAULT_LIMIT);
  if (!fd.ok) v.text("Unavailable: " + fd.message);
  else {
    const ps = fd.value.get("posts")!;
    if (ps.length == 0) v.text("No posts yet.");
    const list = View.list();
    for (let i = 0; i < ps.length; i++) {
      const p = ps.at(i)!;
      const a = p.get("author");
      const t = p.get("text");
      const item = View.column();
      if (a != null && a.isStr && isAccountName(a.s)) item.account(a.s);
      item.text(t != null && t.isStr ? t.s : "");
      list.add(item);
    }
    if (ps.length > 0) v.add(list);
    const stale = fd.value.get("stale");
    if (stale != null && stale.isBool && stale.b) v.text("Offline: this feed may be out of date.");
  }
  return v.render();
}

function outcomeText(done: string, r: Outcome): string {
  if (!r.ok) return "Not done: " + r.message;
  const st = r.value.get("status");
  return st != null && st.isStr && st.s == "queued" ? done + " (queued: sent when the chain is reachable)." : done + ".";
}

/** the dSocial screen */
@command("ui.render")
function uiRender(): Outcome { return screen("", ""); }

/** an event of the dSocial screen: post, follow, unfollow:<account> */
@command("ui.event")
function uiEvent(id: string, form: Value): Outcome {
  if (id == "post") {
    const text = formText(form, "text");
    const r = post(text);
    return screen(outcomeText("Posted", r), r.ok ? "" : text);
  }
  if (id == "follow") return screen(outcomeText("Following " + formText(form, "account").trim(), follow(formText(form, "account").trim())), "");
  if (id.startsWith("unfollow:")) return screen(outcomeText("Unfollowed " + id.slice(9), unfollow(id.slice(9))), "");
  return screen("", formText(form, "text"));
}
