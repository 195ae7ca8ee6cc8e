// Child process for queue-crash.test.ts (not a test itself): opens the offline queue in
// $PEEROS_HOME, enqueues the push bodies in the JSON file argv[2], printing "queued ID" after each
// enqueue resolves, then either waits (argv[3] = "wait") or flushes to the chain API at argv[4].
// The parent kills it with SIGKILL somewhere along the way.
import { readFileSync } from 'node:fs';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import { HttpBackend, type PushTransactionBody } from '../../../runtime/dispatch/index.js';

const [bodiesFile, mode, url] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile!, 'utf8')) as PushTransactionBody[];
const queue = await OfflineQueue.open();
for (const body of bodies) {
  const e = await queue.enqueue(body, { app: 'dpay' });
  process.stdout.write(`queued ${e.id}\n`);
}
process.stdout.write('all queued\n');
if (mode === 'flush') {
  const backend = new HttpBackend(url!, { timeoutMs: 60_000 });
  await queue.flush(() => backend);
  process.stdout.write('flushed\n');
} else {
  setInterval(() => {}, 1000); // wait to be killed
}
