/** `peeros queue flush`: sends what is queued (under the queue's lock) and waits a few blocks for it. */
import type { CliIO } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../command.js';
import { printJson } from '../json-output.js';
import { Dispatcher, DmcsRegistry } from '../../dispatch/index.js';
import { queueLimits, type QueueEntry } from '../../offline-queue/index.js';
import { row, withQueue } from './queue-entries.js';

/** How long \`queue flush\` waits for acknowledged transactions to appear in a block: several
 * Antelope block intervals (500 ms), short enough for a person waiting at the terminal. */
const CONFIRM_WAIT_MS = 5_000;

export async function flush(positionals: string[], flags: ParsedArgs['flags'], io: CliIO): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return withQueue(io, async (queue, home) => {
    const dispatcher = new Dispatcher(new DmcsRegistry(home));
    try {
      const resolve = (e: QueueEntry) => dispatcher.backendFor({ dmcs: e.dmcs });
      const r = await queue.flush(resolve);
      // Acknowledged entries become done when their block is produced: wait a few blocks.
      const until = Date.now() + CONFIRM_WAIT_MS;
      while (!r.unreachable && Date.now() < until && queue.list().some((e) => e.status === 'sent')) {
        await new Promise((ok) => setTimeout(ok, queueLimits.CONFIRM_POLL_MS));
        const more = await queue.flush(resolve);
        r.done.push(...more.done);
        r.sent.push(...more.sent);
        r.expired.push(...more.expired);
        r.failed.push(...more.failed);
        r.waiting = more.waiting;
        r.unreachable = more.unreachable;
      }
      const why = r.unreachable ? r.waiting.map((id) => queue.get(id).error?.message).find(Boolean) : undefined;
      if (flags.json) {
        printJson(io, {
          sent: r.sent,
          done: r.done,
          expired: r.expired,
          failed: r.failed,
          waiting: r.waiting,
          unreachable: r.unreachable,
          error: why ?? null,
        });
        return r.unreachable ? 1 : 0;
      }
      io.out(
        `flushed: ${r.sent.length} sent, ${r.done.length} done, ${r.expired.length} expired, ${r.failed.length} failed, ${r.waiting.length} waiting`,
      );
      for (const id of r.failed) io.out(`failed: ${row(queue.get(id))}`);
      for (const id of r.expired)
        io.out(
          `expired: ${id.slice(0, 12)} — re-sign it with 'peeros queue resign ${id.slice(0, 12)}' or drop it with 'peeros queue drop ${id.slice(0, 12)}'`,
        );
      if (r.unreachable) {
        io.err(
          `a DMCS could not be reached${why ? ` (${why})` : ''}; ${r.waiting.length} transaction(s) stay queued — run 'peeros queue flush' again later`,
        );
        return 1;
      }
      return 0;
    } finally {
      await dispatcher.close();
    }
  });
}
