#!/usr/bin/env node
// Writes docs/cli.md from the CLI's command definitions (dist/runtime/cli/definitions/*.js, the same
// ones `--help` prints) and the prose in scripts/cli-docs/ (preamble.md; NAME.md for a command's
// details). `--check` writes nothing and exits 1 when docs/cli.md differs (test/runtime/cli/cli-docs).
// Run after a build: `npm run docs:cli`.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinitions } from '../dist/runtime/cli/main.js';
import { cliReference } from '../dist/runtime/cli/cli-reference.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROSE = join(ROOT, 'scripts/cli-docs');
const TARGET = join(ROOT, 'docs/cli.md');

const details = {};
for (const f of readdirSync(PROSE)) {
  if (f.endsWith('.md') && f !== 'preamble.md') details[f.slice(0, -3)] = readFileSync(join(PROSE, f), 'utf8');
}
const text = cliReference(await loadDefinitions(), { preamble: readFileSync(join(PROSE, 'preamble.md'), 'utf8'), details });

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    /* missing: differs */
  }
  if (current !== text) {
    const a = current.split('\n'),
      b = text.split('\n');
    const at = a.findIndex((l, i) => l !== b[i]);
    console.error(
      `docs/cli.md differs from the command definitions (first at line ${at + 1}: ${JSON.stringify(a[at] ?? '')} vs ${JSON.stringify(b[at] ?? '')}); regenerate it with: npm run build && npm run docs:cli`,
    );
    process.exit(1);
  }
  console.log('docs/cli.md matches the command definitions');
} else {
  writeFileSync(TARGET, text);
  console.log(`wrote ${TARGET}`);
}
