#!/usr/bin/env node
/**
 * The transaction tracking (dmcs/chain/transaction-status.ts) at its cap: 20 transactions applied
 * per block, then the block sealed, for BLOCKS blocks (default 15,000) with 5 ms of block time each,
 * so the 180 s retention never drops any and the 100,000 cap is reached at block 5,000. Prints the
 * blocks at the cap that took over 2 ms with no collection inside them (a map rebuilt whole inside
 * one call shows here; docs/dmcs.md, "The transaction tracking's maps, sharded").
 *
 *   node scripts/tracking-churn.mjs [BLOCKS]   (after `node scripts/build.mjs`)
 */
import { createHash } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { MAX_TRACKED_TRANSACTIONS, TransactionStatus } from '../dist/dmcs/chain/transaction-status.js';

const BLOCKS = Number(process.argv[2] ?? 15_000);
const PER_BLOCK = 20;
const capAt = Math.ceil(MAX_TRACKED_TRANSACTIONS / PER_BLOCK);
const pauses = [];
const gc = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) pauses.push(e.startTime);
});
gc.observe({ entryTypes: ['gc'] });
const status = new TransactionStatus();
const blockId = new Uint8Array(32);
const slow = [];
let n = 0;
for (let b = 1; b <= BLOCKS; b++) {
  const ids = [];
  for (let i = 0; i < PER_BLOCK; i++) ids.push(createHash('sha256').update(String(n++)).digest('hex'));
  const t0 = performance.now();
  for (const id of ids) status.applied(id, 2e9, b);
  status.included(b, blockId, 1e12 + b * 5);
  const t1 = performance.now();
  if (b > capAt && t1 - t0 > 2) slow.push([t0, t1]);
}
await new Promise((r) => setTimeout(r, 10)); // the last collections' entries
gc.disconnect();
const clean = slow.filter(([t0, t1]) => !pauses.some((s) => s >= t0 && s <= t1)).map(([t0, t1]) => t1 - t0);
clean.sort((a, b) => b - a);
console.log(
  `${BLOCKS - capAt} blocks at the cap (${MAX_TRACKED_TRANSACTIONS} tracked); over 2 ms with no collection inside: ${clean.length}` +
    (clean.length
      ? `, the slowest ${clean
          .slice(0, 6)
          .map((x) => x.toFixed(1))
          .join(', ')} ms`
      : ''),
);
