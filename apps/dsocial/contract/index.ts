/**
 * dSocial's contract: short public posts and follows between accounts. The feed is computed by the
 * app from the two tables (an account's follows, then the posts of those accounts).
 *
 *   post(author, text)            require_auth(author); 1..280 bytes of text; id = last id + 1
 *   follow(follower, followee)    require_auth(follower); followee must exist; not yourself; once
 *   unfollow(follower, followee)  require_auth(follower); must be followed
 */
import { Name, check, self, requireAuth, isAccount } from "../../../sdk-as/contract/index";
import { current_time } from "../../../sdk-as/contract/env";
import { PostRow, FollowRow } from "./tables";

/** Posts are short: 280 bytes of UTF-8. */
const MAX_POST_BYTES = 280;

@contract
class Social {
  @action("post")
  post(author: Name, text: string): void {
    requireAuth(author);
    const n = String.UTF8.byteLength(text);
    check(n > 0, "a post needs text");
    check(n <= MAX_POST_BYTES, "a post has at most 280 bytes");
    const posts = PostRow.table(self());
    const last = posts.last();
    const created = <u32>(current_time() / 1000000);
    posts.store(new PostRow(last === null ? 1 : last.id + 1, author, text, created), author);
  }

  @action("follow")
  follow(follower: Name, followee: Name): void {
    requireAuth(follower);
    check(follower != followee, "cannot follow yourself");
    check(isAccount(followee), "followee account does not exist");
    const follows = FollowRow.table(follower);
    check(!follows.exists(followee), "already following");
    follows.store(new FollowRow(followee), follower);
  }

  @action("unfollow")
  unfollow(follower: Name, followee: Name): void {
    requireAuth(follower);
    const follows = FollowRow.table(follower);
    check(follows.exists(followee), "not following");
    follows.erase(followee);
  }
}
