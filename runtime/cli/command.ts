/**
 * The shape of one `peeros` sub-command. Each lives in its own file under `runtime/cli/commands/`
 * and default-exports a `CliCommand`; `main.ts` discovers them, so adding a command touches no
 * shared file.
 */
import { CodedError } from '../../lib/coded-error.js';

export interface CliIO {
  out(text: string): void; // stdout, a newline is added
  err(text: string): void; // stderr, a newline is added
  /** Reads all of stdin (for secrets such as private keys, never taken from argv). */
  readStdin(): Promise<string>;
  /** Asks a yes/no question on the terminal; false when stdin is not a TTY. */
  confirm(question: string): Promise<boolean>;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  /** The first word after `peeros`, e.g. `app`, `key`, `node`. */
  name: string;
  /** One line for `peeros --help`. */
  summary: string;
  /** Full help text, printed by `peeros NAME --help`. */
  help: string;
  /** Runs the command; returns the process exit code. Throw `UsageError` for bad arguments. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A mistake in how the command was called: printed with a hint to `--help`, exit code 2. */
export class UsageError extends CodedError<'USAGE'> {
  override name = 'UsageError';
  constructor(message: string) {
    super('USAGE', message);
  }
}
