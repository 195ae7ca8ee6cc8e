/**
 * One target's thread (fuzz/worker.ts), watched from the thread that started it: no progress for
 * max(MIN_HANG_MS, 10 × the target's bound) is a hang, and the thread is stopped; a thread that runs
 * out of heap is an out-of-memory finding. Apart from fuzz/driver.ts so that a target's process
 * (fuzz/child.ts) does not import every target through the driver's registry.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { emptyStats, newMirror, readMirror, type Finding, type RunStats } from './runner.js';
import type { FuzzTarget } from './target.js';
import { MIN_HANG_MS, SETUP_TIMEOUT_MS, WORKER_MAX_OLD_GENERATION_MB } from './limits.js';

export interface FuzzOptions {
  targets?: readonly string[];
  seed: number;
  inputs?: number;
  seconds?: number;
  /** Replay from this index (with inputs: 1, exactly one input). */
  from?: number;
  /** Replay these bytes (a saved finding) on the one target named. */
  input?: Uint8Array;
  /** Where findings are saved (default `fuzz-findings/` in the repository); null: not saved. */
  findingsDir?: string | null;
  onProgress?(stats: RunStats): void;
  progressEveryMs?: number;
  /** No progress on one input for this long is a hang (default max(MIN_HANG_MS, 10 × the target's bound)). */
  hangMs?: number;
  /** Old-space cap of each target's thread (default WORKER_MAX_OLD_GENERATION_MB). */
  maxOldGenerationMb?: number;
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Runs one target in its own thread; `targetModule` is a file URL whose default export is the target. */
export function runInWorker(target: Pick<FuzzTarget, 'name' | 'maxInputMs'>, opts: FuzzOptions, targetModule?: string): Promise<RunStats> {
  const mirror = newMirror();
  const worker = new Worker(WORKER, {
    workerData: {
      target: target.name,
      targetModule,
      seed: opts.seed,
      inputs: opts.inputs,
      seconds: opts.seconds,
      from: opts.from,
      input: opts.input,
      mirror,
      progressEveryMs: opts.progressEveryMs,
    },
    resourceLimits: { maxOldGenerationSizeMb: opts.maxOldGenerationMb ?? WORKER_MAX_OLD_GENERATION_MB },
    stdout: false,
  });
  const hangMs = opts.hangMs ?? Math.max(MIN_HANG_MS, 10 * target.maxInputMs);
  return new Promise((resolve) => {
    let settled = false;
    let last = { index: -1, at: Date.now() };
    const empty = () => emptyStats(target.name, opts.seed);
    let latest = empty();
    const finish = (stats: RunStats, extra?: Finding) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      if (extra) stats.findings.push(extra);
      resolve(stats);
    };
    const fromMirror = (kind: Finding['kind'], message: string): Finding => {
      const { index, input } = readMirror(mirror);
      return { kind, target: target.name, seed: opts.seed, index, message, input };
    };
    const watch = setInterval(() => {
      const { index } = readMirror(mirror);
      if (index !== last.index) {
        last = { index, at: Date.now() };
        return;
      }
      const stuck = Date.now() - last.at;
      const setup = index === -1; // still in the target's open()
      if (stuck > (setup ? SETUP_TIMEOUT_MS : hangMs)) {
        const f = fromMirror('hang', `no progress for ${stuck} ms on this input (bound ${hangMs} ms); the thread was stopped`);
        void worker.terminate();
        finish(latest, f);
      }
    }, 250);
    worker.on('message', (m: { type: string; stats: RunStats }) => {
      if (m.type === 'progress') {
        latest = m.stats;
        opts.onProgress?.(m.stats);
      } else if (m.type === 'done') finish(m.stats);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const kind = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'crash';
      finish(latest, fromMirror(kind, `${e.code ?? e.name}: ${e.message}\n${e.stack ?? ''}`));
    });
    worker.on('exit', (code) => finish(latest, code === 0 ? undefined : fromMirror('crash', `the fuzz thread exited with code ${code}`)));
  });
}
