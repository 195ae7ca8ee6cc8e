// Child process of session-grants-lease.test.ts (not a test itself): another peeros process over the
// session grants in argv[2] (a `peeros grant --revoke`). It prints "ready", waits for "go" on stdin,
// revokes app 'dpay' under the grants' lock and prints {"revoked": true|false, "done": <ms>}.
import { createInterface } from 'node:readline';
import { SessionGrantStore } from '../../../runtime/transaction-service/session-grants.js';

const store = new SessionGrantStore(process.argv[2]!);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (l) => {
    if (l.trim() !== 'go') return;
    rl.close();
    resolve();
  });
});
const revoked = await store.revoke('dpay');
process.stdout.write(`${JSON.stringify({ revoked, done: Date.now() })}\n`);
