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
 *   hybrid.transfer.ack.p50 / .p99     app call → the node acknowledged it (ms)
 *   hybrid.transfer.rate               transfers/s, one app calling back to back (ack, not block)
 *   hybrid.concurrent-8.rate           transfers/s with 8 installed apps (copies of dPay, one worker
 *                                      each) pushing back to back at once (ack, not block): what the
 *                                      session grants, the vault and the node do with concurrent pushes
 *   hybrid.first-call.p50 / .p99       ms, the first call (dPay's `whoami`: the session file, no chain,
 *                                      no storage; a command whose own cost does not grow with the app's
 *                                      recorded history, unlike `history`) of an installed idle app: its
 *                                      worker was stopped IDLE_MS before, its compiled module is cached;
 *                                      so a warm worker taken from the pool (runtime/sandbox/
 *                                      warm-workers.ts; a worker start without one), an instantiation
 *                                      and the call
 */
import { openDpayRig } from './dpay-rig.js';
import { summarize, percentile, type BenchResult } from './result.js';

/** Transfers per run for the latency percentiles. */
const LATENCY_SAMPLES = 12;
/** Transfers per run for the rate. */
const RATE_SAMPLES = 100;
/** Apps pushing at once for hybrid.concurrent-8.rate, and the transfers each makes per run. */
const CONCURRENT_APPS = 8;
const CONCURRENT_EACH = 20;
/** First calls per run (each after stopping the app's worker). */
const FIRST_CALL_SAMPLES = 10;
/**
 * How long the app stays idle before its first call: 300 ms, outside the timing. An idle app is
 * idle for seconds or more; this is enough for the host's warm pool to have refilled behind the
 * previous sample (a thread start is about 100 ms on a quiet machine), and far less than real idleness.
 */
const IDLE_MS = 300;

export async function benchHybrid(opts: { runs: number; only?: string }): Promise<BenchResult[]> {
  const want = (name: string) => !opts.only || name.startsWith(opts.only) || opts.only.startsWith(name);
  const rig = await openDpayRig({ apps: want('hybrid.concurrent-8.rate') ? CONCURRENT_APPS : 1 });
  const { node } = rig;
  try {
    const transfer = () => rig.transfer();
    const inBlock = async (block: number) => {
      while ((node.getInfo() as { head_block_num: number }).head_block_num < block) await new Promise((r) => setTimeout(r, 1));
    };
    for (let i = 0; i < 5; i++) await transfer(); // warm up: worker, caches, JIT
    await node.produceBlock();

    const blockP50: number[] = [],
      blockP99: number[] = [],
      ackP50: number[] = [],
      ackP99: number[] = [],
      rate: number[] = [],
      concurrent: number[] = [],
      firstP50: number[] = [],
      firstP99: number[] = [];
    if (rig.apps.length > 1) for (const app of rig.apps) await rig.transfer(app); // warm up each worker
    for (let r = 0; r < opts.runs; r++) {
      const toBlock: number[] = [];
      const toAck: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t0 = performance.now();
        const block = await transfer();
        toAck.push(performance.now() - t0);
        await inBlock(block);
        toBlock.push(performance.now() - t0);
      }
      blockP50.push(percentile(toBlock, 50));
      blockP99.push(percentile(toBlock, 99));
      ackP50.push(percentile(toAck, 50));
      ackP99.push(percentile(toAck, 99));
      const t0 = performance.now();
      for (let i = 0; i < RATE_SAMPLES; i++) await transfer();
      rate.push(RATE_SAMPLES / ((performance.now() - t0) / 1000));
      await node.produceBlock();
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
      if (want('hybrid.first-call')) {
        const first: number[] = [];
        for (let i = 0; i < FIRST_CALL_SAMPLES; i++) {
          await rig.host.stopWorker('dpay');
          await new Promise((r) => setTimeout(r, IDLE_MS));
          const t1 = performance.now();
          await rig.host.run('dpay', 'whoami');
          first.push(performance.now() - t1);
        }
        firstP50.push(percentile(first, 50));
        firstP99.push(percentile(first, 99));
      }
    }
    return [
      summarize('hybrid.transfer.block.p50', 'ms', blockP50),
      summarize('hybrid.transfer.block.p99', 'ms', blockP99),
      summarize('hybrid.transfer.ack.p50', 'ms', ackP50),
      summarize('hybrid.transfer.ack.p99', 'ms', ackP99),
      summarize('hybrid.transfer.rate', 'ops/s', rate),
      ...(concurrent.length ? [summarize('hybrid.concurrent-8.rate', 'ops/s', concurrent)] : []),
      ...(firstP50.length ? [summarize('hybrid.first-call.p50', 'ms', firstP50), summarize('hybrid.first-call.p99', 'ms', firstP99)] : []),
    ];
  } finally {
    await rig.close();
  }
}
