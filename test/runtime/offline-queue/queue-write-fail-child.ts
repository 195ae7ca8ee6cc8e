// Child process for queue-crash.test.ts (not a test itself), run under `ulimit -f` so a large
// append fails half-way (a short write, then EFBIG): enqueues the bodies in the JSON file argv[2]
// one by one and prints "queued ID" or "failed CODE" for each.
import { readFileSync } from 'node:fs';
import { OfflineQueue } from '../../../runtime/offline-queue/index.js';
import type { PushTransactionBody } from '../../../runtime/dispatch/index.js';

const bodies = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PushTransactionBody[];
const queue = await OfflineQueue.open();
for (const body of bodies) {
  try {
    const e = await queue.enqueue(body, { app: 'dpay' });
    process.stdout.write(`queued ${e.id}\n`);
  } catch (err) {
    process.stdout.write(`failed ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
  }
}
await queue.close();
