/**
 * CPU time per thread of this process, from `/proc/self/task/<tid>/stat` (Linux; empty elsewhere):
 * diagnosis for the benches and scripts that say which thread a figure's CPU went to (the main
 * thread, V8's platform threads, libuv's pool, workers, native threads such as LMDB's writer).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of `/proc`'s utime and stime (USER_HZ, 100 on Linux). */
export const TICKS_PER_S = 100;

export interface ThreadTicks {
  /** The thread's name (`comm`: e.g. `node`, `V8 Worker`, `libuv-worker`, `DedicatedWorker`). */
  name: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

/** `read(tid)` for every live thread, by thread id (a thread that ends while read is left out; empty off Linux). */
function perThread<T>(read: (tid: string) => T): Map<string, T> {
  const out = new Map<string, T>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      out.set(tid, read(tid));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Every live thread's CPU so far, by thread id. */
export function threadTicks(): Map<string, ThreadTicks> {
  return perThread((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  });
}

/**
 * A thread's label: `main`, or its name and its id's offset from the process id (Node names every
 * thread `node`; V8's platform threads come first, then libuv's pool, workers and native threads
 * such as LMDB's writer in the order they started).
 */
function threadLabel(tid: string, name: string): string {
  return tid === String(process.pid) ? 'main' : `${name}+${Number(tid) - process.pid}`;
}

/** CPU milliseconds per thread between two readings (threads born meanwhile from 0), most first (`threadLabel`). */
export function cpuMsByThread(before: Map<string, ThreadTicks>, after: Map<string, ThreadTicks>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [tid, t] of after) {
    const ms = ((t.ticks - (before.get(tid)?.ticks ?? 0)) * 1000) / TICKS_PER_S;
    if (ms > 0) out.push([threadLabel(tid, t.name), ms]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

/**
 * Every live thread's time on a CPU so far in milliseconds, by thread id, from
 * `/proc/self/task/<tid>/schedstat` (nanoseconds: fine enough for one block, where `threadTicks`
 * counts 10 ms ticks; Linux, empty elsewhere). Two reads per thread: for diagnosis only.
 */
export function threadRunMs(): Map<string, { name: string; ms: number }> {
  return perThread((tid) => ({
    name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(),
    ms: Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6,
  }));
}

/** Of two `threadRunMs` readings, the threads other than the main one that ran at least `minMs` in between, most first. */
export function otherThreadsRun(
  before: Map<string, { name: string; ms: number }>,
  after: Map<string, { name: string; ms: number }>,
  minMs = 0.5,
): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [tid, t] of after) {
    const ms = t.ms - (before.get(tid)?.ms ?? 0);
    if (tid !== String(process.pid) && ms >= minMs) out.push([threadLabel(tid, t.name), ms]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

/**
 * The main thread's scheduler figures so far, from `/proc/self/schedstat` (Linux; null elsewhere):
 * nanoseconds on a CPU and nanoseconds runnable but waiting for one (preempted by this process's
 * other threads or by other processes). Finer than `threadTicks` (10 ms ticks): per block.
 */
export function mainThreadSched(): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = readFileSync('/proc/self/schedstat', 'utf8').split(' ');
    return { runNs: Number(run), waitNs: Number(wait) };
  } catch {
    return null;
  }
}
