// __NAME__: a counter kept in the app's private storage (key "count", an msgpack integer).
// Commands: get → {count}; increment {by?: int} → {count}; reset → {count: 0}.
// Errors: INVALID_ARGUMENT, ISA_* (a failed ISA call, e.g. ISA_CAPABILITY_DENIED without "storage").
import { register, Value, Outcome, ok, fail, isaError, encode, decode, storage, ErrorCode } from "peeros/sdk-as/app";
export * from "peeros/sdk-as/app/exports";

const KEY = "count";

/** The stored count; 0 when nothing is stored yet. */
function load(): i64 {
  const r = storage.get(KEY);
  if (!r.ok) return 0; // not-found: a new counter
  const d = decode(r.value);
  return d.ok && d.value!.isInt ? d.value!.i : 0;
}

function result(count: i64): Outcome {
  return ok(Value.map().setInt("count", count));
}

function save(count: i64): Outcome {
  const w = storage.set(KEY, encode(Value.int(count)));
  if (!w.ok) return isaError("storage.set", w.code);
  return result(count);
}

function get(args: Value): Outcome {
  return result(load());
}

function increment(args: Value): Outcome {
  let by: i64 = 1;
  if (args.isMap) {
    const v = args.get("by");
    if (v != null && !v.isNil) {
      if (!v.isInt) return fail("INVALID_ARGUMENT", "'by' must be an integer");
      by = v.i;
    }
  }
  return save(load() + by);
}

function reset(args: Value): Outcome {
  const r = storage.delete_(KEY);
  if (!r.ok && r.code != ErrorCode.NotFound) return isaError("storage.delete", r.code);
  return result(0);
}

register("get", get);
register("increment", increment);
register("reset", reset);
