// Runs the real `peeros` CLI (bin/peeros.js) in a child process and measures it: exit code,
// stdout/stderr, wall time and the child's peak RSS (from /usr/bin/time when the machine has it).
// A child that runs past `timeoutMs` is killed and reported as timedOut, so a hang fails the test
// instead of hanging it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './world.js';

export const BIN = join(ROOT, 'bin/peeros.js');
const TIME = '/usr/bin/time';
const RSS_TAG = 'PEEROS_TEST_PEAK_RSS_KB=';

export interface CliRun { code: number; out: string; err: string; ms: number; peakRssMiB: number | undefined; timedOut: boolean }

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliRun> {
  const measured = existsSync(TIME);
  const [cmd, argv] = measured
    ? [TIME, ['-f', `${RSS_TAG}%M`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const started = performance.now();
  return new Promise((resolve) => {
    // its own process group, so a kill reaches the CLI under /usr/bin/time too
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); } }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = new RegExp(`${RSS_TAG}(\\d+)`).exec(err);
      if (m) err = err.replace(m[0], '').trimEnd();
      resolve({ code: code ?? -1, out, err, ms: performance.now() - started, peakRssMiB: m ? Number(m[1]) / 1024 : undefined, timedOut });
    });
  });
}

/** One line for the test log: what ran, how long, how much memory. */
export function describeRun(label: string, r: CliRun): string {
  return `  ${label}: exit ${r.code} in ${r.ms.toFixed(0)} ms, peak RSS ${r.peakRssMiB === undefined ? 'n/a' : `${r.peakRssMiB.toFixed(0)} MiB`}`;
}
