/**
 * The shape of one `peeros` sub-command. Each is two files of the same name: its definition (data:
 * name, flags, help) under `runtime/cli/definitions/`, and its code under `runtime/cli/commands/`,
 * default-exporting a `CliCommand` that carries that definition. `main.ts` discovers them, so adding
 * a command touches no shared file; help and the command list read the definitions only.
 */
import { CodedError } from '../../lib/coded-error.js';
import type { CommandDefinition } from './command-definition.js';

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
  /** Name, summary, usage, flags and subcommands: the source of `--help`, the parser's flags and docs/cli.md. */
  definition: CommandDefinition;
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
