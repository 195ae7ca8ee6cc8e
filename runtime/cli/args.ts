/**
 * The CLI's argument parser: `node:util` `parseArgs` in token mode, held to the flags a command
 * declares, so a typo is a usage error that names the flag instead of being silently ignored.
 * Words starting with a single '-' stay positionals (a negative number, `-` for stdin): the CLI
 * has no short options besides -h, which `main.ts` handles.
 */
import { parseArgs as parseTokens } from 'node:util';
import { UsageError } from './command.js';
import type { FlagSpec } from './command-definition.js';

export type { FlagSpec };

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]));
  const { tokens } = parseTokens({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const flags: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  let shortAt = -1; // a grouped short word (-abc) yields one token per letter: keep the word once
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option' && !token.rawName.startsWith('--')) {
      if (token.index !== shortAt) positionals.push(argv[token.index]!);
      shortAt = token.index;
    } else if (token.kind === 'option') {
      const kind = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
      if (!kind) throw new UsageError(`unknown option --${token.name} for '${command}'`);
      if (kind === 'boolean') {
        if (token.inlineValue) throw new UsageError(`option --${token.name} takes no value`);
        flags[token.name] = true;
      } else {
        if (token.value === undefined) throw new UsageError(`option --${token.name} needs a value`);
        flags[token.name] = token.value;
      }
    }
  }
  return { flags, positionals };
}

/** Every value of string flag `name`, in order, for a flag that may repeat (`parseArgs` keeps the last). */
export function repeatedValues(argv: string[], spec: FlagSpec, name: string): string[] {
  const options = Object.fromEntries(Object.entries(spec).map(([n, type]) => [n, { type }]));
  const { tokens } = parseTokens({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const values: string[] = [];
  for (const t of tokens)
    if (t.kind === 'option' && t.rawName.startsWith('--') && t.name === name && t.value !== undefined) values.push(t.value);
  return values;
}
