/**
 * One benchmark figure as `peeros bench --json` prints it, and the helpers every bench module
 * uses to produce one: repeat a measurement `runs` times and keep median, min and max.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { terminalQuoted } from '../lib/terminal-text.js';
import type { BenchFigure } from '../runtime/cli/bench-module.js';

/** The CLI owns the shape (runtime/cli/bench-module.ts); bench modules produce it. */
export type BenchResult = BenchFigure;

export function summarize(name: string, unit: string, samples: number[]): BenchResult {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { name, unit, median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Percentile (0..100) of a sample list, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Times `iterations` calls of a synchronous `fn`, `runs` times, and reports nanoseconds per call.
 * One warm-up run lets V8 optimise first.
 */
export function timeSync(name: string, fn: () => void, opts: { runs: number; iterations: number }): BenchResult {
  const samples: number[] = [];
  for (let r = -1; r < opts.runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < opts.iterations; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0) / opts.iterations;
    if (r >= 0) samples.push(ns);
  }
  return summarize(name, 'ns/op', samples);
}

/** Runs an async `fn` `iterations` times per run and reports operations per second. */
export async function rateAsync(name: string, fn: () => Promise<void>, opts: { runs: number; iterations: number }): Promise<BenchResult> {
  const samples: number[] = [];
  for (let r = -1; r < opts.runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < opts.iterations; i++) await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r >= 0) samples.push(opts.iterations / s);
  }
  return summarize(name, 'ops/s', samples);
}

/**
 * A bench's integer setting from the environment: `dflt` when unset or empty; a value that is not
 * an integer of at least `min` is an error (a typo must not run the default size silently).
 */
export function benchEnvInt(name: string, dflt: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} expects an integer of at least ${min}, got ${terminalQuoted(raw, 40)}`);
  return v;
}

/**
 * A full garbage collection, outside any timed run (a figure of memory in use, or a run that must
 * not pay for the garbage of the ones before it): `gc` when node runs with --expose-gc, else
 * exposed at run time (`peeros bench` does not pass the flag).
 */
export function fullGc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g();
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** How long `gcSettled` leaves the process idle after a full collection. */
export const GC_SETTLE_MS = 200;

/**
 * Waits `GC_SETTLE_MS` with nothing to run, after a `fullGc` and before a timed run. V8 sweeps the
 * heap on helper threads after a full collection, and code that must allocate where sweeping has
 * not reached waits for it: at 30,000 holders the scale bench's first transfer block, right after
 * its memory figure's `fullGc`, had one read of 1.4-16.6 ms (a deoptimization waiting in V8's
 * `EnsureSweepingCompleted`, the thread off the CPU meanwhile, seen with `perf`), 0.19-0.28 ms with
 * this wait first (four runs each).
 */
export function gcSettled(): Promise<void> {
  return new Promise((r) => setTimeout(r, GC_SETTLE_MS));
}
