#!/usr/bin/env node
// The `peeros` command: a thin launcher for the compiled CLI (see runtime/cli/).
import { main } from '../dist/runtime/cli/main.js';
import { terminalText } from '../dist/lib/terminal-text.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`peeros: ${terminalText(String(err?.message ?? err))}\n`);
    process.exitCode = 1;
  },
);
