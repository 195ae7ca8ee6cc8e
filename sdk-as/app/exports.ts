/**
 * What every app re-exports from its entry file: `export * from "<sdk>/app/exports";`
 * The app compiler renames `peeros_run` and `peeros_run_post` to their canonical-ABI names
 * (`peeros:isa/command@0.1.0#run`, `cabi_post_peeros:isa/command@0.1.0#run`).
 * `peeros_abort_record` lets the host read an abort's message after the trap (abort.ts).
 */
export { peeros_abort_record } from "./abort";
export { cabi_realloc } from "./boundary";
export { peeros_run, peeros_run_post } from "./command";
