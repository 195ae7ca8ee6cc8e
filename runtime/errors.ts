/**
 * The one error class of the host runtime. Every failure carries a stable `code` (for programs and
 * tests) and a message for people that says what was wrong and, where it helps, how to fix it.
 * Errors raised while running an app carry the app and command; a trap carries its cause.
 *
 * Errors cross the worker boundary as plain {@link HostErrorData} and are rebuilt with
 * {@link HostError.fromData}, so a caller sees the same class whatever thread failed.
 */
import { BoundaryError, IsaErrorCode, type BoundaryErrorCode } from '../abi/boundary-errors.js';
import { CodedError, codeOf, peerMessage, peerText } from '../lib/coded-error.js';
import { isStackOverflow } from '../lib/foreign-errors.js';

/** Stable codes. Add new ones at the end; never rename. */
export const HOST_ERROR_CODES = [
  /** The app called or linked something outside what the user granted. */
  'CAPABILITY_DENIED',
  /** A call ran past its CPU deadline; its worker was terminated. */
  'DEADLINE_EXCEEDED',
  /** The guest trapped (unreachable, out-of-bounds access, stack exhaustion, …). */
  'TRAP',
  /** A pointer or length from the guest was outside its memory. */
  'BAD_POINTER',
  /** A host limit was hit (memory, payload size, quota). */
  'LIMIT_EXCEEDED',
  /** Bytes from the guest that must be msgpack were not well-formed. */
  'MALFORMED_MSGPACK',
  /** The module cannot be linked: unknown import, wrong signature, missing export. */
  'LINK_ERROR',
  /** The module is not valid WebAssembly, or uses a feature the sandbox refuses. */
  'INVALID_MODULE',
  /** No app of that name is installed. */
  'UNKNOWN_APP',
  /** The app's manifest does not list that command. */
  'UNKNOWN_COMMAND',
  /** The app ran and returned its own typed error (`appCode`, message). */
  'APP_ERROR',
  /** `peeros.json` is invalid (the message gives the field path). */
  'MANIFEST_INVALID',
  /** A value from the guest is well-formed but not what the ABI requires. */
  'INVALID_VALUE',
  /** Something went wrong in the host; not the app's fault. */
  'INTERNAL',
  /** The host was closed while the call was pending. */
  'CLOSED',
  /** The installer refused (no confirmation, or the user declined). */
  'NOT_GRANTED',
  /** An app of that name and another identity is installed or left data (it would inherit that app's data and grants). */
  'INSTALL_CONFLICT',
  /** A file of an app folder is not a regular file inside that folder (a link out of it, a device, a FIFO, a directory). */
  'UNSAFE_FILE',
  /** The package's `peeros.sig` does not verify against its files (tampered, or signed for other bytes). */
  'SIGNATURE_INVALID',
  /** The guest called AssemblyScript's `abort` (failed assertion, runtime error): `abort` carries its message, file, line and column. */
  'ABORT',
  /** A `.peeros` package file is damaged or malformed (bad layout, path, size or checksum); nothing was installed. */
  'PACKAGE_INVALID',
  /** The dAppStore refuses this install: the app or version is not in the registry, is yanked, is older than the installed one, or ranks the same as it but is another release. */
  'STORE_REFUSED',
  /** A package file or folder is older than the installed app, or ranks the same as it but is another package (runtime/store/release-replacement.ts); nothing was installed. */
  'VERSION_REFUSED',
] as const;
export type HostErrorCode = (typeof HOST_ERROR_CODES)[number];

/** A refused guest value keeps its reason when it becomes the app's error. */
export const BOUNDARY_HOST_CODES: Record<BoundaryErrorCode, HostErrorCode> = {
  BAD_POINTER: 'BAD_POINTER',
  MALFORMED_MSGPACK: 'MALFORMED_MSGPACK',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  INVALID_VALUE: 'INVALID_VALUE',
};

