// Child process for session-grants-crash.test.ts (not a test itself): consumes approvals of app
// 'dpay' from the session grants in $PEEROS_HOME in bursts of argv[2] concurrent requests (so they
// are group-committed), printing "approved" after each resolves true, until the parent kills it.
import { SessionGrantStore } from '../../../runtime/transaction-service/session-grants.js';

const burst = Number(process.argv[2]);
const store = new SessionGrantStore(process.env.PEEROS_HOME!);
for (;;) {
  await Promise.all(
    Array.from({ length: burst }, async () => {
      if (await store.consume('dpay', new Map())) process.stdout.write('approved\n');
    }),
  );
}
