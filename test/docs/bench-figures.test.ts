// Figures in the docs are figures a run measured: docs/benchmarks.md is exactly what
// bench/results.json (a recorded `peeros bench --json` run) renders to, and no other page quotes a
// number next to a recorded figure's name — they link to docs/benchmarks.md instead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderBenchmarks, quotedFigures, type BenchRecord } from '../../bench/report.js';

const record = JSON.parse(readFileSync('bench/results.json', 'utf8')) as BenchRecord;
const names = record.results.map((r) => r.name);

test('bench/results.json is a whole recorded run', () => {
  assert.ok(record.results.length >= 10, `${record.results.length} figures`);
  assert.ok(record.checks.length >= 1);
  assert.ok(!Number.isNaN(Date.parse(record.date)));
  for (const r of record.results) assert.ok(r.runs >= 1 && r.min <= r.median && r.median <= r.max, r.name);
});

test('docs/benchmarks.md is rendered from bench/results.json (run npm run bench:record)', () => {
  assert.fixture(readFileSync('docs/benchmarks.md', 'utf8'), renderBenchmarks(record));
});

test('no other page quotes a number next to a recorded figure', () => {
  const pages = [
    'README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md') && f !== 'benchmarks.md')
      .map((f) => join('docs', f)),
  ];
  const found: string[] = [];
  for (const p of pages) for (const hit of quotedFigures(readFileSync(p, 'utf8'), names)) found.push(`${p}:${hit}`);
  assert.equal(found, [], `quote these from docs/benchmarks.md instead:\n${found.join('\n')}`);
});

test('a missed bound for a quiet machine is not rendered as a failure', () => {
  const check = { name: 'x (µs)', target: '<= 1', value: 2, pass: false };
  const render = (c: BenchRecord['checks'][number]) => renderBenchmarks({ ...record, checks: [c] });
  assert.match(render(check), '| x (µs) | 2.00 | <= 1 | **FAIL** |');
  assert.match(
    render({ ...check, quietOnly: 'quiet' }),
    '| x (µs) | 2.00 | <= 1 | missed (a bound for a quiet machine: reported, not gating) |',
  );
});

test('the detector finds a quoted figure and ignores a named one', () => {
  assert.equal(quotedFigures('| `isa.null` | 5.28 ns |\nthe `isa.null` figure\n', ['isa.null']), ['1: | `isa.null` | 5.28 ns |']);
});

test.run();