/** What an app hears when a host step on its behalf fails (through the bridge). */
export const HOST_ISA_CODES: Record<HostErrorCode, IsaErrorCode> = {
  CAPABILITY_DENIED: IsaErrorCode.CAPABILITY_DENIED,
  DEADLINE_EXCEEDED: IsaErrorCode.LIMIT_EXCEEDED,
  TRAP: IsaErrorCode.INTERNAL,
  BAD_POINTER: IsaErrorCode.INVALID_ARGUMENT,
  LIMIT_EXCEEDED: IsaErrorCode.LIMIT_EXCEEDED,
  MALFORMED_MSGPACK: IsaErrorCode.INVALID_ARGUMENT,
  LINK_ERROR: IsaErrorCode.INTERNAL,
  INVALID_MODULE: IsaErrorCode.INTERNAL,
  /** An app asked for through the bridge that is not installed (any more) may not be served. */
  UNKNOWN_APP: IsaErrorCode.CAPABILITY_DENIED,
  UNKNOWN_COMMAND: IsaErrorCode.NOT_FOUND,
  APP_ERROR: IsaErrorCode.INTERNAL,
  MANIFEST_INVALID: IsaErrorCode.INTERNAL,
  INVALID_VALUE: IsaErrorCode.INVALID_ARGUMENT,
  INTERNAL: IsaErrorCode.INTERNAL,
  CLOSED: IsaErrorCode.UNAVAILABLE,
  NOT_GRANTED: IsaErrorCode.CAPABILITY_DENIED,
  INSTALL_CONFLICT: IsaErrorCode.INTERNAL,
  UNSAFE_FILE: IsaErrorCode.INTERNAL,
  SIGNATURE_INVALID: IsaErrorCode.INTERNAL,
  ABORT: IsaErrorCode.INTERNAL,
  PACKAGE_INVALID: IsaErrorCode.INTERNAL,
  STORE_REFUSED: IsaErrorCode.INTERNAL,
  VERSION_REFUSED: IsaErrorCode.INTERNAL,
};

/** Where and why a guest aborted, as AssemblyScript reported it (text bounded by the reader, escaped when printed). */
export interface AbortInfo {
  message: string;
  file: string;
  line: number;
  column: number;
}

/** The serialisable form of a {@link HostError} (worker messages, JSON output). */
export interface HostErrorData {
  code: HostErrorCode;
  message: string;
  app?: string;
  command?: string;
  /** For APP_ERROR: the app's own code. */
  appCode?: string;
  /** For TRAP: what trapped, e.g. `unreachable executed`. */
  cause?: string;
  /** For ABORT: the guest's message, file, line and column. */
  abort?: AbortInfo;
}

/** An AbortInfo that crossed a worker boundary: strings bounded, positions whole u32s; anything else is dropped. */
function abortFrom(a: unknown): AbortInfo | undefined {
  if (!a || typeof a !== 'object') return undefined;
  const { message, file, line, column } = a as Record<string, unknown>;
  const u32 = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
  if (typeof message !== 'string' || typeof file !== 'string' || !u32(line) || !u32(column)) return undefined;
  return { message: peerMessage(message), file: peerMessage(file), line: line as number, column: column as number };
}

/** What a HostError may say besides its code and message. */
export interface HostErrorContext {
  app?: string;
  command?: string;
  appCode?: string;
  cause?: string;
  abort?: AbortInfo;
}

export class HostError extends CodedError<HostErrorCode> {
  override readonly name = 'HostError';
  readonly app?: string;
  readonly command?: string;
  readonly appCode?: string;
  readonly trapCause?: string;
  readonly abort?: AbortInfo;

  constructor(code: HostErrorCode, message: string, ctx: HostErrorContext = {}) {
    super(code, message);
    if (ctx.app !== undefined) this.app = ctx.app;
    if (ctx.command !== undefined) this.command = ctx.command;
    if (ctx.appCode !== undefined) this.appCode = ctx.appCode;
    if (ctx.cause !== undefined) this.trapCause = ctx.cause;
    if (ctx.abort !== undefined) this.abort = ctx.abort;
  }

