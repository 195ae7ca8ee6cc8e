/**
 * `peeros` entry: finds the sub-command, runs it, and turns every failure into one clear line on
 * stderr with a non-zero exit code (2 for usage mistakes, 1 for everything else).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { CliCommand, CliIO } from './command.js';
import { UsageError } from './command.js';
import { helpText, subcommandHelpText, subcommandOf, type CommandDefinition } from './command-definition.js';
import { terminalLines, terminalText } from '../../lib/terminal-text.js';

const CLI_DIR = dirname(fileURLToPath(import.meta.url));
/** Each command's definition (its name, flags and help: data only), one file per command, named after it. */
const DEFINITIONS_DIR = join(CLI_DIR, 'definitions');
/** Each command's code, default-exporting its `CliCommand`, in a file of the same name. */
const COMMANDS_DIR = join(CLI_DIR, 'commands');

/** What a typed command name must look like to be tried as a file name (`definitions/NAME.js`). */
const COMMAND_FILE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Definition files that failed to import, by command name (reported only when that command is used). */
const brokenDefinitions = new Map<string, Error>();

/**
 * Every command's definition, from `definitions/`: the list of `--help`, the "did you mean",
 * docs/cli.md. No command's code is loaded: a command's modules (the node, the vault, the app
 * store...) are most of the CLI's start-up, and listing the commands needs none of them.
 */
export async function loadDefinitions(): Promise<CommandDefinition[]> {
  const files = (await readdir(DEFINITIONS_DIR).catch(() => [] as string[])).filter((f) => f.endsWith('.js')).sort();
  const definitions: CommandDefinition[] = [];
  for (const f of files) {
    const name = f.slice(0, -'.js'.length);
    // One broken file must not take every other command down with it.
    const d = await importNamed(DEFINITIONS_DIR, name, definitionIn);
    if (d instanceof Error) brokenDefinitions.set(name, d);
    else if (d) definitions.push(d);
  }
  return definitions;
}

/** Every command with its code (each definition's `commands/NAME.js`): what the tests check against the definitions. */
export async function loadCommands(): Promise<CliCommand[]> {
  const commands: CliCommand[] = [];
  for (const d of await loadDefinitions()) {
    const c = await importNamed(COMMANDS_DIR, d.name, commandIn(d.name));
    if (c instanceof Error) throw c;
    if (!c) throw new Error(`commands/${d.name}.js does not export the command its definition names`);
    commands.push(c);
  }
  return commands;
}

const definitionIn = (mod: { definition?: CommandDefinition }, name: string): CommandDefinition | undefined =>
  mod.definition?.name === name ? mod.definition : undefined;
const commandIn =
  (name: string) =>
  (mod: { default?: CliCommand }): CliCommand | undefined =>
    mod.default?.definition?.name === name ? mod.default : undefined;

/**
 * What `pick` finds in `dir/NAME.js`, importing that file only: undefined when `name` cannot be a
 * file name, there is no such file or it does not define `name`; the import's error when it fails.
 */
