#!/usr/bin/env node
/**
 * The duplicate check (dmcs/state/recent-transactions.ts) under a flood of long-lived transactions:
 * a block every 0.5 s of block time, each checking and adding PER_BLOCK new ids that expire LIFE
 * seconds later, then expiring what is due. After LIFE seconds the set is full (PER_BLOCK * 2 *
 * LIFE ids) and churns first in, first out. Prints the blocks' time (p50, p99, max, how many over
 * 5 and 20 ms) without the collector's pauses inside them, while filling and full, and the heap per
 * id. A map or array grown or rebuilt whole inside one call shows in the max (docs/dmcs.md, "The
 * duplicate check's ids, sharded and bucketed").
 *
 *   node --expose-gc scripts/recent-flood.mjs [PER_BLOCK [LIFE [BLOCKS]]]   (after `node scripts/build.mjs`)
 *
 * The defaults, 500 ids a block for Leap's hour (3.6 million ids, about 750 MB of heap), take about
 * half a minute; `100 600 6000` is a busy node's 120,000.
 */
import { createHash } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { RecentTransactions } from '../dist/dmcs/state/recent-transactions.js';

/** A positive integer argument, or a usage line and exit 2. */
function count(i, fallback) {
  const v = Number(process.argv[i] ?? fallback);
  if (Number.isInteger(v) && v > 0) return v;
  console.error('usage: node --expose-gc scripts/recent-flood.mjs [PER_BLOCK [LIFE [BLOCKS]]] (positive integers)');
  process.exit(2);
}
const PER_BLOCK = count(2, 500);
const LIFE = count(3, 3600);
const BLOCKS = count(4, Math.round((10 * LIFE) / 3));
const pauses = [];
const gc = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
});
gc.observe({ entryTypes: ['gc'] });
const recent = new RecentTransactions();
const spans = [];
let n = 0;
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
for (let b = 0; b < BLOCKS; b++) {
  const ids = [];
  for (let i = 0; i < PER_BLOCK; i++) ids.push(createHash('sha256').update(String(n++)).digest('hex'));
  const now = Math.floor(b / 2);
  const t0 = performance.now();
  for (const id of ids) {
    if (recent.has(id)) throw new Error(`duplicate ${id}`);
    recent.add(id, now + LIFE);
  }
  recent.expire(now);
  spans.push([t0, performance.now()]);
  if (b % 1000 === 999) await new Promise((r) => setImmediate(r)); // the collections' entries
}
await new Promise((r) => setTimeout(r, 10));
gc.disconnect();
// a block's time less the collector's pauses that overlap it
const times = spans.map(([t0, t1]) => {
  let paused = 0;
  for (const [s, e] of pauses) paused += Math.max(0, Math.min(t1, e) - Math.max(t0, s));
  return t1 - t0 - paused;
});
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `p50 ${q(0.5)}, p99 ${q(0.99)}, max ${q(1)} ms; over 5 ms ${xs.filter((x) => x > 5).length}, over 20 ms ${xs.filter((x) => x > 20).length}`;
}
const filling = 2 * LIFE;
globalThis.gc?.();
const perId = globalThis.gc
  ? `${((process.memoryUsage().heapUsed - heapBefore) / recent.size).toFixed(0)} B of heap per id`
  : 'heap per id: run with --expose-gc';
console.log(`${recent.size} ids at the end; ${perId}`);
console.log(`filling, ${Math.min(filling, BLOCKS)} blocks: ${stats(times.slice(0, filling))}`);
if (BLOCKS > filling) console.log(`full, ${BLOCKS - filling} blocks: ${stats(times.slice(filling))}`);
