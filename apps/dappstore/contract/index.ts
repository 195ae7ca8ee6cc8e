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
import { Checksum256, Name, TimePointSec, check, requireAuth, self } from "../../../sdk-as/contract/index";
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

@table("apps")
class AppRow {
  @primary key: u64 = 0;
  app: string = "";
  publisher: Name = 0;
  latest: string = "";
  releases: u32 = 0;
}

@table("releases")
class ReleaseRow {
  @primary id: u64 = 0;
  version: string = "";
  packageHash: Checksum256 = new Checksum256();
  size: u64 = 0;
  capabilitiesHash: Checksum256 = new Checksum256();
  locations: string[] = [];
  yanked: bool = false;
  published: TimePointSec = 0;
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
  for (let c = ReleaseRow.table(scope).cursor(); c.valid; c.next()) {
    const r = c.value();
    if (r.version == version) return r;
  }
  return null;
}

@contract
class DAppStore {
  @action("publish")
  publish(publisher: Name, app: string, version: string, packageHash: Checksum256, size: u64, capabilitiesHash: Checksum256, locations: string[]): void {
    const n = locations.length;
    check(n >= 1 && n <= MAX_LOCATIONS, "a release has 1 to 8 locations");
    for (let i = 0; i < n; i++) {
      const l = locations[i];
      check(l.length > 0 && String.UTF8.byteLength(l) <= MAX_LOCATION_BYTES, "a location has 1 to 512 bytes");
    }
    requireAuth(publisher);
    check(validApp(app), "app: expected an app name ([a-z][a-z0-9-]{0,63})");
    check(validVersion(version), "version: expected a semantic version");
    check(size > 0, "size: a package has at least one byte");

    const key = appKey(app);
    const apps = AppRow.table(self());
    let row = apps.find(key);
    if (row == null) {
      row = new AppRow();
      row.key = key;
      row.app = app;
      row.publisher = publisher;
      row.latest = version;
      row.releases = 1;
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
    const release = new ReleaseRow();
    release.id = <u64>row.releases;
    release.version = version;
    release.packageHash = packageHash;
    release.size = size;
    release.capabilitiesHash = capabilitiesHash;
    release.locations = locations;
    release.published = <u32>(current_time() / 1000000);
    ReleaseRow.table(key).store(release, publisher);
  }

  @action("yank")
  yank(publisher: Name, app: string, version: string): void {
    requireAuth(publisher);
    const key = appKey(app);
    const row = AppRow.table(self()).get(key, "no such app");
    check(row.app == app, "no such app");
    check(row.publisher == publisher, "only the app's publisher may yank it");
    const r = findRelease(key, version);
    check(r != null, "no such version");
    const rel = r!;
    check(!rel.yanked, "version already yanked");
    rel.yanked = true;
    ReleaseRow.table(key).modify(rel);
  }
}
