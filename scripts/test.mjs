// `npm test`: builds, then runs every uvu test file (dist/test/**/*.test.js) in its own Node
// process, two at a time, and ends with the one summary line CI reads: "N passed, N failed".
// A file that crashes or hangs counts as one failure, so it cannot hide the files after it.
// A failing file is run once more, alone, as a diagnostic: if it then passes it is reported as
// FLAKY with both runs' output, and still counts as failed (a pass that needs a retry is not a
// pass: the flake is a defect to fix at its cause). Skipped tests (uvu's test.skip) are counted
// as skipped, never as passed: the summary line is "N passed, N failed, N skipped".
//   npm test                run everything
//   npm test -- vault skv   only files whose path contains one of the words
//   PEEROS_TEST_NO_BUILD=1  skip the build (when dist/ is known fresh)
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILE_TIMEOUT_MS = 10 * 60 * 1000; // one file past this is stuck, not slow
const filters = process.argv.slice(2);

if (!process.env.PEEROS_TEST_NO_BUILD) {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('build failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// words match the path below dist/test, not the checkout's own folder name
const files = walk(join(root, 'dist/test'))
  .filter((f) => filters.length === 0 || filters.some((w) => relative(join(root, 'dist/test'), f).includes(w)))
  .sort();

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes it strips
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      out += `\n[killed after ${FILE_TIMEOUT_MS} ms]\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = strip(out);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      // uvu's Total counts the tests that ran; test.skip ones appear only under Skipped
      let failed = Number.isFinite(total) && Number.isFinite(passed) ? total - passed : 1;
      if (code !== 0 && failed === 0) failed = 1; // crashed after its summary, or exited badly
      resolve({ file, code, text, passed: Number.isFinite(passed) ? passed : 0, failed, skipped, ms: Date.now() - started });
    });
  });
}

const results = [];
const retries = [];
const queue = [...files];
const parallel = Math.max(1, Math.min(2, cpus().length));
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (queue.length) {
      const r = await runFile(queue.shift());
      const name = relative(join(root, 'dist/test'), r.file);
      if (r.failed) retries.push({ first: r, name });
      else {
        results.push(r);
        console.log(`ok   ${name}  (${r.passed} passed, 0 failed, ${(r.ms / 1000).toFixed(1)} s)`);
      }
    }
  }),
);

const indent = (text) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
let flaky = 0;
for (const { first, name } of retries) {
  const r = await runFile(first.file); // alone: nothing else runs now
  if (r.failed) {
    results.push(r);
    console.log(`FAIL ${name}  (${r.passed} passed, ${r.failed} failed, twice)`);
    console.log(indent(r.text));
  } else {
    // counted by its first (failing) run: a flaky file fails the suite
    results.push(first);
    flaky++;
    console.log(`FLAKY ${name}  (failed, then ${r.passed} passed alone): counted as failed. First run:`);
    console.log(indent(first.text));
    console.log('  second run:');
    console.log(indent(r.text));
  }
}

const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + r.skipped, 0);
if (files.length === 0) console.log('no test files matched');
if (flaky) console.log(`${flaky} file(s) failed and then passed when run again alone (FLAKY above): counted as failed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
