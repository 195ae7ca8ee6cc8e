/**
 * Runs targets one after another, each in a process of its own (fuzz/child.ts) and there in a
 * worker thread (fuzz/worker.ts), watching the
 * input in flight: no progress for max(MIN_HANG_MS, 10 × the target's bound) is a hang, and the
 * thread is stopped; a thread that runs out of heap is an out-of-memory finding. Findings are
 * saved under `fuzz-findings/<target>/` (gitignored) as the input bytes and a text file saying how
 * to replay them. `scripts/fuzz.mjs` is the command line; the smoke test calls {@link fuzz}.
 */
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyStats, newMirror, readMirror, type Finding, type RunStats } from './runner.js';
import { TARGETS } from './targets/index.js';
import type { FuzzTarget } from './target.js';
import { MIN_HANG_MS, SETUP_TIMEOUT_MS, WORKER_MAX_OLD_GENERATION_MB } from './limits.js';
import { repoFile } from './seeds.js';

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
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** Runs one target in a process of its own (fuzz/child.ts), which runs it in a worker thread. */
function runInChild(target: FuzzTarget, opts: FuzzOptions): Promise<RunStats> {
  const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { onProgress, ...plain } = opts;
  let latest = emptyStats(target.name, opts.seed);
  return new Promise((resolve) => {
    let done = false;
    child.on('message', (m: { type: string; stats: RunStats }) => {
      if (m.type === 'progress') {
        latest = m.stats;
        onProgress?.(m.stats);
      } else if (m.type === 'done') {
        done = true;
        resolve(m.stats);
      }
    });
    child.on('exit', (code, signal) => {
      if (done) return;
      latest.findings.push({
        kind: 'crash',
        target: target.name,
        seed: opts.seed,
        index: latest.inputs,
        message: `the fuzz process ended (${signal ?? `code ${code}`}) after about ${latest.inputs} inputs; replay with --progress to narrow it down`,
        input: new Uint8Array(0),
      });
      resolve(latest);
    });
    child.send({ target: target.name, opts: { ...plain, input: plain.input } });
  });
}

/** Runs one target in its own thread; `targetModule` is a file URL whose default export is the target. */
export function runInWorker(target: FuzzTarget, opts: FuzzOptions, targetModule?: string): Promise<RunStats> {
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

/** Saves a finding's input and a note; returns the input's path. */
export function saveFinding(dir: string, f: Finding): string {
  const d = join(dir, f.target);
  mkdirSync(d, { recursive: true });
  const base = join(d, `${f.kind}-seed${f.seed}-index${f.index}`);
  writeFileSync(`${base}.bin`, f.input);
  writeFileSync(
    `${base}.txt`,
    `${f.kind} in ${f.target}, seed ${f.seed}, input ${f.index}\n` +
      `replay: npm run fuzz -- --target ${f.target} --seed ${f.seed} --index ${f.index}\n` +
      `    or: npm run fuzz -- --target ${f.target} --input ${base}.bin\n\n${f.message}\n`,
  );
  return `${base}.bin`;
}

/** Runs the chosen targets (all by default) in order; returns their stats with findings saved. */
export async function fuzz(opts: FuzzOptions): Promise<RunStats[]> {
  const chosen = opts.targets?.length
    ? opts.targets.map((n) => {
        const t = TARGETS.find((x) => x.name === n);
        if (!t) throw new Error(`no fuzz target ${JSON.stringify(n)} (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
        return t;
      })
    : TARGETS;
  const dir = opts.findingsDir === undefined ? repoFile('fuzz-findings') : opts.findingsDir;
  const out: RunStats[] = [];
  for (const t of chosen) {
    const stats = await runInChild(t, opts);
    if (dir) for (const f of stats.findings) saveFinding(dir, f);
    out.push(stats);
  }
  return out;
}
