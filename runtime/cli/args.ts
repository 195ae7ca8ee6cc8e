/**
 * A small, strict argument parser for the CLI: declared flags only, so a typo is an error that
 * names the flag instead of being silently ignored.
 */
import { UsageError } from './command.js';

export interface FlagSpec {
  /** 'boolean' flags take no value; 'string' flags take the next word or `--flag=value`. */
  [flag: string]: 'boolean' | 'string';
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const flags: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option --${name} for '${command}'`);
      if (kind === 'boolean') {
        if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
        flags[name] = true;
      } else {
        const value = eq !== -1 ? word.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
        flags[name] = value;
      }
    } else {
      positionals.push(word);
    }
  }
  return { flags, positionals };
}
