#!/usr/bin/env node
// The `peeros` command: a thin launcher for the compiled CLI (see runtime/cli/). It never builds:
// an installed package ships dist/; a clone builds once with `npm run build` (no install hook does).
import { existsSync } from 'node:fs';

const main = new URL('../dist/runtime/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('peeros: dist/ is missing: inside a clone of the repository, run `npm run build` once (about a minute)\n');
  process.exit(1);
}
// Node's own helper threads (V8's GC and compiler threads, libuv's pool) yield to the JS thread,
// which produces blocks and serves requests; threads started from here on keep its priority.
(await import('../dist/lib/helper-threads.js')).lowerHelperThreads();
const [{ main: run }, { terminalText }] = await Promise.all([import(main.href), import('../dist/lib/terminal-text.js')]);

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`peeros: ${terminalText(String(err?.message ?? err))}\n`);
    process.exitCode = 1;
  },
);
