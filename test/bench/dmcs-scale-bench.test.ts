// bench/dmcs-scale.ts as `peeros bench` runs it: its default sizes (20 and 2,000 holders) run to
// the end with every figure, whatever pairs the holder picker draws (a transfer to oneself failed
// the whole module once, and a recorded run went out without its figures); a module that fails
// (here a bad PEEROS_BENCH_SCALE_* setting) makes the run exit 1 and is named in --json's "failed".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { holderPair, holderPicker } from '../../bench/dmcs-scale.js';

function bench(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/peeros.js', 'bench', '--json', '--runs', '1', '--only', 'dmcs.scale'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a transfer pair is two distinct holders, drawn over all of them', () => {
  for (const holders of [2, 3, 20, 1000]) {
    const random = holderPicker(holders);
    const senders = new Set<number>();
    const receivers = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const [from, to] = holderPair(random, holders);
      assert.ok(from !== to, `${holders} holders: ${from} pays itself`);
      assert.ok(Number.isInteger(from) && from >= 0 && from < holders && Number.isInteger(to) && to >= 0 && to < holders);
      senders.add(from);
      receivers.add(to);
    }
    assert.is(senders.size, holders, `${holders} holders: every one sends`);
    assert.is(receivers.size, holders, `${holders} holders: every one receives`);
  }
});

test('the default sizes run to the end with their figures', () => {
  if (!existsSync('build/contracts/dpay')) {
    console.log('  skipped: build/contracts/dpay is not built');
    return;
  }
  const r = bench({});
  assert.is(r.code, 0, r.err);
  const run = JSON.parse(r.out) as { results: Array<{ name: string; median: number }>; failed?: unknown };
  assert.is(run.failed, undefined);
  const names = run.results.map((x) => x.name);
  for (const figure of ['dmcs.scale.transfers_per_s_ratio', 'dmcs.scale.restart_ratio', 'dmcs.scale.stall_ratio (2000 holders'])
    assert.ok(
      names.some((n) => n.startsWith(figure)),
      `${figure} in ${names.join(', ')}`,
    );
  assert.ok(run.results.every((x) => Number.isFinite(x.median)));
});

test('a bad setting fails the module, named on stderr and in --json, and the run exits 1', () => {
  // the value is quoted and escaped: a terminal control sequence in it is shown, not obeyed
  const r = bench({ PEEROS_BENCH_SCALE_HOLDERS: '1e3\x1b[2Jx' });
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /bench: dmcs-scale failed: PEEROS_BENCH_SCALE_HOLDERS expects an integer of at least 2, got "1e3\\x1b\[2Jx"/);
  assert.not.ok(r.err.includes('\x1b'), 'no raw escape character on stderr');
  assert.match(r.err, /bench: 1 module\(s\) failed: dmcs-scale/);
  const run = JSON.parse(r.out) as { results: unknown[]; failed: Array<{ module: string; error: string }> };
  assert.equal(run.results, []);
  assert.is(run.failed.length, 1);
  assert.is(run.failed[0]!.module, 'dmcs-scale');
  assert.match(run.failed[0]!.error, /PEEROS_BENCH_SCALE_HOLDERS/);
});

test.run();
