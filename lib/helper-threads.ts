/**
 * The process's helper threads run below its JavaScript thread's priority (Linux).
 *
 * On a 2-core machine, V8's platform threads (concurrent marking and sweeping, optimizing
 * compilation) and libuv's pool preempted the thread that produces blocks and serves requests: in
 * the 100,000-holder scale bench a block's thread waited up to 46 ms for a CPU in a 77 ms block
 * while those threads held both cores (docs/dmcs.md, "The block thread's priority"). The kernel's
 * fair scheduler weighs a thread by its nice value, so at `HELPER_NICE_STEP` above the JS thread a
 * helper still gets every idle CPU but yields to the JS thread when both want the same one.
 *
 * Only the threads that exist when this runs are lowered: at the process's entry these are Node's
 * own (V8's platform threads, its delayed-task and signal threads, libuv's pool, started by the
 * module loader). Threads started later take the priority of the thread that starts them: the
 * worker threads the host starts itself (signature recovery, the vault's signers) compete with the
 * JS thread as equals; native threads started from the pool (hypercore's RocksDB threads) are
 * lowered with it, and so is the state store's writing, which runs on the pool.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much lower (in nice steps) a helper thread runs than the JS thread: at 10 the kernel's fair
 * scheduler gives the JS thread about 90% of a contended CPU (weights 1024 against 110).
 */
export const HELPER_NICE_STEP = 10;

/** The highest nice value the kernel accepts (the lowest priority). */
const NICE_MAX = 19;

/**
 * Lowers every thread of this process but the JS thread to `step` nice levels below it (capped at
 * the lowest priority; a thread already lower is left alone). Best effort: a thread that ends
 * meanwhile or a kernel that refuses is skipped, and elsewhere than Linux (where a nice value is
 * per process, not per thread) it does nothing. Returns how many threads it lowered.
 */
export function lowerHelperThreads(step = HELPER_NICE_STEP): number {
  if (process.platform !== 'linux') return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  const want = Math.min(NICE_MAX, getPriority(process.pid) + step);
  let lowered = 0;
  for (const tid of tids) {
    const id = Number(tid);
    if (id === process.pid) continue; // on Linux the JS thread's id is the process's
    try {
      if (getPriority(id) >= want) continue;
      setPriority(id, want);
      lowered++;
    } catch {
      // the thread ended, or the kernel refused: it keeps its priority
    }
  }
  return lowered;
}