  toData(): HostErrorData {
    const d: HostErrorData = { code: this.code, message: this.message };
    if (this.app !== undefined) d.app = this.app;
    if (this.command !== undefined) d.command = this.command;
    if (this.appCode !== undefined) d.appCode = this.appCode;
    if (this.trapCause !== undefined) d.cause = this.trapCause;
    if (this.abort !== undefined) d.abort = { ...this.abort };
    return d;
  }

  override toJSON(): HostErrorData {
    return this.toData();
  }

  /** Rebuilds an error that crossed the app worker boundary; a code that is not the host's is INTERNAL. */
  static fromData(d: HostErrorData): HostError {
    const code = codeOf(HOST_ERROR_CODES, d.code);
    const ctx: HostErrorContext = {};
    for (const k of ['app', 'command', 'appCode', 'cause'] as const) if (typeof d[k] === 'string') ctx[k] = peerMessage(d[k]);
    const abort = abortFrom(d.abort);
    if (abort) ctx.abort = abort;
    if (code === undefined) {
      const unknown = JSON.stringify(peerText(d.code).slice(0, 40));
      return new HostError('INTERNAL', `an error with the unknown code ${unknown}: ${peerMessage(d.message)}`, ctx);
    }
    return new HostError(code, peerMessage(d.message), ctx);
  }

  /**
   * Converts anything thrown while running `app`'s `command` into a HostError that names them:
   * boundary errors keep their code, wasm runtime errors become TRAP with their cause, a stack
   * overflow becomes TRAP with cause `call stack exhausted`.
   */
  static fromThrown(err: unknown, app: string, command: string): HostError {
    const where = `app '${app}' command '${command}'`;
    if (err instanceof HostError) {
      if (err.app !== undefined) return err;
      return new HostError(err.code, `${where}: ${err.message}`, {
        app,
        command,
        ...(err.appCode ? { appCode: err.appCode } : {}),
        ...(err.trapCause ? { cause: err.trapCause } : {}),
        ...(err.abort ? { abort: err.abort } : {}),
      });
    }
    if (err instanceof BoundaryError) {
      return new HostError(BOUNDARY_HOST_CODES[err.code], `${where}: ${err.message}`, { app, command, cause: err.message });
    }
    if (isStackOverflow(err)) {
      return new HostError('TRAP', `${where} trapped: call stack exhausted (too deep recursion)`, {
        app,
        command,
        cause: 'call stack exhausted',
      });
    }
    if (err instanceof WebAssembly.RuntimeError) {
      return new HostError('TRAP', `${where} trapped: ${err.message}`, { app, command, cause: err.message });
    }
    const msg = err instanceof Error ? err.message : String(err);
    return new HostError('INTERNAL', `${where}: host failure: ${msg}`, { app, command, cause: msg });
  }

  static capabilityDenied(message: string, ctx: { app?: string; command?: string } = {}): HostError {
    return new HostError('CAPABILITY_DENIED', message, ctx);
  }
  static linkError(message: string, app?: string): HostError {
    return new HostError('LINK_ERROR', message, app !== undefined ? { app } : {});
  }
  static limit(message: string, ctx: { app?: string; command?: string } = {}): HostError {
    return new HostError('LIMIT_EXCEEDED', message, ctx);
  }
  static unknownApp(app: string): HostError {
    return new HostError(
      'UNKNOWN_APP',
      `no app named '${app}' is installed (see 'peeros app list', or install it with 'peeros app install DIR')`,
      { app },
    );
  }
}

/** True when `err` is a HostError with `code`. */
export function isHostError(err: unknown, code?: HostErrorCode): err is HostError {
  return err instanceof HostError && (code === undefined || err.code === code);
}
