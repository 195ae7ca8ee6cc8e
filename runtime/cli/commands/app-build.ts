/** `peeros app build DIR [--watch]`: compiles the app (the compiler client is loaded only here). */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { loopOnChanges } from '../watch-folder.js';
import { definition } from '../definitions/app.js';

/** Builds once; prints what the build printed and says whether it worked (for the watch loops). */
export async function buildOnce(dir: string, io: CliIO, printCommands = false): Promise<boolean> {
  const { buildApp, AppBuildError } = await import('../../app-compiler.js');
  io.err(`building ${dir} …`);
  try {
    const r = await buildApp(dir);
    for (const f of r.ignored)
      io.err(`note: ${f} ignored: the host sets every compiler option (no transforms, lib or path from an app folder)`);
    for (const u of r.ungranted)
      io.err(`warning: ${u}, which peeros.json does not ask for under "capabilities"; the install will refuse the module`);
    io.out(`built ${r.wasmPath} (${r.bytes} bytes, sha256 ${r.sha256})`);
    if (printCommands) {
      const table = Object.entries(r.commands ?? {});
      if (table.length === 0) io.out('no @command functions: the commands are those of peeros.json');
      for (const [name, spec] of table)
        io.out(
          `  ${terminalText(name)} ${terminalText(typeof spec.args === 'string' ? spec.args : '{}')}${spec.description ? ` — ${terminalText(spec.description)}` : ''}`,
        );
    }
    return true;
  } catch (err) {
    if (err instanceof AppBuildError) {
      io.err(`peeros app build: ${err.code}: ${err.message}`);
      return false;
    }
    throw err;
  }
}

export async function build(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'build'), 'app build');
  if (positionals.length !== 1) throw new UsageError('app build takes one argument: the app directory');
  const printCommands = flags['print-commands'] === true;
  if (flags.watch) return loopOnChanges(positionals[0]!, io, () => buildOnce(positionals[0]!, io, printCommands));
  return (await buildOnce(positionals[0]!, io, printCommands)) ? 0 : 1;
}
