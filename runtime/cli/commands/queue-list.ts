/** `peeros queue list`: reads without taking the queue's lock, so it works while a host runs. */
import type { CliIO } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../command.js';
import { peerosHome } from '../../../lib/home.js';
import { OfflineQueue, type QueueEntry } from '../../offline-queue/index.js';
import { terminalJson } from '../../../lib/terminal-text.js';
import { row } from './queue-entries.js';

function publicEntry(e: QueueEntry): Omit<QueueEntry, 'body'> & { signatures: number } {
  const { body, ...rest } = e;
  return { ...rest, signatures: body.signatures.length };
}

export async function list(positionals: string[], flags: ParsedArgs['flags'], io: CliIO): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const entries = OfflineQueue.snapshot({ home: peerosHome(io.env) });
  if (flags.json) {
    io.out(terminalJson(JSON.stringify(entries.map(publicEntry), null, 2)));
    return 0;
  }
  if (entries.length === 0) {
    io.out('the offline queue is empty');
    return 0;
  }
  io.out(`${'ID'.padEnd(12)}  ${'STATUS'.padEnd(7)}  ${'APP'.padEnd(12)}  ${'DMCS'.padEnd(10)}  ${'EXPIRES'.padEnd(20)}  TRY  NOTE`);
  for (const e of entries) io.out(row(e));
  return 0;
}
