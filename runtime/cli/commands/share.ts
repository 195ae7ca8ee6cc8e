/**
 * `peeros share`: this host's peer-to-peer shares (docs/fs.md): `sync [APP]` (share-sync.ts), `list`
 * (share-list.ts), `revoke ID` (share-revoke.ts) and `serve` (share-serve.ts). Each subcommand's
 * code is imported only when it runs: `share list` reads records and loads no store, vault or node.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { definition } from '../definitions/share.js';

type Subcommand = (positionals: string[], flags: ParsedArgs['flags'], io: CliIO) => Promise<number> | number;

/** Each subcommand's code, loaded when it runs (no static import here: that would load it for every `share` call). */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  sync: async () => (await import('./share-sync.js')).sync,
  list: async () => {
    const { list } = await import('./share-list.js');
    return (positionals, flags, io) => list(positionals, flags.json === true, io);
  },
  revoke: async () => {
    const { revoke } = await import('./share-revoke.js');
    return (positionals, _flags, io) => revoke(positionals, io);
  },
  serve: async () => (await import('./share-serve.js')).serve,
};

const SUBS = Object.keys(SUBCOMMANDS);

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError(`share needs a subcommand: ${SUBS.join(', ')}`);
    // own keys only: a typed `constructor` is an unknown subcommand, not a prototype's
    if (!Object.hasOwn(SUBCOMMANDS, sub)) throw new UsageError(`unknown share subcommand '${terminalText(sub)}'`);
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `share ${sub}`);
    return (await SUBCOMMANDS[sub]!())(positionals, flags, io);
  },
};

export default command;