async function importNamed<M, T>(dir: string, name: string, pick: (mod: M, name: string) => T | undefined): Promise<T | Error | undefined> {
  if (!COMMAND_FILE_NAME.test(name)) return undefined;
  const file = join(dir, `${name}.js`);
  if (!existsSync(file)) return undefined;
  try {
    return pick((await import(pathToFileURL(file).href)) as M, name);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Says that `name` is no command (with a close one when there is), or that its file failed to load; the exit code. */
async function noSuchCommand(name: string, io: CliIO, failure?: Error): Promise<number> {
  const error = failure ?? brokenDefinitions.get(name);
  if (error) {
    io.err(`peeros ${terminalText(name, 64)}: this command failed to load: ${terminalText(error.message)}`);
    return 1;
  }
  const names = (await loadDefinitions()).map((d) => d.name);
  return unknownCommand(name, names, io);
}

/** The definition of command `name` (its help, without its code), or the exit code after saying why there is none. */
async function definitionNamed(name: string, io: CliIO): Promise<CommandDefinition | number> {
  const d = await importNamed(DEFINITIONS_DIR, name, definitionIn);
  return d === undefined || d instanceof Error ? noSuchCommand(name, io, d) : d;
}

/** Command `name` with its code, importing no other command's, or the exit code after saying why there is none. */
async function commandNamed(name: string, io: CliIO): Promise<CliCommand | number> {
  const d = await definitionNamed(name, io);
  if (typeof d === 'number') return d;
  const c = await importNamed(COMMANDS_DIR, name, commandIn(name));
  return c === undefined || c instanceof Error ? noSuchCommand(name, io, c ?? new Error(`commands/${name}.js does not define it`)) : c;
}

/**
 * The real terminal. Its output boundary escapes every control, bidi and invisible character except
 * the newlines the commands write (`terminalLines`): commands escape app text where they embed it
 * (newlines included); this is the last line of defence for any they missed.
 */
export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(`${terminalLines(t)}\n`),
    err: (t) => process.stderr.write(`${terminalLines(t)}\n`),
    env: process.env,
    async readStdin() {
      if (process.stdin.isTTY) {
        throw new UsageError('expected input on stdin (pipe it in, or use the --*-file option)');
      }
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${terminalText(question)} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

export function usage(definitions: CommandDefinition[]): string {
  const width = Math.max(...definitions.map((d) => d.name.length), 4);
  return [
    'peeros — the PeerOS host: sandboxed dApps, the Secure Key Vault and an embedded Antelope DMCS',
    '',
    'usage: peeros COMMAND [ARGS] [--help]',
    '',
    'commands:',
    ...definitions.map((d) => `  ${d.name.padEnd(width)}  ${d.summary}`),
    '',
    'Data lives in $PEEROS_HOME (default ~/.peeros). Run `peeros help COMMAND` (or `peeros COMMAND --help`) for details.',
  ].join('\n');
}

/** The help of `peeros NAME [SUB]`: the subcommand's when SUB is one of NAME's, else NAME's. */
function helpOf(definition: CommandDefinition, sub: string | undefined): string {
  const s = subcommandOf(definition, sub);
  return s ? subcommandHelpText(definition, s) : helpText(definition);
}

/** Edit distance, for "did you mean": names are short, so the quadratic table is a few hundred cells. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The command name closest to `typed`, when it is close enough to be a typo (at most 2 edits, or a prefix). */
export function closestCommand(typed: string, names: string[]): string | undefined {
  if (typed.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const n of names) {
    const d = n.startsWith(typed) && typed.length >= 2 ? 1 : distance(typed, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

function unknownCommand(name: string, names: string[], io: CliIO): number {
  const near = closestCommand(name, names);
  io.err(
    `peeros: unknown command '${terminalText(name, 64)}'.${near ? ` Did you mean '${near}'?` : ''} Run 'peeros --help' to see the commands.`,
  );
  return 2;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length && rest[0] !== 'help') {
    // `peeros help CMD [SUB]` prints what `peeros CMD [SUB] --help` prints
    const definition = await definitionNamed(rest[0]!, io);
    if (typeof definition === 'number') return definition;
    io.out(helpOf(definition, rest[1]));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(await loadDefinitions()));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out('peeros 0.1.0');
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const definition = await definitionNamed(name, io);
    if (typeof definition === 'number') return definition;
    io.out(helpOf(definition, rest[0]));
    return 0;
  }
  const command = await commandNamed(name, io);
  if (typeof command === 'number') return command;
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`peeros ${name}: ${terminalText(err.message)}. Run 'peeros ${name} --help' for usage.`);
      return 2;
    }
    const msg = err instanceof Error ? err.message : String(err);
    io.err(`peeros ${name}: ${terminalText(msg)}`);
    if (io.env.PEEROS_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  }
}
