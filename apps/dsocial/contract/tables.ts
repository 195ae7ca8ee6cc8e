/**
 * dSocial's tables:
 * - `posts` (scope = the contract, primary key = id, ascending in posting order):
 *   `post_row { id: uint64, author: name, text: string, created: time_point_sec }`
 * - `follows` (scope = the follower, primary key = the followee): `follow_row { followee: name }`
 */
import { Name, TimePointSec } from "../../../sdk-as/contract/index";

@table("posts")
export class PostRow {
  constructor(public id: u64 = 0, public author: Name = 0, public text: string = "", public created: TimePointSec = 0) {}
  @primary get key(): u64 { return this.id; }
}

@table("follows")
export class FollowRow {
  constructor(public followee: Name = 0) {}
  @primary get key(): u64 { return this.followee; }
}
