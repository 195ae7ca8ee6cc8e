/** Turning ISA error codes into app errors. */
import { errorCodeName } from "./isa.generated";
import { Outcome, fail } from "./outcome";

/**
 * An app error for a failed ISA call: code `ISA_<ERROR_CODE>` (e.g. ISA_NOT_FOUND,
 * ISA_UNAVAILABLE) and a message naming the call.
 */
export function isaError(call: string, code: i32): Outcome {
  const name: string = errorCodeName(code);
  return fail("ISA_" + name.toUpperCase().replaceAll("-", "_"), call + " failed: " + (name.length ? name : "error " + code.toString()));
}
