/**
 * Runs `bin/peeros.js` in a child process and measures it from outside while it runs: wall time,
 * CPU (utime + stime of all its threads) and peak RSS (VmHWM), read from /proc every 50 ms, and
 * when stderr first matched a pattern (to time what happens after a reported error). A child that
 * runs past its timeout is killed with its whole process group and reported as timedOut, so a hang
 * fails the test instead of hanging it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './world.js';

const BIN = join(ROOT, 'bin/peeros.js');

export interface MeasuredRun {
  code: number;
  out: string;
  err: string;
  /** stderr: all of it up to 128 KiB, else its first and last 64 KiB. Bytes: all of them. */
  errBytes: number;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
  /** Wall ms at which stderr first matched `mark`, if it did. */
  markedAtMs: number | undefined;
  /** Killed at the timeout. */
  timedOut: boolean;
}

/** utime + stime (ms) and VmHWM (MiB) of `pid`, or undefined once it is gone. */
function usage(pid: number): { cpuMs: number; hwmMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    // stat fields 14 and 15 (utime, stime) in clock ticks; USER_HZ is 100 on Linux.
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / 100, hwmMiB: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return undefined;
  }
}

export function peerosMeasured(
  args: string[],
  env: Record<string, string>,
  mark?: RegExp,
  timeoutMs = 60_000,
  stdin?: string,
): Promise<MeasuredRun> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    // its own process group, so the timeout reaches anything it started
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdin.end(stdin ?? ''); // no input: end of file at once, as 'ignore' gave
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    let out = '';
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    let errBytes = 0;
    const KEEP = 64 << 10;
    let markedAtMs: number | undefined;
    let cpuMs = 0;
    let peakRssMiB = 0;
    const sample = () => {
      const u = usage(child.pid!);
      if (u) {
        cpuMs = u.cpuMs;
        peakRssMiB = Math.max(peakRssMiB, u.hwmMiB);
      }
    };
    const timer = setInterval(sample, 50);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      errBytes += d.length;
      if (head.length < KEEP) head = Buffer.concat([head, d.subarray(0, KEEP - head.length)]);
      tail = Buffer.concat([tail, d]);
      if (tail.length > KEEP) tail = tail.subarray(tail.length - KEEP);
      if (mark && markedAtMs === undefined && mark.test(d.toString())) markedAtMs = Date.now() - t0;
    });
    child.on('exit', sample);
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({
        code: code ?? -1,
        out,
        err:
          errBytes <= 2 * KEEP
            ? Buffer.concat([head, tail.subarray(Math.max(0, head.length + tail.length - errBytes))]).toString()
            : `${head}\n[…]\n${tail}`,
        errBytes,
        wallMs: Date.now() - t0,
        cpuMs,
        peakRssMiB,
        markedAtMs,
        timedOut,
      });
    });
  });
}

/** The measured run as the install and build tests read it. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
  ms: number;
  peakRssMiB: number | undefined;
  timedOut: boolean;
}

export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000, stdin?: string): Promise<CliRun> {
  const r = await peerosMeasured(args, env, undefined, timeoutMs, stdin);
  // a child gone before the first sample has no reading: undefined, not 0
  return {
    code: r.code,
    out: r.out,
    err: r.err,
    ms: r.wallMs,
    peakRssMiB: r.peakRssMiB > 0 ? r.peakRssMiB : undefined,
    timedOut: r.timedOut,
  };
}

/** One line for the test log: what ran, how long, how much memory. */
export function describeRun(label: string, r: CliRun): string {
  return `  ${label}: exit ${r.code} in ${r.ms.toFixed(0)} ms, peak RSS ${r.peakRssMiB === undefined ? 'n/a' : `${r.peakRssMiB.toFixed(0)} MiB`}`;
}
