/**
 * What a plain AssemblyScript module may import when `peeros invoke` runs it: `env.abort`,
 * `env.trace` and `env.seed`, the three functions AssemblyScript's standard library imports, each
 * implemented here and bounded. Nothing else is linked — no capability, no ISA interface, no JS —
 * and any other import is refused at link time, naming it.
 *
 * - `abort(message, file, line, column)` throws ABORT carrying AssemblyScript's message, file, line
 *   and column, read from guest memory under {@link ABORT_MESSAGE_MAX_UNITS} / {@link ABORT_FILE_MAX_UNITS}.
 * - `trace(message, n, a0…a4)` writes a line under the same per-call budget as an app's log
 *   (LOG_BYTES_PER_CALL, each line charged at least LOG_MESSAGE_CHARGE_BYTES), then one marker
 *   line and silence: a module tracing in a loop cannot flood the terminal or the host.
 * - `seed()` returns 53 random bits (the seed of `Math.random`).
 */
import { randomBytes } from 'node:crypto';
import type { GuestMemory } from '../../abi/guest-memory.js';
import { terminalText } from '../../lib/terminal-text.js';
import { HostError, type AbortInfo } from '../errors.js';
import { LOG_BYTES_PER_CALL, LOG_MESSAGE_CHARGE_BYTES, LOG_MESSAGE_MAX_BYTES } from '../limits.js';
import { readAsString } from './as-object.js';
import { formatType, sameType, type ModuleInfo, type ValType } from './wasm-sections.js';

/** Longest abort message kept: 1024 UTF-16 units — a sentence, not a payload. */
export const ABORT_MESSAGE_MAX_UNITS = 1024;
/** Longest abort file name kept: 256 UTF-16 units. */
export const ABORT_FILE_MAX_UNITS = 256;

/** The imports a plain AssemblyScript module may declare, with the signatures asc gives them. */
export const AS_ENV_IMPORTS: Readonly<Record<string, { params: ValType[]; results: ValType[] }>> = Object.freeze({
  abort: { params: ['i32', 'i32', 'i32', 'i32'], results: [] },
  trace: { params: ['i32', 'i32', 'f64', 'f64', 'f64', 'f64', 'f64'], results: [] },
  seed: { params: [], results: ['f64'] },
});

/** Refuses, naming it, any import other than env.abort/trace/seed with their exact signatures. */
export function checkAsEnvImports(info: ModuleInfo, name: string): void {
  for (const imp of info.imports) {
    const label = `${imp.module}::${imp.name}`;
    const want = imp.module === 'env' && Object.hasOwn(AS_ENV_IMPORTS, imp.name) ? AS_ENV_IMPORTS[imp.name] : undefined;
    if (!want || imp.kind !== 'func') {
      throw HostError.linkError(
        `${name}: import ${label} is refused: peeros invoke links no capability, only env.abort, env.trace and env.seed (install the module as an app to use the ISA)`,
        name,
      );
    }
    if (!sameType(imp.type, want.params, want.results)) {
      throw HostError.linkError(
        `${name}: import ${label} has signature ${formatType(imp.type)}, expected ${formatType(want as never)}`,
        name,
      );
    }
  }
}

/** The message of an ABORT error; the guest's text escaped here, so no printer of it can be spoofed. */
export function abortMessage(a: AbortInfo): string {
  return `aborted: ${terminalText(a.message) || '(no message)'}${a.file ? ` at ${terminalText(a.file)}:${a.line}:${a.column}` : ''}`;
}

/** Reads AssemblyScript's abort arguments from guest memory, bounded; unreadable text becomes a note. */
export function readAbort(mem: GuestMemory, messagePtr: number, filePtr: number, line: number, column: number): AbortInfo {
  const text = (ptr: number, max: number, what: string): string => {
    try {
      const s = readAsString(mem, ptr >>> 0, max, what);
      if (!s) return '';
      return s.units > max ? `${s.text}… (truncated from ${s.units} characters)` : s.text;
    } catch (err) {
      return `(unreadable ${what}: ${(err as Error).message})`;
    }
  };
  return {
    message: text(messagePtr, ABORT_MESSAGE_MAX_UNITS, 'abort message'),
    file: text(filePtr, ABORT_FILE_MAX_UNITS, 'abort file name'),
    line: line >>> 0,
    column: column >>> 0,
  };
}

/** The ABORT error for `info`, raised by `app` (an app, or the module invoke runs) in `command`. */
export function abortError(info: AbortInfo, app: string, command: string, where = `${app} '${command}'`): HostError {
  return new HostError('ABORT', `${where} ${abortMessage(info)}`, { app, command, abort: info });
}

/** Where trace lines go (the worker posts them to the host). */
export type TraceSink = (message: string) => void;

/** The `env` import object; `memory()` is the guest's memory once instantiated, `command()` the export running. */
export function createAsEnv(memory: () => GuestMemory, sink: TraceSink, name: string, command: () => string) {
  let used = 0;
  let dropped = 0;
  return {
    /** Starts a call's trace budget afresh; returns a line about what the last call dropped, if anything. */
    endCall(): string | undefined {
      const note = dropped ? `… ${dropped} more trace lines dropped (trace budget of ${LOG_BYTES_PER_CALL} bytes per call)` : undefined;
      used = 0;
      dropped = 0;
      return note;
    },
    imports: {
      abort(message: number, file: number, line: number, column: number): never {
        throw abortError(readAbort(memory(), message, file, line, column), name, command());
      },
      trace(message: number, n: number, a0: number, a1: number, a2: number, a3: number, a4: number): void {
        if (used >= LOG_BYTES_PER_CALL) {
          dropped++;
          return;
        }
        const maxUnits = Math.min(LOG_MESSAGE_MAX_BYTES, LOG_BYTES_PER_CALL - used) >> 1;
        let text: string;
        try {
          const s = readAsString(memory(), message >>> 0, maxUnits, 'trace message');
          text = s ? (s.units > maxUnits ? `${s.text}… (truncated from ${s.units} characters)` : s.text) : 'null';
        } catch (err) {
          text = `(unreadable trace message: ${(err as Error).message})`;
        }
        const values = [a0, a1, a2, a3, a4].slice(0, Math.max(0, Math.min(5, n | 0)));
        const line = values.length ? `${text} ${values.join(', ')}` : text;
        used += Math.max(line.length * 2, LOG_MESSAGE_CHARGE_BYTES);
        sink(line);
        if (used >= LOG_BYTES_PER_CALL)
          sink(`… trace budget of ${LOG_BYTES_PER_CALL} bytes per call reached: the rest of this call's trace is dropped`);
      },
      seed(): number {
        return Number(randomBytes(8).readBigUInt64LE() >> 11n);
      },
    },
  };
}
