/**
 * The host side of an SDK app's abort (sdk-as/app/abort.ts): the app's abort handler stores
 * AssemblyScript's message, file, line and column in a static record, then traps; after the trap
 * the host asks the `peeros_abort_record` export where the record is and reads it — bounds-checked,
 * text bounded (as-env.ts readAbort) and escaped by whoever prints it. A trap without the record's
 * mark stays a TRAP.
 */
import type { GuestMemory } from '../../abi/guest-memory.js';
import type { AbortInfo } from '../errors.js';
import { readAbort } from './as-env.js';

export const ABORT_RECORD_EXPORT = 'peeros_abort_record';
/** "ABRT" little-endian: written by the SDK's handler last, just before it traps. */
export const ABORT_MARK = 0x54524241;
/** message ptr, file ptr, line, column, mark. */
const RECORD_BYTES = 20;

/** What the app's abort handler recorded, or undefined when it did not abort (or the record is unreadable). */
export function readAbortRecord(recordExport: unknown, mem: GuestMemory): AbortInfo | undefined {
  if (typeof recordExport !== 'function') return undefined;
  try {
    const ptr = (recordExport as () => number)() >>> 0;
    mem.checkArea(ptr, RECORD_BYTES, 4, 'abort record');
    const dv = mem.dv;
    if (dv.getUint32(ptr + 16, true) !== ABORT_MARK) return undefined;
    return readAbort(mem, dv.getUint32(ptr, true), dv.getUint32(ptr + 4, true), dv.getUint32(ptr + 8, true), dv.getUint32(ptr + 12, true));
  } catch {
    return undefined; // a record the host cannot read leaves the trap as it was
  }
}
