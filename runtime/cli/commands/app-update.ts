/**
 * `peeros app update [APP]`: installs the newest release in the dAppStore of APP (or of every
 * installed app the store has) when it is newer than the installed version, through the same
 * `app install APP@VERSION` path: fetch, hash check, capability diff, consent, identity.
 */
import { UsageError, type CliIO } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec, type CommandDefinition } from '../command-definition.js';
import { AppRegistry } from '../../app-registry.js';
import { HostError } from '../../errors.js';
import { peerosHome } from '../../../lib/home.js';
import { planUpdates } from '../../store/update-plan.js';
import { withStore } from '../store-view.js';
import { terminalText } from '../../../lib/terminal-text.js';

export async function update(
  argv: string[],
  io: CliIO,
  definition: CommandDefinition,
  install: (argv: string[], io: CliIO) => Promise<number>,
): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'update'), 'app update');
  if (positionals.length > 1) throw new UsageError('app update takes at most one argument: the app name');
  const home = peerosHome(io.env);
  const names = positionals.length ? positionals : (await new AppRegistry(home).list()).map((a) => a.name);
  let plan: { name: string; version: string }[];
  /** Apps whose entry could not be read, or whose newest release the install would refuse: the exit code is 1. */
  let failed = 0;
  try {
    plan = await withStore(io, flags, async ({ registry }) => {
      const installed: { name: string; version: string; packageHash: string | undefined }[] = [];
      for (const name of names) {
        const record = await new AppRegistry(home).record(name);
        if (!record) throw HostError.unknownApp(name);
        installed.push({ name, version: record.version, packageHash: record.packageHash });
      }
      const out: { name: string; version: string }[] = [];
      for (const s of await planUpdates(registry, installed)) {
        if (s.status === 'newer') out.push({ name: s.name, version: s.version });
        else if (s.status === 'current') io.out(`${s.name} ${terminalText(s.version)} is up to date`);
        else if (s.status === 'absent') io.out(`${s.name}: not in the store, left as it is`);
        else if (s.status === 'yanked') io.out(`${s.name}: every release in the store is yanked, left as it is`);
        else if (s.status === 'refused') {
          // what `app install` would answer; the app stays as it is
          io.err(`peeros app update: ${s.error.code}: ${terminalText(s.error.message)}`);
          failed++;
        } else {
          // one app's entry the host cannot read stops that app's update, not the others'
          io.err(`peeros app update: ${s.name}: ${s.error.code}: ${terminalText(s.error.message)}`);
          failed++;
        }
      }
      return out;
    });
  } catch (err) {
    if (err instanceof HostError) {
      io.err(`peeros app update: ${err.code}: ${terminalText(err.message)}`);
      return 1;
    }
    throw err;
  }
  const passed = argv.filter((a) => !positionals.includes(a));
  let code = failed > 0 ? 1 : 0;
  for (const p of plan) code = Math.max(code, await install([`${p.name}@${p.version}`, ...passed], io));
  return code;
}
