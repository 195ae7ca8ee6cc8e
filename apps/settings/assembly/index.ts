// Settings: the user's preferences, a fixed catalogue (name, allowed values, default), each set
// one stored under "pref/<name>" in the app's storage as its msgpack string. Only names in the
// catalogue exist and only allowed values are stored, so other apps' future readers (and the
// console) can trust what they find. Unset preferences answer their default.
// apps / dmcs / vault: the host's state, read through `host.state` (capability host.read): installed
// apps with their grants, the DMCSs, whether the vault is locked and who is logged in. A view only:
// the app cannot change any of it (grants, DMCSs and the vault change through the host's commands
// and dialogs: `peeros grant`, `peeros dmcs`, `peeros vault`).
// Errors: UNKNOWN_PREFERENCE, INVALID_VALUE, BAD_REPLY, ISA_*.
import {
  Value, Outcome, ok, fail, failWith, isaError, encode, decode, storage, host, ErrorCode,
} from "../../../sdk-as/app";

const PREFIX = "pref/";

class Preference {
  constructor(
    public name: string,
    public description: string,
    /** Allowed values; empty: free text checked by `check`. */
    public choices: string[],
    public fallback: string,
  ) {}
}

const CATALOGUE: Preference[] = [
  new Preference("theme", "colour theme of the console", ["system", "light", "dark"], "system"),
  new Preference("language", "language tag, e.g. en, pt-BR (letters, digits and '-', 2 to 35 characters)", [], "en"),
  new Preference("time-zone", "IANA time zone, e.g. Europe/Lisbon (letters, digits, '/', '_', '+', '-', up to 64)", [], "UTC"),
  new Preference("date-format", "how dates are shown", ["iso", "day-month-year", "month-day-year"], "iso"),
  new Preference("week-start", "first day of the week in calendars", ["monday", "sunday", "saturday"], "monday"),
];

function lookup(name: string): Preference | null {
  for (let i = 0; i < CATALOGUE.length; i++) if (CATALOGUE[i].name == name) return CATALOGUE[i];
  return null;
}

function charsIn(s: string, extra: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && !extra.includes(s.charAt(i))) return false;
  }
  return true;
}

function valid(p: Preference, v: string): bool {
  if (p.choices.length > 0) return p.choices.includes(v);
  if (p.name == "language") return v.length >= 2 && v.length <= 35 && charsIn(v, "-");
  return v.length >= 1 && v.length <= 64 && charsIn(v, "/_+-");
}

/** The stored value of `p`, or null when unset (or unreadable: then the default applies). */
function stored(p: Preference): string | null {
  const r = storage.get(PREFIX + p.name);
  if (!r.ok) return null;
  const d = decode(r.value);
  return d.ok && d.value!.isStr && valid(p, d.value!.s) ? d.value!.s : null;
}

function describe(p: Preference): Value {
  const v = stored(p);
  const m = Value.map().setStr("name", p.name).setStr("value", v !== null ? v! : p.fallback).setBool("default", v === null)
    .setStr("description", p.description);
  if (p.choices.length > 0) {
    const cs: Value[] = [];
    for (let i = 0; i < p.choices.length; i++) cs.push(Value.str(p.choices[i]));
    m.set("choices", Value.array(cs));
  }
  return m;
}

function unknown(name: string): Outcome {
  let names = "";
  for (let i = 0; i < CATALOGUE.length; i++) names += (i > 0 ? ", " : "") + CATALOGUE[i].name;
  return failWith("UNKNOWN_PREFERENCE", "no preference named '" + name + "' (known: " + names + ")", Value.map());
}

/** every preference with its value, whether it is the default, and its choices */
@command("list")
function list(): Outcome {
  const out: Value[] = [];
  for (let i = 0; i < CATALOGUE.length; i++) out.push(describe(CATALOGUE[i]));
  return ok(Value.array(out));
}

/** one preference */
@command("get")
function get(name: string): Outcome {
  const p = lookup(name);
  return p === null ? unknown(name) : ok(describe(p!));
}

/** changes a preference */
@command("set")
function set(name: string, value: string): Outcome {
  const p = lookup(name);
  if (p === null) return unknown(name);
  if (!valid(p!, value)) return fail("INVALID_VALUE", "'" + value + "' is not a valid " + name + ": " + p!.description);
  const w = storage.set(PREFIX + name, encode(Value.str(value)));
  if (!w.ok) return isaError("storage.set", w.code);
  return ok(describe(p!));
}

/** puts a preference back to its default */
@command("reset")
function reset(name: string): Outcome {
  const p = lookup(name);
  if (p === null) return unknown(name);
  const r = storage.delete_(PREFIX + name);
  if (!r.ok && r.code != ErrorCode.NotFound) return isaError("storage.delete", r.code);
  return ok(describe(p!));
}

/** The host's state map, or the failure to answer with. */
class HostRead {
  constructor(public state: Value | null, public failure: Outcome | null) {}
}

function readHost(): HostRead {
  const r = host.state();
  if (!r.ok) return new HostRead(null, isaError("host.state", r.code));
  const d = decode(r.value);
  if (!d.ok || !d.value!.isMap) return new HostRead(null, fail("BAD_REPLY", "host.state did not answer a map"));
  return new HostRead(d.value!, null);
}

function hostPart(key: string): Outcome {
  const h = readHost();
  if (h.failure !== null) return h.failure!;
  const v = h.state!.get(key);
  if (v == null) return fail("BAD_REPLY", "host.state has no " + key);
  return ok(v);
}

/** installed apps: version, identity (verified publisher key or unverified) and what each was granted */
@command("apps")
function apps(): Outcome { return hostPart("apps"); }

/** the DMCSs this host dispatches to (name, origin, chain id, which is the default) */
@command("dmcs")
function dmcsList(): Outcome { return hostPart("dmcs"); }

/** whether the vault's keystore exists and is unlocked, and who is logged in (no key material) */
@command("vault")
function vault(): Outcome {
  const h = readHost();
  if (h.failure !== null) return h.failure!;
  const v = h.state!.get("vault");
  const session = h.state!.get("session");
  if (v == null || !v.isMap) return fail("BAD_REPLY", "host.state has no vault");
  return ok(v.set("session", session != null ? session : Value.nil()));
}
