#!/usr/bin/env node
// The `peeros` command: a thin launcher for the compiled CLI (see runtime/cli/). It never builds:
// an installed package ships dist/; a clone builds once with `npm run build` (no install hook does).
import { existsSync } from 'node:fs';

const main = new URL('../dist/runtime/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('peeros: dist/ is missing: inside a clone of the repository, run `npm run build` once (about a minute)\n');
  process.exit(1);
}
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
