/**
 * The PeerOS app SDK (AssemblyScript). An app's entry file:
 *
 *   import { log, LogLevel } from "<sdk>/app";
 *   @command("hello") function hello(name: string = "world"): string { return "hi " + name; }
 *
 * The build's transform generates the argument decoding, the registration and the module exports
 * (`<sdk>/app/exports`). See docs/sdk-guide.md (its section 6 lists every export).
 */
export { Value, Kind } from "./value";
export { encode, decode, decodeRaw, Decoded, DecodeError, DecodeErrorCode, Writer, DEFAULT_MAX_DEPTH } from "./msgpack";
export { Outcome, ok, fail, failWith, rawOutcome } from "./outcome";
export { register, setArgsMaxDepth, commandNames, Command } from "./command";
export { BytesResult, StringResult, UnitResult } from "./boundary";
export * from "./isa.generated";
export { isaError } from "./errors";
export { isAccountName, noSession } from "./account";
export { View, formText, formBool } from "./view";
