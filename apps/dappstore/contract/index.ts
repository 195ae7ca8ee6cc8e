/**
 * The dAppStore registry: who publishes which app, and every release's package hash (docs/packages.md),
 * size, capabilities hash and where to fetch it. The host installs a release only when the package it
 * fetched hashes to the row's `package_hash` (runtime/store/).
 *
 *   publish(publisher, app, version, package_hash, size, capabilities_hash, locations)
 *       require_auth(publisher) — any authority the account has (multisig, WebAuthn) works as is.
 *       The first publish of an app name claims it for `publisher`; later ones must come from the
 *       same account. A version is published once (never replaced: a hash once seen stays).
 *   yank(publisher, app, version)
 *       require_auth(publisher), the app's publisher: hosts refuse to install it from then on.
 *       (Yank by governance comes with the governance contract.)
 *
 * Tables: `apps` (scope self, key = appKey(app)) and `releases` (scope appKey(app), key = 1, 2, …).
 * appKey(app) = the first 8 bytes of sha256(app's UTF-8), little-endian: app names (up to 64 chars,
 * with '-') are not Antelope names; a colliding name is refused, never merged.
 */
import { DataStream, Dispatcher, N, Table, check, self, requireAuth } from "../../../sdk-as/contract/index";
import { sha256, current_time } from "../../../sdk-as/contract/env";

/** App names as the host's manifest allows them: [a-z][a-z0-9-]{0,63}. */
const MAX_APP_CHARS = 64;
/** A semantic version string; 64 chars is more than any real one. */
const MAX_VERSION_CHARS = 64;
/** Places to fetch a package from: a few mirrors, not a list to flood the table with. */
const MAX_LOCATIONS = 8;
/** One location: a URL or a path; 512 bytes holds any sane one. */
const MAX_LOCATION_BYTES = 512;
/** Releases of one app; numbering stays simple and a publish scans at most this many rows. */
const MAX_RELEASES: u32 = 1000;

const SCRATCH: usize = memory.data(32);

function readChecksum(ds: DataStream): ArrayBuffer {
  const b = new ArrayBuffer(32);
  const p = changetype<usize>(b);
  for (let i = 0; i < 4; i++) store<u64>(p + (<usize>i << 3), ds.readU64());
  return b;
}
function writeChecksum(ds: DataStream, b: ArrayBuffer): void {
  ds.writeRaw(changetype<usize>(b), 32, false);
}

class AppRow {
  constructor(public key: u64 = 0, public app: string = "", public publisher: u64 = 0, public latest: string = "", public releases: u32 = 0) {}
  primaryKey(): u64 { return this.key; }
  pack(ds: DataStream): void { ds.writeU64(this.key); ds.writeString(this.app); ds.writeName(this.publisher); ds.writeString(this.latest); ds.writeU32(this.releases); }
  unpack(ds: DataStream): void { this.key = ds.readU64(); this.app = ds.readString(); this.publisher = ds.readName(); this.latest = ds.readString(); this.releases = ds.readU32(); }
}

class ReleaseRow {
  constructor(
    public id: u64 = 0, public version: string = "", public packageHash: ArrayBuffer = new ArrayBuffer(32), public size: u64 = 0,
    public capabilitiesHash: ArrayBuffer = new ArrayBuffer(32), public locations: string[] = [], public yanked: bool = false, public published: u32 = 0,
  ) {}
  primaryKey(): u64 { return this.id; }
  pack(ds: DataStream): void {
    ds.writeU64(this.id); ds.writeString(this.version); writeChecksum(ds, this.packageHash); ds.writeU64(this.size);
    writeChecksum(ds, this.capabilitiesHash);
    ds.writeVarU32(<u32>this.locations.length);
    for (let i = 0; i < this.locations.length; i++) ds.writeString(this.locations[i]);
    ds.writeBool(this.yanked); ds.writeU32(this.published);
  }
  unpack(ds: DataStream): void {
    this.id = ds.readU64(); this.version = ds.readString(); this.packageHash = readChecksum(ds); this.size = ds.readU64();
    this.capabilitiesHash = readChecksum(ds);
    const n = ds.readVarU32();
    const l = new Array<string>(0);
    for (let i: u32 = 0; i < n; i++) l.push(ds.readString());
    this.locations = l;
    this.yanked = ds.readBool(); this.published = ds.readU32();
  }
}

