/** `peeros app dev DIR`: build, install and run again at each change of the folder. */
import type { CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { readAppPackage, type AppPackage } from '../../app-registry.js';
import { loopOnChanges } from '../watch-folder.js';
import { definition } from '../definitions/app.js';
import { fail } from './app-fail.js';
import { buildOnce } from './app-build.js';
import { install } from './app-install.js';
import { run } from './app-run.js';

export async function dev(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'dev'), 'app dev');
  if (positionals.length !== 1) throw new UsageError('app dev takes one argument: the app directory');
  const dir = positionals[0]!;
  const runCommand = typeof flags.run === 'string' ? flags.run : undefined;
  const args = typeof flags.args === 'string' ? flags.args : '{}';
  return loopOnChanges(dir, io, async () => {
    if (!(await buildOnce(dir, io))) return;
    let pkg: AppPackage;
    try {
      pkg = await readAppPackage(dir);
    } catch (err) {
      return fail(io, 'dev', err);
    }
    // the developer's own rebuilds share one version: --any-version, which the consent names
    if ((await install([dir, '--yes', '--replace', '--any-version'], io)) !== 0) return;
    if (runCommand !== undefined) await run([pkg.manifest.name, runCommand, args], io);
  });
}
