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
import { chooseRelease } from '../../store/store-install.js';
import { compareVersions } from '../../store/version-order.js';
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
  let unread = 0;
  try {
    plan = await withStore(io, flags, async ({ registry }) => {
      const out: { name: string; version: string }[] = [];
      for (const name of names) {
        const record = await new AppRegistry(home).record(name);
        if (!record) throw HostError.unknownApp(name);
        let entry: Awaited<ReturnType<typeof registry.app>>;
        try {
          entry = await registry.app(name);
        } catch (err) {
          // one app's entry the host cannot read stops that app's update, not the others'
          if (!(err instanceof HostError)) throw err;
          io.err(`peeros app update: ${name}: ${err.code}: ${terminalText(err.message)}`);
          unread++;
          continue;
        }
        if (!entry) {
          io.out(`${name}: not in the store, left as it is`);
          continue;
        }
        let newest: string;
        try {
          newest = chooseRelease(name, entry.releases, undefined).version;
        } catch {
          io.out(`${name}: every release in the store is yanked, left as it is`);
          continue;
        }
        if (compareVersions(newest, record.version) <= 0) io.out(`${name} ${terminalText(record.version)} is up to date`);
        else out.push({ name, version: newest });
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
  let code = unread > 0 ? 1 : 0;
  for (const p of plan) code = Math.max(code, await install([`${p.name}@${p.version}`, ...passed], io));
  return code;
}
