/**
 * The one error of `peeros app build` (runtime/app-compiler.ts): a stable `code` for programs and
 * tests, a message for people, and the compile diagnostics when the sources do not compile.
 */
import { CodedError } from '../lib/coded-error.js';

/** One compile error: file (relative to the current directory), line, column, asc code, message. */
export interface CompileDiagnostic {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** Stable codes of {@link AppBuildError}. Add new ones at the end; never rename. */
export const APP_BUILD_ERROR_CODES = [
  /** The sources do not compile, or do not export the SDK's entry points. */
  'COMPILE_ERROR',
  /** `peeros.json` is missing, not JSON, or a field building needs is wrong. */
  'MANIFEST_INVALID',
  /** A file the build needs is not a regular file inside the app folder (or the SDK). */
  'UNSAFE_FILE',
  /** A file, the sources together, or the compiler's heap went past its limit. */
  'LIMIT_EXCEEDED',
  /** The compiler ran past BUILD_DEADLINE_MS; its worker was terminated. */
  'DEADLINE_EXCEEDED',
  /** The compiler itself failed or produced a malformed module. */
  'INTERNAL',
] as const;
export type AppBuildErrorCode = (typeof APP_BUILD_ERROR_CODES)[number];

export class AppBuildError extends CodedError<AppBuildErrorCode> {
  override readonly name = 'AppBuildError';
  constructor(
    code: AppBuildErrorCode,
    message: string,
    readonly diagnostics: CompileDiagnostic[] = [],
  ) {
    super(code, message);
  }
}
