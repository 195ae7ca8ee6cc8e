/**
 * `peeros` entry: finds the sub-command, runs it, and turns every failure into one clear line on
 * stderr with a non-zero exit code (2 for usage mistakes, 1 for everything else).
 */
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { CliCommand, CliIO } from './command.js';
import { UsageError } from './command.js';
import { helpText, subcommandHelpText, subcommandOf } from './command-definition.js';
import { terminalLines, terminalText } from '../../lib/terminal-text.js';

/** Command files that failed to import, by file name without `.js` (reported only when used). */
const brokenCommands = new Map<string, Error>();

export async function loadCommands(): Promise<CliCommand[]> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.js')).sort();
  const commands: CliCommand[] = [];
  for (const f of files) {
    // One broken command module must not take every other command down with it.
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: CliCommand };
      if (mod.default?.definition?.name) commands.push(mod.default);
    } catch (err) {
      brokenCommands.set(f.replace(/\.js$/, ''), err as Error);
    }
  }
  return commands;
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

export function usage(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.definition.name.length), 4);
  return [
    'peeros — the PeerOS host: sandboxed dApps, the Secure Key Vault and an embedded Antelope DMCS',
    '',
    'usage: peeros COMMAND [ARGS] [--help]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.definition.name.padEnd(width)}  ${c.definition.summary}`),
    '',
    'Data lives in $PEEROS_HOME (default ~/.peeros). Run `peeros help COMMAND` (or `peeros COMMAND --help`) for details.',
  ].join('\n');
}

/** The help of `peeros NAME [SUB]`: the subcommand's when SUB is one of NAME's, else NAME's. */
function helpOf(command: CliCommand, sub: string | undefined): string {
  const s = subcommandOf(command.definition, sub);
  return s ? subcommandHelpText(command.definition, s) : helpText(command.definition);
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

function unknownCommand(name: string, commands: CliCommand[], io: CliIO): number {
  const near = closestCommand(
    name,
    commands.map((c) => c.definition.name),
  );
  io.err(
    `peeros: unknown command '${terminalText(name, 64)}'.${near ? ` Did you mean '${near}'?` : ''} Run 'peeros --help' to see the commands.`,
  );
  return 2;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  const find = (n: string) => commands.find((c) => c.definition.name === n);
  if (name === 'help' && rest.length && rest[0] !== 'help') {
    // `peeros help CMD [SUB]` prints what `peeros CMD [SUB] --help` prints
    const command = find(rest[0]!);
    if (!command) return unknownCommand(rest[0]!, commands, io);
    io.out(helpOf(command, rest[1]));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(commands));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out('peeros 0.1.0');
    return 0;
  }
  const command = find(name);
  if (!command) {
    const broken = brokenCommands.get(name);
    if (broken) {
      io.err(`peeros ${name}: this command failed to load: ${terminalText(broken.message)}`);
      return 1;
    }
    return unknownCommand(name, commands, io);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpOf(command, rest[0]));
    return 0;
  }
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
