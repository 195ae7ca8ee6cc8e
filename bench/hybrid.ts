/**
 * The hybrid layers end to end: a dPay transfer from the app (wasm in its worker) through the ISA,
 * the sync bridge, the transaction service (scope, ABI encode/decode, confirmation, key picking), the
 * session-grant verifier policy (auto-approve within limits), the vault worker (assertion check,
 * signing grant, K1 signature), dispatch over the chain API on loopback HTTP, to the embedded dev
 * node (signature recovery, authority check, contract VM).
 *
 *   hybrid.transfer.block.p50 / .p99   app call → the transaction is in a produced block (ms); the
 *                                      node seals a block 500 ms after the first pending transaction,
 *                                      as Antelope's block interval, so this is dominated by it
 *   hybrid.transfer.ack.p50 / .p99     app call → the node acknowledged it (ms); each of these transfers
 *                                      starts once the one before is in a block, so after about 500 ms
 *                                      idle, as a user's occasional transfer does
 *   hybrid.transfer.rate               transfers/s, one app calling back to back (ack, not block)
 *   hybrid.transfer.rate.cold          the same over the first RATE_SAMPLES transfers after the rig
 *                                      opened (one sample a bench process): the path before V8 has
 *                                      optimized it; every other transfer figure is measured after
 *                                      WARM_UP_TRANSFERS (see there)
 *   hybrid.concurrent-8.rate           transfers/s with 8 installed apps (copies of dPay, one worker
 *                                      each) pushing back to back at once (ack, not block): what the
 *                                      session grants, the vault and the node do with concurrent pushes
 *   hybrid.first-call.p50 / .p99       ms, the first call (dPay's `whoami`: the session file, no chain,
 *                                      no storage; a command whose own cost does not grow with the app's
 *                                      recorded history, unlike `history`) of an installed idle app: its
 *                                      worker was stopped by the host's idle policy (`appIdleMs`
 *                                      BENCH_APP_IDLE_MS after its last call; runtime/sandbox/live-apps.ts),
 *                                      the host's background work after that stop is done (SETTLE_MS),
 *                                      its compiled module is cached; with the host's defaults the app
 *                                      was prepared behind the stop (runtime/sandbox/warm-apps.ts: a
 *                                      worker of its own, the module instantiated afresh), so this is the warm case:
 *                                      one call round trip to a worker that has never run a call
 *   hybrid.first-call.pooled.p50/.p99  the same with no prepared apps (warmApps 0): a warm, app-less
 *                                      worker taken from the pool (warm-workers.ts), the app's spec
 *                                      sent to it, an instantiation and the call
 *   hybrid.first-call.cold.p50/.p99    the same with neither pool (warmWorkers 0, warmApps 0): a thread
 *                                      start, the sandbox code loaded, an instantiation and the call
 *
 * Each first-call figure has its own host over the rig's home and services (the same installed
 * dPay), so the three are measured in one run under the same load. Without a wanted transfer
 * figure (`--only hybrid.first-call`) no transfer is measured.
 */
import { openDpayRig } from './dpay-rig.js';
import type { Host } from '../runtime/index.js';
import { WARM_WORKERS } from '../runtime/limits.js';
import { summarize, percentile, type BenchResult } from './result.js';
import { figureWanted } from '../runtime/cli/bench-module.js';

/** Transfers per run for the latency percentiles. */
const LATENCY_SAMPLES = 12;
/** Transfers per run for the rate. */
const RATE_SAMPLES = 100;
/** Apps pushing at once for hybrid.concurrent-8.rate, and the transfers each makes per run. */
const CONCURRENT_APPS = 8;
const CONCURRENT_EACH = 20;
/**
 * Serial transfers before the first measured run. V8 optimizes a function after it has run a
 * while, so a path run once per transfer settles only after hundreds of transfers: measured on
 * this 2-core machine, the process's CPU per transfer went from 14 ms over the first 100 to about 8
 * at 200-700 and 4.5-5.5 past 800-1,000, with TurboFan compiling on V8's threads (1.3-1.9 ms per
 * transfer) until then. The vault's figures, which the transfer figures are divided by, are taken
 * after a warm-up run of their own; without this the ratios compared a cold path with a warm one.
 * The cold path keeps its own figure (hybrid.transfer.rate.cold). Each transfer adds a history
 * record to dPay's storage (1 MiB): this leaves room for dozens of runs.
 */
