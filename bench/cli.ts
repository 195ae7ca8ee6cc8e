/**
 * The `peeros` command's start-up: how long a process takes to print help, against a bare Node.js
 * process started the same way in the same run. All names start with `cli.`. Each figure is the
 * median of SPAWNS processes per run (wall time of `spawnSync`, output discarded).
 *
 * - `cli.node-bare` (ms) — the baseline: `node -e 0`.
 * - `cli.help` (ms) — `peeros --help`: every command's definition, no command's code.
 * - `cli.help.node` (ms) — `peeros node --help`: one definition (the node's code is not loaded).
 * - `cli.version` (ms) — `peeros --version`: the launcher and the CLI's entry alone.
 * - `cli.help.node/node-bare` (x) — their ratio, run by run (`peeros bench --check` gates it: a
 *   definition that imports a command's or a subsystem's modules shows here).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, summarize, type BenchResult } from './result.js';

const SPAWNS = 7;
const PEEROS = fileURLToPath(new URL('../../bin/peeros.js', import.meta.url));

/** Median wall time (ms) of SPAWNS runs of `node ARGS`, each to completion; throws on a failed run. */
function spawnMs(args: string[], env: NodeJS.ProcessEnv): number {
  const samples: number[] = [];
  for (let i = 0; i < SPAWNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: 'ignore', timeout: 30_000 });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`bench cli: node ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  }
  return percentile(samples, 50);
}

export async function benchCli(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-cli-'));
  const env = { ...process.env, PEEROS_HOME: home };
  const bare: number[] = [];
  const help: number[] = [];
  const helpNode: number[] = [];
  const version: number[] = [];
  const ratio: number[] = [];
  try {
    for (let r = -1; r < runs; r++) {
      const b = spawnMs(['-e', '0'], env);
      const h = spawnMs([PEEROS, '--help'], env);
      const hn = spawnMs([PEEROS, 'node', '--help'], env);
      const v = spawnMs([PEEROS, '--version'], env);
      if (r < 0) continue; // warm-up: the file cache
      bare.push(b);
      help.push(h);
      helpNode.push(hn);
      version.push(v);
      ratio.push(hn / b);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return [
    summarize('cli.node-bare', 'ms', bare),
    summarize('cli.help', 'ms', help),
    summarize('cli.help.node', 'ms', helpNode),
    summarize('cli.version', 'ms', version),
    summarize('cli.help.node/node-bare', 'x', ratio),
  ];
}
