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

/** Every live thread's CPU so far, by thread id (a thread that ends while read is left out). */
export function threadTicks(): Map<string, ThreadTicks> {
  const out = new Map<string, ThreadTicks>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.set(tid, { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * CPU milliseconds per thread between two readings (threads born meanwhile from 0), most first, each
 * labelled by its name and, past the main thread, its id's offset from the process id (Node names
 * every thread `node`; V8's platform threads come first, then libuv's pool, workers and native
 * threads such as LMDB's writer in the order they started).
 */
export function cpuMsByThread(before: Map<string, ThreadTicks>, after: Map<string, ThreadTicks>): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [tid, t] of after) {
    const ms = ((t.ticks - (before.get(tid)?.ticks ?? 0)) * 1000) / TICKS_PER_S;
    if (ms > 0) out.push([tid === String(process.pid) ? 'main' : `${t.name}+${Number(tid) - process.pid}`, ms]);
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
