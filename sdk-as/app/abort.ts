/**
 * The abort handler the app compiler installs with `--use abort=…`: an AssemblyScript runtime
 * error (index out of range, failed assertion, out of memory) becomes a wasm trap, which the host
 * reports as a typed error naming the app and command. No `env.abort` import is needed, so the
 * module only imports the ISA. `@global`: the compiler names it `peerosAbort` whether the app
 * imports the SDK by package path (`peeros/sdk-as/app`) or by a relative path.
 */
@global
export function peerosAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
