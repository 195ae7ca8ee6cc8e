/**
 * `peeros queue …`: the offline queue of signed transactions ($PEEROS_HOME/queue/queue.log).
 * `list` reads without taking the queue's lock, so it works while a host runs; `flush`, `resign`
 * and `drop` take the lock (a running host flushes its queue itself).
 */
import type { CliCommand, CliIO } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { flagSpec } from '../command-definition.js';
import { unlockVault } from '../vault-unlock.js';
import { printJson } from '../json-output.js';
import { peerosHome } from '../../../lib/home.js';
import { Dispatcher, DmcsRegistry } from '../../dispatch/index.js';
import { OfflineQueue, QueueError, queueLimits, type QueueEntry } from '../../offline-queue/index.js';
import { Vault } from '../../../skv/index.js';
import { vaultResigner } from '../../vault-resigner.js';
import { terminalJson, terminalText } from '../../../lib/terminal-text.js';
import { definition } from '../definitions/queue.js';

/** How long \`queue flush\` waits for acknowledged transactions to appear in a block: several
 * Antelope block intervals (500 ms), short enough for a person waiting at the terminal. */
const CONFIRM_WAIT_MS = 5_000;

function row(e: QueueEntry): string {
  // a contract's assertion message is the contract author's text: one escaped line
  const why = terminalText(e.error ? `${e.error.antelopeName ?? e.error.code}: ${e.error.message}` : (e.note ?? ''));
  const flags = [
    e.uncertain ? 'uncertain' : '',
    e.replacedBy ? `re-signed as ${e.replacedBy.slice(0, 12)}` : '',
    e.replaces ? `re-signs ${e.replaces.slice(0, 12)}` : '',
    e.droppedFrom ? `dropped while ${e.droppedFrom}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${e.id.slice(0, 12)}  ${e.status.padEnd(7)}  ${e.app.padEnd(12)}  ${(e.dmcs ?? '(default)').padEnd(10)}  ${e.expiration}  ${String(e.attempts).padStart(3)}  ${[flags, why].filter(Boolean).join('; ')}`;
}

function publicEntry(e: QueueEntry): Omit<QueueEntry, 'body'> & { signatures: number } {
  const { body, ...rest } = e;
  return { ...rest, signatures: body.signatures.length };
}

async function withQueue<T>(io: CliIO, fn: (q: OfflineQueue, home: string) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const queue = await OfflineQueue.open({ home, onWarning: (m) => io.err(`warning: ${m}`) });
  try {
    return await fn(queue, home);
  } finally {
    await queue.close();
  }
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const { flags, positionals } = parseArgs(rest, flagSpec(definition, sub), `queue ${sub ?? ''}`.trim());
    switch (sub) {
      case 'list': {
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
      case 'flush': {
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
      case 'resign': {
        if (positionals.length !== 1) throw new UsageError("'queue resign' takes one ID (see 'peeros queue list')");
        return withQueue(io, async (queue, home) => {
          const entry = queue.get(positionals[0]!);
          // Refuse early, before asking for the passphrase, when re-signing cannot go ahead.
          const expired = entry.status === 'expired' || (entry.status === 'pending' && Date.parse(entry.expiration) <= Date.now());
          if (!expired || entry.replacedBy) {
            throw new QueueError(
              'WRONG_STATUS',
              `transaction ${entry.id.slice(0, 12)} is ${entry.replacedBy ? 'already re-signed' : entry.status}; only expired transactions can be re-signed`,
            );
          }
          if (entry.uncertain && flags.force !== true) {
            throw new QueueError(
              'UNCERTAIN',
              `transaction ${entry.id.slice(0, 12)} was pushed without an answer before it expired and may have executed; check the chain, then re-sign with --force if it did not run`,
            );
          }
          const dispatcher = new Dispatcher(new DmcsRegistry(home));
          const vault = Vault.open({ home });
          try {
            const backend = await dispatcher.backendFor({ dmcs: entry.dmcs });
            await unlockVault(vault, home, io, flags, { whenMissing: `re-signing needs the keys that signed ${entry.id.slice(0, 12)}` });
            const resign = await vaultResigner({ home, vault, backend, entry });
            const fresh = await queue.resign(entry.id, resign, { force: flags.force === true });
            io.out(
              `re-signed ${entry.id.slice(0, 12)} as ${fresh.id.slice(0, 12)} (expires ${fresh.expiration}); send it with 'peeros queue flush'`,
            );
            return 0;
          } finally {
            await vault.close();
            await dispatcher.close();
          }
        });
      }
      case 'drop': {
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
      case undefined:
        throw new UsageError('missing subcommand: list, flush, resign or drop');
      default:
        throw new UsageError(`unknown subcommand '${sub}': expected list, flush, resign or drop`);
    }
  },
};

export default command;
