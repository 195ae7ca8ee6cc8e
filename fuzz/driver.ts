/**
 * Runs targets one after another, each in a process of its own (fuzz/child.ts) and there in a
 * worker thread (fuzz/worker.ts, watched by fuzz/target-thread.ts: hangs and out-of-memory ends
 * are findings with their input); a process that dies is a finding too. Findings are
 * saved under `fuzz-findings/<target>/` (gitignored) as the input bytes and a text file saying how
 * to replay them. `scripts/fuzz.mjs` is the command line; the smoke test calls {@link fuzz}.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyStats, type Finding, type RunStats } from './runner.js';
import { TARGETS } from './targets/index.js';
import type { FuzzTarget } from './target.js';
import type { FuzzOptions } from './target-thread.js';
import { repoFile } from './seeds.js';

export type { FuzzOptions } from './target-thread.js';
export { runInWorker } from './target-thread.js';

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
    // the bound travels with the name: the child then imports no target (its thread imports its own)
    child.send({ target: { name: target.name, maxInputMs: target.maxInputMs }, opts: { ...plain, input: plain.input } });
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
