/** How every `peeros app …` subcommand reports a typed host failure: one line with its code, exit 1. */
import type { CliIO } from '../command.js';
import { HostError } from '../../errors.js';
import { terminalText } from '../../../lib/terminal-text.js';

export function fail(io: CliIO, sub: string, err: unknown): number {
  if (err instanceof HostError) {
    io.err(`peeros app ${sub}: ${err.code}: ${terminalText(err.message)}`);
    return 1;
  }
  throw err;
}
