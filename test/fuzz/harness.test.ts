// The fuzz harness's own oracles, shown to fire: a target with a planted bug at a known input is
// run through the real driver (worker thread, shared input mirror) and each finding must name
// that input (seed and index), carry its bytes and be saved where the replay command says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorker, saveFinding } from '../../fuzz/driver.js';
import { Prng, inputSeed } from '../../fuzz/prng.js';
import { mutate } from '../../fuzz/mutate.js';
import { jsonBytes, mutateJson } from '../../fuzz/json-mutate.js';
import type { FuzzTarget } from '../../fuzz/target.js';
import { BAD_INDEX } from './targets/misbehaving.js';

const MODULE = new URL('./targets/misbehaving.js', import.meta.url).href;
const stub = (behaviour: string, maxInputMs = 200): FuzzTarget => ({
  name: `misbehaving-${behaviour}`,
  about: '',
  maxInputMs,
  smokeInputs: 100,
  open: () => {
    throw new Error('opened in the worker');
  },
});

async function run(behaviour: string, extra: { hangMs?: number; maxOldGenerationMb?: number } = {}) {
  process.env.PEEROS_FUZZ_MISBEHAVE = behaviour; // the worker copies the environment when it starts
  const t0 = performance.now();
  const stats = await runInWorker(stub(behaviour), { seed: 5, inputs: 100, ...extra }, MODULE);
  return { stats, ms: performance.now() - t0 };
}

test('a planted TypeError is a crash finding at its index, and the run goes on to the end', async () => {
  const { stats } = await run('crash');
  assert.is(stats.inputs, 100);
  assert.is(stats.findings.length, 1);
  const f = stats.findings[0]!;
  assert.is(f.kind, 'crash');
  assert.is(f.index, BAD_INDEX);
  assert.is(f.seed, 5);
  assert.equal([...f.input], [BAD_INDEX]);
  assert.match(f.message, 'TypeError: planted');
  const dir = mkdtempSync(join(tmpdir(), 'peeros-fuzz-findings-'));
  try {
    const path = saveFinding(dir, f);
    assert.equal([...readFileSync(path)], [BAD_INDEX]);
    assert.match(readFileSync(path.replace(/\.bin$/, '.txt'), 'utf8'), `--seed 5 --index ${BAD_INDEX}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a planted endless loop is a hang finding at its index; the thread is stopped within the bound', async () => {
  const { stats, ms } = await run('hang', { hangMs: 1500 });
  const f = stats.findings.at(-1)!;
  assert.is(f.kind, 'hang');
  assert.is(f.index, BAD_INDEX);
  assert.equal([...f.input], [BAD_INDEX]);
  assert.ok(ms < 60_000, `${ms} ms`); // 1.5 s bound + thread start; generous for a loaded machine
});

test('a planted slow input is a slow finding after reruns', async () => {
  const { stats } = await run('slow');
  assert.is(stats.findings.length, 1);
  assert.is(stats.findings[0]!.kind, 'slow');
  assert.is(stats.findings[0]!.index, BAD_INDEX);
  assert.ok(stats.maxInputMs >= 400);
});

test('a planted unbounded allocation ends at the thread heap cap as an out-of-memory finding at its index', async () => {
  const { stats } = await run('leak', { maxOldGenerationMb: 64 });
  const f = stats.findings.at(-1)!;
  assert.is(f.kind, 'out-of-memory');
  assert.is(f.index, BAD_INDEX);
});

test('generators are deterministic: the same seed and index give the same bytes', () => {
  const seeds = [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), jsonBytes({ a: [1, 'x'], b: { c: null } })];
  for (let i = 0; i < 200; i++) {
    const a = new Prng(inputSeed(9, i)),
      b = new Prng(inputSeed(9, i));
    assert.equal([...mutate(a, seeds)], [...mutate(b, seeds)]);
    assert.equal(jsonBytes(mutateJson(a, { a: [1, 'x'], b: { c: null } })), jsonBytes(mutateJson(b, { a: [1, 'x'], b: { c: null } })));
  }
  assert.is.not(inputSeed(9, 1), inputSeed(9, 2));
  assert.is.not(inputSeed(9, 1), inputSeed(10, 1));
});

test.run();
