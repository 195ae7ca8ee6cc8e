// Child process of file-lock-lease.test.ts (not a test itself): another process using the lock
// argv[3]. Modes (argv[2]):
//   lease  leases the lock in a loop of operations 5 ms apart, printing "leasing" after the first
//          (the lock stays between them); runs until killed
//   once   one leased operation, then prints what keeps its event loop alive ("alive [...]") and
//          "done <ms since epoch>", and ends by itself; prints "exit <ms>" from its 'exit' event (the
//          lease must neither hold the process nor stay behind)
import { withFileLock } from '../../lib/file-lock.js';

const [mode, path] = process.argv.slice(2) as [string, string];

if (mode === 'lease') {
  let first = true;
  for (;;) {
    await withFileLock(path, async () => undefined, { lease: true });
    if (first) process.stdout.write('leasing\n');
    first = false;
    await new Promise((r) => setTimeout(r, 5));
  }
} else if (mode === 'once') {
  process.on('exit', () => process.stdout.write(`exit ${Date.now()}\n`));
  await withFileLock(path, async () => undefined, { lease: true });
  // what keeps the event loop alive now (an unref'd timer is not listed)
  process.stdout.write(`alive ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
  process.stdout.write(`done ${Date.now()}\n`);
}
