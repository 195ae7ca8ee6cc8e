/**
 * Runs one target in the current thread: input `i` comes from `new Prng(inputSeed(seed, i))`, so
 * any input replays from (seed, index) alone. Around each input the runner applies the oracles
 * every target shares — an exception escaping `run` (crash or oracle violation), a per-input time
 * bound (confirmed by reruns, so a loaded machine does not report), heap growth after forced GCs —
 * and mirrors the current index and bytes into shared memory, so the driver can name and save the
 * input if the thread hangs or runs out of memory.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Prng, inputSeed } from './prng.js';
import type { FuzzTarget } from './target.js';
import { HEAP_CHECK_EVERY, MAX_FINDINGS, MAX_HEAP_GROWTH_BYTES, MIRROR_BYTES, SLOW_RERUNS } from './limits.js';

export interface Finding {
  kind: 'crash' | 'slow' | 'heap' | 'hang' | 'out-of-memory';
  target: string;
  seed: number;
  index: number;
  message: string;
  input: Uint8Array;
}

export interface RunStats {
  target: string;
  seed: number;
  inputs: number;
  accepted: number;
  seconds: number;
  inputsPerSecond: number;
  maxInputMs: number;
  maxInputIndex: number;
  heapGrowthBytes: number;
  peakHeapBytes: number;
  findings: Finding[];
}

/** The figures of a run that has not run an input yet. */
export function emptyStats(target: string, seed: number): RunStats {
  return {
    target,
    seed,
    inputs: 0,
    accepted: 0,
    seconds: 0,
    inputsPerSecond: 0,
    maxInputMs: 0,
    maxInputIndex: -1,
    heapGrowthBytes: 0,
    peakHeapBytes: 0,
    findings: [],
  };
}

export interface RunOptions {
  seed: number;
  /** Stop after this many inputs (default: unbounded, then `seconds` must be set). */
  inputs?: number;
  /** Stop after this much wall time of inputs (setup excluded). */
  seconds?: number;
  /** First input index (default 0); with inputs: 1, replays one input. */
  from?: number;
  /** Run these bytes instead of generating (replaying a saved finding). */
  input?: Uint8Array;
  /** Shared [index, length, ...bytes] mirror of the current input (see MIRROR_BYTES). */
  mirror?: SharedArrayBuffer;
  onProgress?(stats: RunStats): void;
  progressEveryMs?: number;
}

/** Allocates the shared mirror a driver passes to {@link runTarget}. */
export function newMirror(): SharedArrayBuffer {
  const m = new SharedArrayBuffer(8 + MIRROR_BYTES);
  new Int32Array(m, 0, 2)[0] = -1; // no input yet: the target is opening
  return m;
}

/** Reads the index and bytes of the input in flight from a mirror. */
export function readMirror(mirror: SharedArrayBuffer): { index: number; input: Uint8Array } {
  const head = new Int32Array(mirror, 0, 2);
  const index = Atomics.load(head, 0);
  const len = Math.min(Atomics.load(head, 1), MIRROR_BYTES);
  return { index, input: new Uint8Array(mirror, 8, len).slice() };
}

function forcedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function retained(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

export async function runTarget(target: FuzzTarget, opts: RunOptions): Promise<RunStats> {
  const gc = forcedGc();
  const session = await target.open();
  const head = opts.mirror ? new Int32Array(opts.mirror, 0, 2) : null;
  const body = opts.mirror ? new Uint8Array(opts.mirror, 8, MIRROR_BYTES) : null;
  const stats = emptyStats(target.name, opts.seed);
  const finding = (kind: Finding['kind'], index: number, message: string, input: Uint8Array) => {
    if (stats.findings.length < MAX_FINDINGS)
      stats.findings.push({ kind, target: target.name, seed: opts.seed, index, message, input: Uint8Array.from(input) });
  };
  const timed = async (input: Uint8Array): Promise<{ ms: number; ok: boolean }> => {
    const t0 = performance.now();
    const ok = await session.run(input);
    return { ms: performance.now() - t0, ok };
  };
  gc();
  let baseline = retained();
  let heapFlagged = false;
  const from = opts.from ?? 0;
  const limit = opts.input ? 1 : (opts.inputs ?? Number.POSITIVE_INFINITY);
  const started = performance.now();
  let lastProgress = started;
  try {
    for (let n = 0; n < limit; n++) {
      const index = from + n;
      if (opts.seconds !== undefined && performance.now() - started >= opts.seconds * 1000) break;
      const input = opts.input ?? session.generate(new Prng(inputSeed(opts.seed, index)));
      if (head && body) {
        Atomics.store(head, 1, 0);
        body.set(input.length > MIRROR_BYTES ? input.subarray(0, MIRROR_BYTES) : input);
        Atomics.store(head, 1, input.length);
        Atomics.store(head, 0, index);
      }
      try {
        let { ms, ok } = await timed(input);
        if (ms > target.maxInputMs) {
          for (let k = 0; k < SLOW_RERUNS && ms > target.maxInputMs; k++) ms = Math.min(ms, (await timed(input)).ms);
          if (ms > target.maxInputMs)
            finding('slow', index, `${ms.toFixed(0)} ms > ${target.maxInputMs} ms (fastest of ${SLOW_RERUNS + 1} runs)`, input);
        }
        if (ms > stats.maxInputMs) {
          stats.maxInputMs = ms;
          stats.maxInputIndex = index;
        }
        if (ok) stats.accepted++;
      } catch (e) {
        const err = e as Error;
        finding('crash', index, `${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack ?? ''}`, input);
      }
      stats.inputs++;
      if (stats.inputs % HEAP_CHECK_EVERY === 0) {
        gc();
        let now = retained();
        if (now - baseline > MAX_HEAP_GROWTH_BYTES) {
          // freed ArrayBuffers (zlib output) leave external memory counted until the sweeper runs:
          // let it, then measure again, so only memory that is really retained is a finding
          await new Promise((r) => setTimeout(r, 250));
          gc();
          gc();
          now = retained();
        }
        if (stats.inputs === HEAP_CHECK_EVERY) baseline = now; // after warm-up: caches, JIT, first allocations
        stats.peakHeapBytes = Math.max(stats.peakHeapBytes, now);
        stats.heapGrowthBytes = Math.max(stats.heapGrowthBytes, now - baseline);
        if (!heapFlagged && now - baseline > MAX_HEAP_GROWTH_BYTES) {
          heapFlagged = true;
          finding(
            'heap',
            index,
            `retained heap grew ${((now - baseline) / 2 ** 20).toFixed(1)} MiB over ${stats.inputs} inputs (bound ${MAX_HEAP_GROWTH_BYTES / 2 ** 20} MiB)`,
            input,
          );
        }
      }
      const t = performance.now();
      if (opts.onProgress && t - lastProgress >= (opts.progressEveryMs ?? 10_000)) {
        lastProgress = t;
        stats.seconds = (t - started) / 1000;
        stats.inputsPerSecond = stats.inputs / stats.seconds;
        opts.onProgress(stats);
      }
    }
  } finally {
    stats.seconds = (performance.now() - started) / 1000;
    stats.inputsPerSecond = stats.seconds > 0 ? stats.inputs / stats.seconds : 0;
    gc();
    stats.peakHeapBytes = Math.max(stats.peakHeapBytes, retained());
    await session.close?.();
  }
  return stats;
}
