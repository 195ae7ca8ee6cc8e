#!/usr/bin/env node
/**
 * Where the time of one dPay transfer goes (docs/performance.md): runs the bench rig
 * (bench/dpay-rig.ts: app worker → ISA → bridge → transaction service → session-grant policy →
 * vault worker → HTTP → embedded node), times each stage by wrapping the methods that carry it
 * (main thread only: nothing inside the app or vault worker is touched), and prints the median and
 * p90 per transfer of each stage over N serial transfers, with the load average.
 *
 *   node scripts/transfer-breakdown.mjs [N=200] [--warm W=1000] [--per-block] [--gap MS] [--apps K]   (after `node scripts/build.mjs`)
 *
 * `--warm W` runs W transfers before the measured ones (1,000 by default, as the hybrid bench's
 * WARM_UP_TRANSFERS): V8 optimizes the path only after hundreds of transfers, and before that the
 * process spends up to three times the CPU per transfer. `--warm 10` measures the path cold.
 *
 * `--per-block` waits after each transfer until its block is produced, as the latency loop of
 * `hybrid.transfer.ack` does: every transfer then starts right after a block (a new head to
 * reference, the node's post-block work) instead of back to back.
 *
 * `--gap MS` pauses MS milliseconds after each serial transfer (no block between): how much slower
 * the same transfer is after the process sat idle that long (threads asleep, caches cold).
 *
 * `--apps K` installs K copies of dPay and has them push back to back at once (N in all), as
 * `hybrid.concurrent-8.rate` does: the stages overlap then, so only the rate and the CPU are printed.
 *
 * It also prints the CPU time of the whole process (every thread) per transfer, which other load on
 * a shared machine distorts far less than the stages' wall-clock times.
 *
 * Stages nest: `vault round trip` and `session-grant ledger` are inside `vault.sign`, which is inside
 * `transaction service`, which is inside `app call`. The fsync figures at the end are the file
 * system's own costs, measured in the same run the way each store writes.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const imp = (p) => import(new URL(p, dist).href);
const { openDpayRig } = await imp('bench/dpay-rig.js');
const { Host } = await imp('runtime/index.js');
const { TransactionService, SessionGrantStore, AbiSource, GrantPolicyVerifier } = await imp('runtime/transaction-service/index.js');
const { HttpBackend } = await imp('runtime/dispatch/index.js');
const { HybridApi } = await imp('runtime/hybrid-cache/index.js');
const { Vault, VaultChannel } = await imp('skv/index.js');
const { AcceptedJournal } = await imp('dmcs/block/accepted-journal.js');

const args = process.argv.slice(2);
const perBlock = args.includes('--per-block');
const appsAt = args.indexOf('--apps');
const APPS = appsAt >= 0 ? Number(args[appsAt + 1]) : 1;
const gapAt = args.indexOf('--gap');
const warmAt = args.indexOf('--warm');
const WARM = warmAt >= 0 ? Number(args[warmAt + 1]) : 1000;
if (!Number.isInteger(WARM) || WARM < 1) {
  process.stderr.write('transfer-breakdown: --warm expects a whole number of transfers, such as --warm 1000\n');
  process.exit(2);
}
const GAP_MS = gapAt >= 0 ? Number(args[gapAt + 1]) : 0;
if (!Number.isInteger(GAP_MS) || GAP_MS < 0) {
  process.stderr.write('transfer-breakdown: --gap expects whole milliseconds, such as --gap 50\n');
  process.exit(2);
}
const flagValues = new Set([appsAt, gapAt, warmAt].filter((at) => at >= 0).map((at) => at + 1));
const n0 = Number(args.find((a, i) => !a.startsWith('--') && !flagValues.has(i)) ?? 200);
const N = Math.ceil(n0 / APPS) * APPS;
let sample = null; // stage → ms of the transfer being measured
const order = [];
function wrap(proto, method, stage) {
  const orig = proto[method];
  if (typeof orig !== 'function') throw new Error(`no ${method} to wrap for ${stage}`);
  order.push(stage);
  proto[method] = async function (...args) {
    const t0 = performance.now();
    try {
      return await orig.apply(this, args);
    } finally {
      if (sample) sample[stage] = (sample[stage] ?? 0) + performance.now() - t0;
    }
  };
}
wrap(Host.prototype, 'run', 'app call (total, as the app sees it)');
wrap(TransactionService.prototype, 'push', 'transaction service (bridge side of dmcs.push)');
wrap(HybridApi.prototype, 'getInfo', '  TaPoS lookup (get_info, reused HEAD_REUSE_MS)');
wrap(HybridApi.prototype, 'getAccount', '  key lookup (get_account, cached per block)');
wrap(AbiSource.prototype, 'serializer', '  ABI lookup');
wrap(Vault.prototype, 'sign', '  vault.sign (verifier + vault)');
wrap(SessionGrantStore.prototype, 'consume', '    session-grant ledger (lock, atomic write)');
// since the early approval, the grant's write runs during the vault round trip; what is left of it after
if (GrantPolicyVerifier.prototype.settle) wrap(GrantPolicyVerifier.prototype, 'settle', '  session-grant ledger, wait left after signing');
wrap(VaultChannel.prototype, 'call', '    vault round trip (dMemo, sign, spend ledger)');
wrap(HttpBackend.prototype, 'pushTransaction', '  HTTP push_transaction (node accept)');
wrap(AcceptedJournal.prototype, 'append', '    node accept journal (fdatasync, grouped)');

// CPU time (user + system, clock ticks) of each thread of this process: the main thread is the
// process id; workers and libuv's pool threads are unnamed, so they are told apart by their size
const { threadTicks } = await imp('bench/thread-cpu.js');

const rig = await openDpayRig({ apps: APPS });
try {
  for (let i = 0; i < WARM; i++) {
    await rig.transfer(); // warm up: the JIT settles after hundreds of transfers (--warm)
    if (i % 500 === 499) await rig.node.produceBlock();
  }
  for (const app of rig.apps) await rig.transfer(app);
  const load0 = loadavg();
  const mono0 = process.hrtime.bigint() / 1000n;
  const cpu0 = process.cpuUsage();
  const ticks0 = threadTicks();
  const wall0 = performance.now();
  const samples = [];
  if (APPS > 1) {
    // every app pushes back to back at once, as hybrid.concurrent-8.rate does; stages overlap, so
    // only the CPU and the rate are printed
    const each = N / APPS;
    await Promise.all(
      rig.apps.map(async (app) => {
        for (let i = 0; i < each; i++) await rig.transfer(app);
      }),
    );
  }
  for (let i = 0; i < (APPS > 1 ? 0 : N); i++) {
    sample = {};
    const block = await rig.transfer();
    samples.push(sample);
    sample = null;
    if (perBlock) {
      while (rig.node.getInfo().head_block_num < block) await new Promise((r) => setTimeout(r, 1));
    } else if (i % 50 === 49) await rig.node.produceBlock();
    if (GAP_MS > 0) await new Promise((r) => setTimeout(r, GAP_MS));
  }
  const cpu = process.cpuUsage(cpu0);
  const ticks1 = threadTicks();
  const wall = performance.now() - wall0;
  // under `node --cpu-prof`, the measured loop's window on the profiles' clock (monotonic µs), so
  // that the samples of the rig's start and close can be left out of a per-transfer profile
  if (process.execArgv.some((a) => a.startsWith('--cpu-prof')))
    console.log(`profile window (monotonic µs): ${mono0} ${process.hrtime.bigint() / 1000n}`);
  const q = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
  };
  const rows = order.map((stage) => [stage, samples.map((s) => s[stage] ?? 0)]);
  console.log(
    `transfers: ${N} ${APPS > 1 ? `from ${APPS} apps at once (${((N / wall) * 1000).toFixed(0)}/s)` : 'serial'}${perBlock ? ', each after its block' : ''}${GAP_MS > 0 ? `, ${GAP_MS} ms apart` : ''}, after ${WARM} warm-up transfers, load average ${load0.map((l) => l.toFixed(2)).join(' / ')} → ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
  );
  // CPU time of this process (every thread: app worker, vault, node, recovery) per transfer: what
  // the path costs, far less sensitive to other load on the machine than the wall-clock stages
  console.log(
    `CPU per transfer (all threads of the process): ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms (user ${(cpu.user / 1000 / N).toFixed(2)}, system ${(cpu.system / 1000 / N).toFixed(2)}); wall per transfer ${(wall / N).toFixed(2)} ms`,
  );
  // clock ticks are 10 ms: over a few hundred transfers each thread's share is exact enough
  const perThread = [...ticks1]
    .map(([tid, t]) => [tid, ((t.ticks - (ticks0.get(tid)?.ticks ?? 0)) * 10) / N])
    .filter(([, ms]) => ms > 0.01)
    .sort((a, b) => b[1] - a[1]);
  console.log(
    `CPU per transfer by thread (ms; ${process.pid} is the main thread): ${perThread.map(([tid, ms]) => `${tid} ${ms.toFixed(2)}`).join(', ')}`,
  );
  console.log(`${'stage'.padEnd(52)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)}`);
  for (const [stage, xs] of rows)
    console.log(`${stage.padEnd(52)} ${q(xs, 50).toFixed(2).padStart(8)} ${q(xs, 90).toFixed(2).padStart(8)}`);
} finally {
  await rig.close();
}

// The file system's own costs, measured the way the stores write.
const dir = mkdtempSync(join(tmpdir(), 'peeros-fsync-'));
try {
  const times = (fn, n = 100) => {
    const xs = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      fn(i);
      xs.push(performance.now() - t0);
    }
    return xs.sort((a, b) => a - b)[n >> 1];
  };
  const log = openSync(join(dir, 'log'), 'a');
  const append = times(() => {
    writeSync(log, Buffer.alloc(200, 1));
    fdatasyncSync(log);
  });
  closeSync(log);
  const atomic = times(() => {
    const f = openSync(join(dir, 'f.tmp'), 'w');
    writeSync(f, Buffer.alloc(300, 2));
    fsyncSync(f);
    closeSync(f);
    renameSync(join(dir, 'f.tmp'), join(dir, 'f'));
    const d = openSync(dir, 'r');
    fsyncSync(d);
    closeSync(d);
  });
  console.log(`append + fdatasync (app history record, queue record, node journal): ${append.toFixed(2)} ms p50`);
  console.log(`atomic replace (temp, fsync, rename, dir fsync: session grants, spend ledger): ${atomic.toFixed(2)} ms p50`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