function validApp(app: string): bool {
  const n = app.length;
  if (n < 1 || n > MAX_APP_CHARS) return false;
  for (let i = 0; i < n; i++) {
    const c = app.charCodeAt(i);
    const lower = c >= 0x61 && c <= 0x7a;
    const digitOrDash = (c >= 0x30 && c <= 0x39) || c == 0x2d;
    if (!(lower || (i > 0 && digitOrDash))) return false;
  }
  return true;
}

function validVersion(v: string): bool {
  const n = v.length;
  if (n < 5 || n > MAX_VERSION_CHARS) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x2d || c == 0x2b)) return false;
  }
  return true;
}

function appKey(app: string): u64 {
  const utf8 = String.UTF8.encode(app);
  sha256(changetype<usize>(utf8), <u32>utf8.byteLength, SCRATCH);
  return load<u64>(SCRATCH);
}

function findRelease(scope: u64, version: string): ReleaseRow | null {
  const t = new Table<ReleaseRow>(self(), scope, N("releases"));
  for (let c = t.cursor(); c.valid; c.next()) {
    const r = c.value();
    if (r.version == version) return r;
  }
  return null;
}

function publish(ds: DataStream): void {
  const publisher = ds.readName();
  const app = ds.readString();
  const version = ds.readString();
  const packageHash = readChecksum(ds);
  const size = ds.readU64();
  const capabilitiesHash = readChecksum(ds);
  const n = ds.readVarU32();
  check(n >= 1 && n <= <u32>MAX_LOCATIONS, "a release has 1 to 8 locations");
  const locations = new Array<string>(0);
  for (let i: u32 = 0; i < n; i++) {
    const l = ds.readString();
    check(l.length > 0 && String.UTF8.byteLength(l) <= MAX_LOCATION_BYTES, "a location has 1 to 512 bytes");
    locations.push(l);
  }
  requireAuth(publisher);
  check(validApp(app), "app: expected an app name ([a-z][a-z0-9-]{0,63})");
  check(validVersion(version), "version: expected a semantic version");
  check(size > 0, "size: a package has at least one byte");

  const key = appKey(app);
  const apps = new Table<AppRow>(self(), self(), N("apps"));
  let row = apps.find(key);
  if (row == null) {
    row = new AppRow(key, app, publisher, version, 1);
    apps.store(row, publisher);
  } else {
    check(row.app == app, "app name collides with another app's key; choose another name");
    check(row.publisher == publisher, "app is published by another account");
    check(row.releases < MAX_RELEASES, "app has too many releases");
    check(findRelease(key, version) == null, "version already published (a release is never replaced)");
    row.latest = version;
    row.releases = row.releases + 1;
    apps.modify(row);
  }
  const releases = new Table<ReleaseRow>(self(), key, N("releases"));
  const published = <u32>(current_time() / 1000000);
  releases.store(new ReleaseRow(<u64>row.releases, version, packageHash, size, capabilitiesHash, locations, false, published), publisher);
}

function yank(ds: DataStream): void {
  const publisher = ds.readName();
  const app = ds.readString();
  const version = ds.readString();
  requireAuth(publisher);
  const key = appKey(app);
  const apps = new Table<AppRow>(self(), self(), N("apps"));
  const row = apps.get(key, "no such app");
  check(row.app == app, "no such app");
  check(row.publisher == publisher, "only the app's publisher may yank it");
  const r = findRelease(key, version);
  check(r != null, "no such version");
  const rel = r!;
  check(!rel.yanked, "version already yanked");
  rel.yanked = true;
  new Table<ReleaseRow>(self(), key, N("releases")).modify(rel);
}

export function apply(receiver: u64, code: u64, action: u64): void {
  new Dispatcher(receiver, code, action).on("publish", publish).on("yank", yank).run();
}
