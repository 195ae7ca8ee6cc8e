/**
 * Runs the real `bin/peeros.js` in a child process, as a user would, and collects its exit code,
 * stdout and stderr. The one home for this in tests; `measured-cli.ts` is the variant that also
 * measures the child (CPU, memory) and kills its process group at a timeout.
 *
 * `env` is laid over this process's environment. `stdin` given: piped and closed after it (''
 * for end of file at once); not given: no stdin at all ('ignore'). `timeoutMs` not given: no
 * timeout (the test runner's own limit applies).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

export const PEEROS_BIN = fileURLToPath(new URL('../../../bin/peeros.js', import.meta.url));

export interface PeerosOptions {
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
}

export interface PeerosRun {
  code: number;
  out: string;
  err: string;
}

/** Exit code -1 when the child was killed by a signal (as at the timeout). */
export function runPeeros(args: string[], o: PeerosOptions = {}): Promise<PeerosRun> {
  const run = spawnCollecting(args, o);
  return new Promise((resolve) => {
    const killer = o.timeoutMs === undefined ? undefined : setTimeout(() => run.child.kill('SIGKILL'), o.timeoutMs);
    run.child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: code ?? -1, out: run.out, err: run.err });
    });
  });
}

/** Runs it and asserts exit 0 (stderr in the message); its stdout. */
export async function okPeeros(args: string[], o: PeerosOptions = {}): Promise<string> {
  const r = await runPeeros(args, o);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}

/** The same, blocking; exit code null when the child was killed by a signal (as at the timeout). */
export function runPeerosSync(args: string[], o: PeerosOptions = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [PEEROS_BIN, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    input: o.stdin,
    encoding: 'utf8',
    stdio: [o.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: o.timeoutMs,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A long-running command (a node, an agent, a dev loop): no stdin; its output so far in `out` and `err`. */
export interface RunningPeeros {
  child: ChildProcess;
  out: string;
  err: string;
}

/** Starts it and returns at once; the caller waits on the output and stops the child. */
export function startPeeros(args: string[], o: Pick<PeerosOptions, 'env' | 'cwd'> = {}): RunningPeeros {
  return spawnCollecting(args, o);
}

function spawnCollecting(args: string[], o: PeerosOptions): RunningPeeros {
  const child = spawn(process.execPath, [PEEROS_BIN, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: [o.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const run: RunningPeeros = { child, out: '', err: '' };
  child.stdout!.on('data', (d) => {
    run.out += d;
  });
  child.stderr!.on('data', (d) => {
    run.err += d;
  });
  if (o.stdin !== undefined) child.stdin!.end(o.stdin);
  return run;
}
