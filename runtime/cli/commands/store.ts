/**
 * `peeros store list|show APP`: the dAppStore registry (apps/dappstore/contract) as this host's
 * DMCS sees it. Reads only: no vault. Install with `peeros app install APP[@VERSION]`.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { printJson } from '../json-output.js';
import { HostError } from '../../errors.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { withStore } from '../store-view.js';
import { definition } from '../definitions/store.js';

function fail(io: CliIO, sub: string, err: unknown): number {
  if (err instanceof HostError) {
    io.err(`peeros store ${sub}: ${err.code}: ${terminalText(err.message)}`);
    return 1;
  }
  throw err;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'list'), 'store list');
  if (positionals.length) throw new UsageError('store list takes no arguments');
  try {
    return await withStore(io, flags, async ({ registry }) => {
      const apps = await registry.apps();
      if (flags.json) printJson(io, { apps });
      else if (!apps.length) io.out(`the store on ${registry.store} has no apps yet`);
      else
        for (const a of apps)
          io.out(`${a.app} ${terminalText(a.latest)} by ${a.publisher} (${a.releases} release${a.releases === 1 ? '' : 's'})`);
      return 0;
    });
  } catch (err) {
    return fail(io, 'list', err);
  }
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, flagSpec(definition, 'show'), 'store show');
  if (positionals.length !== 1) throw new UsageError('store show takes one argument: the app name');
  const name = positionals[0]!;
  try {
    return await withStore(io, flags, async ({ registry }) => {
      const entry = await registry.app(name);
      if (!entry) throw new HostError('STORE_REFUSED', `the store on ${registry.store} has no app '${terminalText(name)}'`);
      if (flags.json) {
        printJson(io, { app: entry.app, releases: entry.releases });
        return 0;
      }
      io.out(`${entry.app.app}, published by ${entry.app.publisher}; latest ${terminalText(entry.app.latest)}`);
      for (const r of entry.releases) {
        io.out(`  ${terminalText(r.version)}${r.yanked ? ' (YANKED)' : ''}  ${r.size} bytes  published ${r.published}`);
        io.out(`    package hash ${r.packageHash}, capabilities ${r.capabilitiesHash.slice(0, 16)}…`);
        for (const l of r.locations) io.out(`    from ${terminalText(l)}`);
      }
      return 0;
    });
  } catch (err) {
    return fail(io, 'show', err);
  }
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'list') return list(rest, io);
    if (sub === 'show') return show(rest, io);
    throw new UsageError(sub === undefined ? 'missing subcommand (list or show)' : `unknown subcommand '${sub}' (list or show)`);
  },
};

export default command;
