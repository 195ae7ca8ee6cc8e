// `npm run bench:record [-- --runs N]`: runs `peeros bench --json` once and records it as the
// project's figures: bench/results.json (the run, with machine and date) and docs/benchmarks.md
// (rendered from it). `--from FILE` records an existing `peeros bench --json` output instead.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const runs = opt('--runs', '5');
const from = opt('--from', undefined);
const load = loadavg();
let json;
if (from) json = readFileSync(from, 'utf8');
else {
  const r = spawnSync(process.execPath, [join(root, 'bin/peeros.js'), 'bench', '--json', '--runs', runs], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    process.stderr.write(`bench:record: peeros bench exited ${r.status}\n`);
    process.exit(1);
  }
  json = r.stdout;
}
const run = JSON.parse(json);
const cpu = cpus();
const record = {
  date: new Date().toISOString(),
  machine: { cpus: cpu.length, model: (cpu[0]?.model ?? 'unknown').trim(), node: process.version.slice(1), loadAverage: load },
  command: `peeros bench --json --runs ${runs}`,
  results: run.results,
  checks: run.checks,
};
const { renderBenchmarks } = await import(pathToFileURL(join(root, 'dist/bench/report.js')).href);
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(record, null, 2)}\n`);
writeFileSync(join(root, 'docs/benchmarks.md'), renderBenchmarks(record));
process.stderr.write(`bench:record: ${record.results.length} figures written to bench/results.json and docs/benchmarks.md\n`);
