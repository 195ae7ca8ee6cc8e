/** What the `peeros queue …` subcommands share: an entry as a terminal row, and the queue opened under its lock. */
import type { CliIO } from '../command.js';
import { peerosHome } from '../../../lib/home.js';
import { OfflineQueue, type QueueEntry } from '../../offline-queue/index.js';
import { terminalText } from '../../../lib/terminal-text.js';

export function row(e: QueueEntry): string {
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

export async function withQueue<T>(io: CliIO, fn: (q: OfflineQueue, home: string) => Promise<T>): Promise<T> {
  const home = peerosHome(io.env);
  const queue = await OfflineQueue.open({ home, onWarning: (m) => io.err(`warning: ${m}`) });
  try {
    return await fn(queue, home);
  } finally {
    await queue.close();
  }
}
