/**
 * `peeros queue …`: the offline queue of signed transactions ($PEEROS_HOME/queue/queue.log).
 * `list` reads without taking the queue's lock, so it works while a host runs; `flush`, `resign`
 * and `drop` take the lock (a running host flushes its queue itself). Each subcommand's code
 * (queue-SUB.ts) is imported only when it runs: `queue list` loads no vault and no DMCS client.
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { definition } from '../definitions/queue.js';

type Subcommand = (positionals: string[], flags: ParsedArgs['flags'], io: CliIO) => Promise<number>;

/** Each subcommand's code, loaded when it runs (no static import here: that would load it for every `queue` call). */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  list: async () => (await import('./queue-list.js')).list,
  flush: async () => (await import('./queue-flush.js')).flush,
  resign: async () => (await import('./queue-resign.js')).resign,
  drop: async () => (await import('./queue-drop.js')).drop,
};

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `queue ${sub ?? ''}`.trim());
    if (sub === undefined) throw new UsageError('missing subcommand: list, flush, resign or drop');
    // own keys only: a typed `constructor` is an unknown subcommand, not a prototype's
    if (!Object.hasOwn(SUBCOMMANDS, sub)) throw new UsageError(`unknown subcommand '${sub}': expected list, flush, resign or drop`);
    return (await SUBCOMMANDS[sub]!())(positionals, flags, io);
  },
};

export default command;