const WARM_UP_TRANSFERS = 1000;
/** Concurrent rounds (every app CONCURRENT_EACH transfers) before the first measured one: each app's worker is a V8 isolate of its own, warmed by its own calls. */
const CONCURRENT_WARM_UP_ROUNDS = 5;
/** First calls per run (each after the app went idle). */
const FIRST_CALL_SAMPLES = 10;
/**
 * The first-call hosts' idle time (`HostOptions.appIdleMs`): 100 ms instead of APP_IDLE_MS (60 s),
 * so the policy stops the app's worker between samples as it would after a minute without a call.
 */
const BENCH_APP_IDLE_MS = 100;
/**
 * After the stop, the bench waits until the host's background work is done (the app prepared, when
 * it is; the warm pool refilled, each worker booted and warmed up: a thread start is 100-400 ms on
 * a 2-core machine, and would otherwise compete with the measured call), then SETTLE_MS more,
 * outside the timing. A real idle app is idle for a minute or more; by then all of this is long done.
 */
const SETTLE_MS = 100;
/** Longest wait for the idle policy to stop the app and for the host's background work (generous bounds). */
const WENT_IDLE_WAIT_MS = 60_000;

/** The first-call figures: name prefix and the host's pool settings. */
const FIRST_CALL_KINDS = [
  { name: 'hybrid.first-call', pools: {} },
  { name: 'hybrid.first-call.pooled', pools: { warmApps: 0 } },
  { name: 'hybrid.first-call.cold', pools: { warmApps: 0, warmWorkers: 0 } },
] as const;

/** Polls (every 5 ms) until `done`; throws after WENT_IDLE_WAIT_MS. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + WENT_IDLE_WAIT_MS; !done(); ) {
    if (Date.now() > end) throw new Error(`bench: ${what} did not happen within ${WENT_IDLE_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * `samples` first calls of dPay's `whoami` on `host` (ms), each after its idle policy stopped the
 * app (BENCH_APP_IDLE_MS after the call before) and the host's background work was done (`warm`
 * warm workers booted; `prepared`: the app prepared), then SETTLE_MS.
 */
async function firstCalls(host: Host, samples: number, warm: number, prepared: boolean): Promise<number[]> {
  await host.run('dpay', 'whoami'); // the call the first sample's idle time counts from
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const stops = host.liveApps.idleStops;
    await until(() => host.liveApps.idleStops > stops, `dpay going idle (appIdleMs ${BENCH_APP_IDLE_MS})`);
    await until(
      () => (!prepared || host.process('dpay')?.ready === true) && host.warmWorkersBooted === warm,
      'the host settling after the idle stop',
    );
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const t0 = performance.now();
    await host.run('dpay', 'whoami');
    out.push(performance.now() - t0);
  }
  return out;
}

