// __NAME__: a counter kept in the app's private storage (key "count", an msgpack integer).
// Commands are the @command functions below: the SDK's transform decodes their typed parameters
// from the msgpack arguments (`{"by": 41}`, or the bare value when there is one parameter) and
// writes the command table into the built module, so peeros.json states only capabilities.
// Errors: INVALID_ARGUMENT (e.g. a `by` that is not an integer), ISA_* (a failed ISA call, e.g.
// ISA_CAPABILITY_DENIED without "storage").
import { Value, Outcome, ok, isaError, encode, decode, storage, ErrorCode } from "peeros/sdk-as/app";
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

/** the current count */
@command("get")
function get(): Outcome {
  return result(load());
}

/** adds `by` (default 1) to the count */
@command("increment")
function increment(by: i64 = 1): Outcome {
  return save(load() + by);
}

/** sets the count back to 0 */
@command("reset")
function reset(): Outcome {
  const r = storage.delete_(KEY);
  if (!r.ok && r.code != ErrorCode.NotFound) return isaError("storage.delete", r.code);
  return result(0);
}
