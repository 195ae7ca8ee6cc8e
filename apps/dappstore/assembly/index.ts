// dAppStore: the registry contract `dappstore` (apps/dappstore/contract) read through chain.read.
// list: the `apps` table (scope dappstore): name, publisher, latest version, number of releases.
// show: one app and its releases (the `releases` table in the scope of the app's row key), oldest
//   first, each with its package hash, size, capabilities hash, locations and yanked state.
// install: asks the host to install a release (store.request-install, capability store.install).
//   The app names the app and version only; the host reads the registry itself, fetches and checks
//   the package, shows its own consent dialog and installs only on the user's yes. The answer is the
//   host's `{status: installed|declined|refused, app, version?, reason?}`.
// Errors: INVALID_ARGUMENT, NOT_FOUND, BAD_REPLY, ISA_*.
import { Value, Outcome, ok, fail, isaError, encode, decode, chain, store } from "../../../sdk-as/app";

const STORE = "dappstore";
/** Rows read per table: the contract keeps at most 1000 releases per app. */
const MAX_ROWS: i64 = 1000;
const MAX_APP_CHARS = 64;

function rows(scope: string, table: string): Value | null {
  const q = Value.map().setStr("code", STORE).setStr("scope", scope).setStr("table", table).setBool("json", true).setInt("limit", MAX_ROWS);
  const r = chain.getTableRows(encode(q));
  if (!r.ok) return null;
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return null;
  const rs = d.value!.get("rows");
  return rs != null && rs.isArray ? rs : null;
}

function str(row: Value, key: string): string {
  const v = row.get(key);
  if (v == null) return "";
  if (v.isStr) return v.s;
  if (v.isNumber) return v.toI64().toString();
  return "";
}

function appSummary(row: Value): Value {
  const n = row.get("releases");
  return Value.map().setStr("app", str(row, "app")).setStr("publisher", str(row, "publisher")).setStr("latest", str(row, "latest"))
    .setInt("releases", n != null && n.isNumber ? n.toI64() : 0);
}

/** every app in the registry */
@command("list")
function list(): Outcome {
  const rs = rows(STORE, "apps");
  if (rs === null) return fail("BAD_REPLY", "could not read the registry's apps table");
  const out: Value[] = [];
  for (let i = 0; i < rs!.length; i++) out.push(appSummary(rs!.at(i)!));
  return ok(Value.array(out));
}

/** one app with its releases, oldest first */
@command("show")
function show(app: string): Outcome {
  if (app.length == 0 || app.length > MAX_APP_CHARS) return fail("INVALID_ARGUMENT", "'app' must be an app name of 1 to 64 characters");
  const rs = rows(STORE, "apps");
  if (rs === null) return fail("BAD_REPLY", "could not read the registry's apps table");
  for (let i = 0; i < rs!.length; i++) {
    const row = rs!.at(i)!;
    if (str(row, "app") != app) continue;
    const key = str(row, "key");
    const rel = rows(key, "releases");
    if (rel === null) return fail("BAD_REPLY", "could not read the releases of " + app);
    const releases: Value[] = [];
    for (let j = 0; j < rel!.length; j++) {
      const r = rel!.at(j)!;
      const locations = r.get("locations");
      const yanked = r.get("yanked");
      const size = r.get("size");
      releases.push(
        Value.map().setStr("version", str(r, "version")).setStr("packageHash", str(r, "package_hash"))
          .setInt("size", size != null && size.isNumber ? size.toI64() : I64.parseInt(str(r, "size")))
          .setStr("capabilitiesHash", str(r, "capabilities_hash"))
          .set("locations", locations != null && locations.isArray ? locations : Value.array([]))
          .setBool("yanked", yanked != null && yanked.isBool && yanked.b).setStr("published", str(r, "published")),
      );
    }
    return ok(appSummary(row).set("versions", Value.array(releases)));
  }
  return fail("NOT_FOUND", "the registry has no app named " + app);
}

/** asks the host to install an app from the registry (newest release unless version is given); the host asks you first */
@command("install")
function install(app: string, version: string = ""): Outcome {
  if (app.length == 0 || app.length > MAX_APP_CHARS) return fail("INVALID_ARGUMENT", "'app' must be an app name of 1 to 64 characters");
  const r = store.requestInstall(app, version);
  if (!r.ok) return isaError("store.request-install", r.code);
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return fail("BAD_REPLY", "store.request-install did not answer a map");
  return ok(d.value!);
}
