/**
 * dSocial's tables:
 * - `posts` (scope = the contract, primary key = id, ascending in posting order):
 *   `post_row { id: uint64, author: name, text: string, created: time_point_sec }`
 * - `follows` (scope = the follower, primary key = the followee): `follow_row { followee: name }`
 */
import { DataStream, N, Table } from "../../../sdk-as/contract/index";

export class PostRow {
  constructor(public id: u64 = 0, public author: u64 = 0, public text: string = "", public created: u32 = 0) {}
  primaryKey(): u64 { return this.id; }
  pack(ds: DataStream): void { ds.writeU64(this.id); ds.writeName(this.author); ds.writeString(this.text); ds.writeU32(this.created); }
  unpack(ds: DataStream): void { this.id = ds.readU64(); this.author = ds.readName(); this.text = ds.readString(); this.created = ds.readU32(); }
}

export class FollowRow {
  constructor(public followee: u64 = 0) {}
  primaryKey(): u64 { return this.followee; }
  pack(ds: DataStream): void { ds.writeName(this.followee); }
  unpack(ds: DataStream): void { this.followee = ds.readName(); }
}

export function postsOf(self: u64): Table<PostRow> { return new Table<PostRow>(self, self, N("posts")); }
export function followsOf(self: u64, follower: u64): Table<FollowRow> { return new Table<FollowRow>(self, follower, N("follows")); }
