/**
 * `peeros dmcs …`: the DMCSs this host dispatches to, by name and chain id
 * (`$PEEROS_HOME/dmcs.json`). Apps go to the DMCS their manifest names, else to the default.
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { urlArg } from '../arg-checks.js';
import { peerosHome } from '../../../lib/home.js';
import { DmcsRegistry } from '../../dispatch/index.js';
import { definition } from '../definitions/dmcs.js';

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `dmcs ${sub ?? ''}`.trim());
    const registry = new DmcsRegistry(peerosHome(io.env));
    const want = (n: number, what: string) => {
      if (positionals.length !== n) throw new UsageError(`'dmcs ${sub}' takes ${what}, got ${positionals.length} argument(s)`);
    };
    switch (sub) {
      case 'add': {
        want(2, 'NAME and URL');
        const [name, url] = positionals as [string, string];
        urlArg(url, 'URL');
        const chainId = typeof flags['chain-id'] === 'string' ? flags['chain-id'] : undefined;
        const entry = await registry.add(name, url, chainId ? { chainId } : {});
        const state = await registry.load();
        io.out(
          `added DMCS '${entry.name}' at ${entry.url}, chain ${entry.chainId}` +
            (entry.verified ? '' : ' (unverified: it could not be reached; the chain id is checked on first use)') +
            (state.default === entry.name ? '; it is the default' : ''),
        );
        return 0;
      }
      case 'list': {
        want(0, 'no arguments');
        const state = await registry.load();
        if (flags.json) {
          io.out(JSON.stringify({ default: state.default, dmcs: state.dmcs }, null, 2));
          return 0;
        }
        if (state.dmcs.length === 0) {
          io.out("no DMCS configured; add one with 'peeros dmcs add NAME URL'");
          return 0;
        }
        const w = Math.max(4, ...state.dmcs.map((d) => d.name.length));
        io.out(`  ${'NAME'.padEnd(w)}  ${'CHAIN ID'.padEnd(64)}  URL`);
        for (const d of state.dmcs) {
          io.out(
            `${d.name === state.default ? '*' : ' '} ${d.name.padEnd(w)}  ${d.chainId}  ${d.url}${d.verified ? '' : '  (unverified)'}`,
          );
        }
        return 0;
      }
      case 'use': {
        want(1, 'NAME');
        const entry = await registry.use(positionals[0]!);
        io.out(`default DMCS is now '${entry.name}' (${entry.url})`);
        return 0;
      }
      case 'remove': {
        want(1, 'NAME');
        const entry = await registry.remove(positionals[0]!);
        const state = await registry.load();
        io.out(
          `removed DMCS '${entry.name}'${state.default ? `; the default is '${state.default}'` : state.dmcs.length ? "; no default now: choose one with 'peeros dmcs use NAME'" : ''}`,
        );
        return 0;
      }
      case undefined:
        throw new UsageError('missing subcommand: add, list, use or remove');
      default:
        throw new UsageError(`unknown subcommand '${sub}': expected add, list, use or remove`);
    }
  },
};

export default command;
