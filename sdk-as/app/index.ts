/**
 * The PeerOS app SDK (AssemblyScript). An app's entry file:
 *
 *   import { register, Value, Outcome, ok, fail, log, LogLevel } from "<sdk>/app";
 *   export * from "<sdk>/app/exports";
 *   register("hello", hello);
 *   function hello(args: Value): Outcome { return ok(Value.str("hi")); }
 *
 * See docs/sdk-guide.md.
 */
export { Value, Kind } from "./value";
export { encode, decode, decodeRaw, Decoded, DecodeError, DecodeErrorCode, Writer, DEFAULT_MAX_DEPTH } from "./msgpack";
export { Outcome, ok, fail, failWith, rawOutcome } from "./outcome";
export { register, setArgsMaxDepth, commandNames, Command } from "./command";
export { BytesResult, StringResult, UnitResult } from "./boundary";
export * from "./isa.generated";
export { isaError } from "./errors";
export { isAccountName, noSession } from "./account";
