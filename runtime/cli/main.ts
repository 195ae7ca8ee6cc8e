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
      if (mod.default?.name) commands.push(mod.default);
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
    out: (t) => process.stdout.write(terminalLines(t) + '\n'),
    err: (t) => process.stderr.write(terminalLines(t) + '\n'),
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

function usage(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'peeros — the PeerOS host: sandboxed dApps, the Secure Key Vault and an embedded Antelope DMCS',
    '',
    'usage: peeros COMMAND [ARGS] [--help]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Data lives in $PEEROS_HOME (default ~/.peeros). Run `peeros COMMAND --help` for details.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(commands));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out('peeros 0.1.0');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const broken = brokenCommands.get(name);
    if (broken) {
      io.err(`peeros ${name}: this command failed to load: ${terminalText(broken.message)}`);
      return 1;
    }
    io.err(`peeros: unknown command '${terminalText(name, 64)}'. Run 'peeros --help' to see the commands.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
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
