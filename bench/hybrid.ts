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
 */
import { openDpayRig } from './dpay-rig.js';
import { summarize, percentile, type BenchResult } from './result.js';

/** Transfers per run for the latency percentiles. */
const LATENCY_SAMPLES = 12;
/** Transfers per run for the rate. */
const RATE_SAMPLES = 100;

export async function benchHybrid(opts: { runs: number }): Promise<BenchResult[]> {
  const rig = await openDpayRig();
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
      rate: number[] = [];
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
    }
    return [
      summarize('hybrid.transfer.block.p50', 'ms', blockP50),
      summarize('hybrid.transfer.block.p99', 'ms', blockP99),
      summarize('hybrid.transfer.ack.p50', 'ms', ackP50),
      summarize('hybrid.transfer.ack.p99', 'ms', ackP99),
      summarize('hybrid.transfer.rate', 'ops/s', rate),
    ];
  } finally {
    await rig.close();
  }
}
