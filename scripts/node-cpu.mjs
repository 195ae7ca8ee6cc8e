#!/usr/bin/env node
/**
 * The embedded node's own CPU per transfer (docs/performance.md, the node's main thread): a dev node
 * in this process with the dPay token (bench/dmcs.ts `tokenNode`), then runs of N pre-signed
 * transfers pushed in process, and per run the main thread's CPU per transfer (read from
 * /proc/self/task/<pid>/stat, so the key-recovery workers are not counted: recovery runs on the
 * other core, and the main thread is what bounds `dmcs.transfer.in-process.pooled`), the whole
 * process's CPU per transfer, and the rate.
 *
 *   node scripts/node-cpu.mjs [--mode pooled|sync] [--runs R=6] [--n N=3000]   (after `node scripts/build.mjs`)
 *
 * `pooled` pushes with `pushPackedAsync`, 256 in flight (keys recovered on the worker pool, each
 * push waiting for its journal's group-committed fdatasync), as the bench does; `sync` pushes one
 * after another with `pushPacked` (recovery inline, no wait for the journal). Run 0 warms up. The
 * thread's CPU is counted in clock ticks (10 ms), so a run of 3,000 transfers reads to about ±3 µs.
 * On a shared machine compare trees run alternately, back to back, and read the medians.
 *
 * Each run also prints the main thread's event-loop utilization (the share of the run it was not
 * idle: near 1, the thread never waited for recovery, the journal or a block; the time it was
 * runnable but preempted counts as busy) and the CPU per transfer of the other threads: the busiest
 * one (the recovery worker when pooled) and the rest together (V8's platform threads: GC and JIT;
 * libuv's pool). On two cores the process's total bounds the pooled rate at 2 / total. And the
 * main thread's garbage collection: the scavenges in the run and their pauses in µs per transfer
 * (fewer scavenges in a run is less garbage, whatever the machine's load), the mark-compacts and
 * theirs (wall time from start to end, concurrent marking included); and the run's window on the
 * clock of `--cpu-prof` profiles (monotonic µs), so a profile can be summed over the runs only.
 */
import { PerformanceObserver, constants as perf, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

const dist = new URL('../dist/', import.meta.url);
const imp = (p) => import(new URL(p, dist).href);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const mode = opt('--mode', 'pooled');
const runs = Number(opt('--runs', '6'));
const N = Number(opt('--n', '3000'));
if (!['pooled', 'sync'].includes(mode) || !(runs >= 2) || !(N >= 500)) {
  process.stderr.write('usage: node scripts/node-cpu.mjs [--mode pooled|sync] [--runs R>=2] [--n N>=500]\n');
  process.exit(2);
}
const BLOCK = 500;
const IN_FLIGHT = 256;

const { tokenNode, makeTrx, signed } = await imp('bench/dmcs.js');
const { threadTicks } = await imp('bench/thread-cpu.js');
/** This thread's CPU in clock ticks (utime + stime of the main task). */
const mainTicks = () => threadTicks().get(String(process.pid))?.ticks ?? 0;
const { Action } = await imp('abi/antelope/index.js');
const env = await tokenNode({ http: false });
if (!env) {
  process.stderr.write('node-cpu: build the contracts first (node scripts/build.mjs)\n');
  process.exit(1);
}
const { node, sign, dev, token } = env;
const mainUs = [];
/** This run's GC on the main thread: scavenges and their pauses (ms), mark-compacts and theirs (from start to end, incremental steps between included). */
const gc = { minorMs: 0, minor: 0, majorMs: 0, major: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = e.detail?.kind;
    if (kind === perf.NODE_PERFORMANCE_GC_MINOR) {
      gc.minor++;
      gc.minorMs += e.duration;
    } else if (kind === perf.NODE_PERFORMANCE_GC_MAJOR) {
      gc.major++;
      gc.majorMs += e.duration;
    }
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
let seq = 0;
process.stdout.write(
  `node-cpu: ${mode}, ${N} transfers per run, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
try {
  for (let r = 0; r < runs; r++) {
    const batch = [];
    for (let i = 0; i < N; i++) {
      const data = token.encodeAction('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 BNC', memo: `t${seq++}` });
      const auth = [{ actor: 'alice', permission: 'active' }];
      const trx = makeTrx(node, [Action.from({ account: 'bench.token', name: 'transfer', authorization: auth, data })], i);
      batch.push(signed(node, trx, sign, dev));
    }
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const m0 = mainTicks();
    const th0 = threadTicks();
    const elu0 = performance.eventLoopUtilization();
    gc.minorMs = gc.minor = gc.majorMs = gc.major = 0;
    if (mode === 'sync') {
      for (let i = 0; i < N; i++) {
        node.pushPacked(batch[i]);
        if ((i + 1) % BLOCK === 0) await node.produceBlock();
      }
    } else {
      let next = 0;
      let since = 0;
      let blocks = Promise.resolve();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < N) {
            await node.pushPackedAsync(batch[next++]);
            if (++since >= BLOCK) {
              since = 0;
              blocks = node.produceBlock();
            }
          }
        }),
      );
      await blocks;
    }
    if (node.chain.pendingCount) await node.produceBlock();
    const t1 = process.hrtime.bigint();
    const s = Number(t1 - t0) / 1e9;
    const c = process.cpuUsage(c0);
    const elu = performance.eventLoopUtilization(elu0).utilization;
    await new Promise((resolve) => setImmediate(resolve)); // the observer's last entries
    const gcRun = { ...gc };
    const main = ((mainTicks() - m0) * 1e4) / N; // a tick is 10 ms
    const others = [...threadTicks()]
      .filter(([tid]) => tid !== String(process.pid))
      .map(([tid, t]) => ((t.ticks - (th0.get(tid)?.ticks ?? 0)) * 1e4) / N)
      .sort((a, b) => b - a);
    const busiest = others[0] ?? 0;
    const rest = others.slice(1).reduce((a, b) => a + b, 0);
    if (r > 0) mainUs.push(main);
    process.stdout.write(
      `run ${r}${r === 0 ? ' (warm-up)' : ''}: main thread ${main.toFixed(1)} µs/transfer (event loop busy ${elu.toFixed(2)}), ` +
        `busiest other thread ${busiest.toFixed(1)}, the rest ${rest.toFixed(1)}, process ${((c.user + c.system) / N).toFixed(1)} µs/transfer, ${Math.round(N / s)} transfers/s; ` +
        `${gcRun.minor} scavenges (${((gcRun.minorMs * 1e3) / N).toFixed(1)} µs/transfer), ${gcRun.major} mark-compacts (${((gcRun.majorMs * 1e3) / N).toFixed(1)}); ` +
        `profile window (monotonic µs) ${t0 / 1000n} ${t1 / 1000n}\n`,
    );
  }
  mainUs.sort((a, b) => a - b);
  process.stdout.write(`median main thread: ${mainUs[mainUs.length >> 1].toFixed(1)} µs/transfer\n`);
} finally {
  gcObserver.disconnect();
  await node.close();
  const { rmSync } = await import('node:fs');
  rmSync(env.dir, { recursive: true, force: true });
}