export async function benchHybrid(opts: { runs: number; only?: readonly string[] }): Promise<BenchResult[]> {
  const want = (name: string) => figureWanted(opts.only, name);
  const rig = await openDpayRig({ apps: want('hybrid.concurrent-8.rate') ? CONCURRENT_APPS : 1 });
  const { node } = rig;
  try {
    const transfer = () => rig.transfer();
    const inBlock = async (block: number) => {
      while ((node.getInfo() as { head_block_num: number }).head_block_num < block) await new Promise((r) => setTimeout(r, 1));
    };
    const transfers = ['hybrid.transfer', 'hybrid.concurrent-8'].some(want);
    const cold: number[] = [];
    if (transfers) {
      await transfer(); // the worker's start and the caches' first fill, outside the cold figure
      const t0 = performance.now();
      for (let i = 0; i < RATE_SAMPLES; i++) await transfer();
      cold.push(RATE_SAMPLES / ((performance.now() - t0) / 1000));
      for (let i = RATE_SAMPLES; i < WARM_UP_TRANSFERS; i++) {
        await transfer();
        if (i % 500 === 499) await node.produceBlock();
      }
      await node.produceBlock();
    }

    const blockP50: number[] = [],
      blockP99: number[] = [],
      ackP50: number[] = [],
      ackP99: number[] = [],
      rate: number[] = [],
      concurrent: number[] = [];
    const firstKinds = FIRST_CALL_KINDS.filter((k) => want(k.name)).map((k) => ({
      name: k.name,
      host: rig.openHost({ ...k.pools, appIdleMs: BENCH_APP_IDLE_MS }),
      warm: 'warmWorkers' in k.pools ? k.pools.warmWorkers : WARM_WORKERS,
      prepared: !('warmApps' in k.pools),
      p50: [] as number[],
      p99: [] as number[],
    }));
    // each host's first load of the app, then one idle cycle not counted (its pools start filling
    // at the first stop: the first cycle may wait for a thread still booting)
    for (const k of firstKinds) await firstCalls(k.host, 1, k.warm, k.prepared);
    if (rig.apps.length > 1) {
      // warm up each app's worker (its own isolate) the way the figure runs it
      for (let r = 0; r < CONCURRENT_WARM_UP_ROUNDS; r++) {
        await Promise.all(
          rig.apps.map(async (app) => {
            for (let i = 0; i < CONCURRENT_EACH; i++) await rig.transfer(app);
          }),
        );
        await node.produceBlock();
      }
    }
    /** One run of the transfer figures. */
    const transferRun = async (): Promise<void> => {
      // the rate first, while the process is busy: the latency samples each wait for their block
      // (about 500 ms idle), after which the next hundred transfers ran 15-25% slower (the locks'
      // leases let go, threads and caches gone cold); a rate is a figure of back-to-back work, as
      // the vault's it is divided by, and the latency figures keep the after-idle cost
      const t0 = performance.now();
      for (let i = 0; i < RATE_SAMPLES; i++) await transfer();
      rate.push(RATE_SAMPLES / ((performance.now() - t0) / 1000));
      await node.produceBlock();
      const toBlock: number[] = [];
      const toAck: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t1 = performance.now();
        const block = await transfer();
        toAck.push(performance.now() - t1);
        await inBlock(block);
        toBlock.push(performance.now() - t1);
      }
      blockP50.push(percentile(toBlock, 50));
      blockP99.push(percentile(toBlock, 99));
      ackP50.push(percentile(toAck, 50));
      ackP99.push(percentile(toAck, 99));
      if (rig.apps.length > 1) {
        const t1 = performance.now();
        await Promise.all(
          rig.apps.map(async (app) => {
            for (let i = 0; i < CONCURRENT_EACH; i++) await rig.transfer(app);
          }),
        );
        concurrent.push((rig.apps.length * CONCURRENT_EACH) / ((performance.now() - t1) / 1000));
        await node.produceBlock();
      }
    };
    for (let r = 0; r < opts.runs; r++) {
      if (transfers) await transferRun();
      for (const k of firstKinds) {
        const first = await firstCalls(k.host, FIRST_CALL_SAMPLES, k.warm, k.prepared);
        k.p50.push(percentile(first, 50));
        k.p99.push(percentile(first, 99));
      }
    }
    return [
      summarize('hybrid.transfer.block.p50', 'ms', blockP50),
      summarize('hybrid.transfer.block.p99', 'ms', blockP99),
      summarize('hybrid.transfer.ack.p50', 'ms', ackP50),
      summarize('hybrid.transfer.ack.p99', 'ms', ackP99),
      summarize('hybrid.transfer.rate', 'ops/s', rate),
      summarize('hybrid.transfer.rate.cold', 'ops/s', cold),
      summarize('hybrid.concurrent-8.rate', 'ops/s', concurrent),
      ...firstKinds.flatMap((k) => [summarize(`${k.name}.p50`, 'ms', k.p50), summarize(`${k.name}.p99`, 'ms', k.p99)]),
    ].filter((r) => r.runs > 0); // figures not measured (not wanted) are not reported
  } finally {
    await rig.close();
  }
}
