/**
 * The abort handler the app compiler installs with `--use abort=…`: an AssemblyScript runtime
 * error (index out of range, failed assertion, out of memory) becomes a wasm trap, which the host
 * reports as a typed error naming the app and command. No `env.abort` import is needed, so the
 * module only imports the ISA. `@global`: the compiler names it `peerosAbort` whether the app
 * imports the SDK by package path (`peeros/sdk-as/app`) or by a relative path.
 *
 * Before trapping it records what AssemblyScript passed (message, file, line, column) in a static
 * record whose address the `peeros_abort_record` export gives; the host reads it from guest memory
 * after the trap (bounded, escaped) and reports ABORT with the message instead of a bare trap.
 * Layout (little-endian u32s): message ptr, file ptr, line, column, ABORT_MARK.
 */
const RECORD: usize = memory.data(20, 4);
/** "ABRT": set only by this handler, so a trap elsewhere is not read as an abort. */
const ABORT_MARK: u32 = 0x54524241;

@global
export function peerosAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  store<u32>(RECORD, <u32>changetype<usize>(message), 0);
  store<u32>(RECORD, <u32>changetype<usize>(fileName), 4);
  store<u32>(RECORD, line, 8);
  store<u32>(RECORD, column, 12);
  store<u32>(RECORD, ABORT_MARK, 16);
  unreachable();
}

/** The address of the abort record (read by the host after a trap). */
export function peeros_abort_record(): usize {
  return RECORD;
}
