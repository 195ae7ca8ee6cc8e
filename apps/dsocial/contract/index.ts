/**
 * dSocial's contract: short public posts and follows between accounts. The feed is computed by the
 * app from the two tables (an account's follows, then the posts of those accounts).
 *
 *   post(author, text)            require_auth(author); 1..280 bytes of text; id = last id + 1
 *   follow(follower, followee)    require_auth(follower); followee must exist; not yourself; once
 *   unfollow(follower, followee)  require_auth(follower); must be followed
 */
import { DataStream, Dispatcher, check, self, requireAuth, isAccount } from "../../../sdk-as/contract/index";
import { db_end_i64, db_previous_i64, current_time } from "../../../sdk-as/contract/env";
import { PostRow, FollowRow, postsOf, followsOf } from "./tables";
import { N } from "../../../sdk-as/contract/index";

/** Posts are short: 280 bytes of UTF-8. */
const MAX_POST_BYTES = 280;

/** 8 bytes where db_previous_i64 writes the primary key it lands on. */
const KEY_SCRATCH: usize = memory.data(8);

/** One more than the largest id so far (the table's last row), 1 for the first post. */
function nextPostId(): u64 {
  const end = db_end_i64(self(), self(), N("posts"));
  if (end == -1) return 1;
  const itr = db_previous_i64(end, KEY_SCRATCH);
  if (itr < 0) return 1;
  return load<u64>(KEY_SCRATCH) + 1;
}

function post(ds: DataStream): void {
  const author = ds.readName();
  const text = ds.readString();
  requireAuth(author);
  const n = String.UTF8.byteLength(text);
  check(n > 0, "a post needs text");
  check(n <= MAX_POST_BYTES, "a post has at most 280 bytes");
  const created = <u32>(current_time() / 1000000);
  postsOf(self()).store(new PostRow(nextPostId(), author, text, created), author);
}

function follow(ds: DataStream): void {
  const follower = ds.readName();
  const followee = ds.readName();
  requireAuth(follower);
  check(follower != followee, "cannot follow yourself");
  check(isAccount(followee), "followee account does not exist");
  const t = followsOf(self(), follower);
  check(!t.exists(followee), "already following");
  t.store(new FollowRow(followee), follower);
}

function unfollow(ds: DataStream): void {
  const follower = ds.readName();
  const followee = ds.readName();
  requireAuth(follower);
  const t = followsOf(self(), follower);
  check(t.exists(followee), "not following");
  t.erase(followee);
}

export function apply(receiver: u64, code: u64, action: u64): void {
  new Dispatcher(receiver, code, action)
    .on("post", post)
    .on("follow", follow)
    .on("unfollow", unfollow)
    .run();
}
