/** `peeros queue drop ID | --expired [--app NAME]`: forgets queued transactions (under the queue's lock). */
import type { CliIO } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../command.js';
import { printJson } from '../json-output.js';
import { terminalText } from '../../../lib/terminal-text.js';
import { withQueue } from './queue-entries.js';

export async function drop(positionals: string[], flags: ParsedArgs['flags'], io: CliIO): Promise<number> {
  const all = flags.expired === true;
  if (all ? positionals.length !== 0 : positionals.length !== 1) {
    throw new UsageError("'queue drop' takes one ID, or --expired [--app NAME] (see 'peeros queue list')");
  }
  if (flags.app !== undefined && !all) throw new UsageError('--app goes with --expired');
  return withQueue(io, async (queue) => {
    const dropped = all
      ? await queue.dropExpired(typeof flags.app === 'string' ? { app: flags.app } : {})
      : [await queue.drop(positionals[0]!)];
    if (flags.json) {
      printJson(io, {
        dropped: dropped.map((e) => ({ id: e.id, app: e.app, from: e.droppedFrom ?? null, uncertain: e.uncertain })),
      });
      return 0;
    }
    if (dropped.length === 0)
      io.out(`no expired transactions${typeof flags.app === 'string' ? ` of app ${terminalText(flags.app)}` : ''} to drop`);
    for (const e of dropped) io.out(`dropped ${e.id.slice(0, 12)} (${e.droppedFrom ?? 'dropped'}, app ${terminalText(e.app)})`);
    const uncertain = dropped.filter((e) => e.uncertain);
    if (uncertain.length) {
      io.out(
        `${uncertain.length} of them may have executed (pushed without an answer): dropping only forgets the local record, it cannot undo them; check the chain: ${uncertain.map((e) => e.id.slice(0, 12)).join(' ')}`,
      );
    }
    return 0;
  });
}
