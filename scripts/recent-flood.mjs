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
 * With `--store`, as a node with a state store keeps them (dmcs/state/stored-recent.ts): the ids in
 * an LMDB store in a temporary folder, each block irreversible at once, a commit queued every
 * `COMMIT_EVERY` blocks (one in flight at most, as the scale bench's node commits every 5-7 blocks
 * under load); memory keeps only the young ids, and a check reads the store.
 *
 *   node --expose-gc scripts/recent-flood.mjs [--store] [PER_BLOCK [LIFE [BLOCKS]]]   (after `node scripts/build.mjs`)
 *
 * The defaults, 500 ids a block for Leap's hour (3.6 million ids, about 750 MB of heap), take about
 * half a minute; `100 600 6000` is a busy node's 120,000.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { RecentTransactions } from '../dist/dmcs/state/recent-transactions.js';
import { StoredRecent } from '../dist/dmcs/state/stored-recent.js';
import { OrderedStore } from '../dist/dmcs/state/ordered-store.js';
import { RECENT_KEY_END, RECENT_KEY_FIRST } from '../dist/dmcs/state/store-commit.js';

const USAGE = 'usage: node --expose-gc scripts/recent-flood.mjs [--store] [PER_BLOCK [LIFE [BLOCKS]]] (positive integers)';
const args = process.argv.slice(2);
const STORE = args[0] === '--store';
if (STORE) args.shift();
/** A positive integer argument, or a usage line and exit 2. */
function count(i, fallback) {
  const v = Number(args[i] ?? fallback);
  if (Number.isInteger(v) && v > 0) return v;
  console.error(USAGE);
  process.exit(2);
}
if (args.length > 3) {
  console.error(USAGE);
  process.exit(2);
}
const PER_BLOCK = count(0, 500);
const LIFE = count(1, 3600);
const BLOCKS = count(2, Math.round((10 * LIFE) / 3));
const COMMIT_EVERY = 5;
const pauses = [];
const gc = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) pauses.push([e.startTime, e.startTime + e.duration]);
});
gc.observe({ entryTypes: ['gc'] });
const recent = new RecentTransactions();
const dir = STORE ? mkdtempSync(join(tmpdir(), 'peeros-recent-flood-')) : null;
const store = dir ? new OrderedStore(dir) : null;
const counts = { commitsQueued: 0, commitsLanded: 0 };
const stored = store ? new StoredRecent(store, recent, counts) : null;
let inFlight = Promise.resolve();
const spans = [];
let n = 0;
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
for (let b = 0; b < BLOCKS; b++) {
  const ids = [];
  for (let i = 0; i < PER_BLOCK; i++) ids.push(createHash('sha256').update(String(n++)).digest('hex'));
  const now = Math.floor(b / 2);
  if (stored && b % COMMIT_EVERY === 0) await inFlight; // one commit in flight at most
  const t0 = performance.now();
  for (const id of ids) {
    if (stored ? stored.has(id, now + LIFE) : recent.has(id)) throw new Error(`duplicate ${id}`);
    recent.add(id, now + LIFE);
  }
  recent.expire(now);
  if (stored) {
    stored.irreversible(ids, counts.commitsQueued);
    if (b % COMMIT_EVERY === COMMIT_EVERY - 1) {
      counts.commitsQueued++;
      const out = [];
      stored.commitWrites(out, now);
      inFlight = store.commit(out).then(() => {
        counts.commitsLanded++;
      });
    }
    stored.settle();
  }
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
await inFlight;
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
// with a store: the ids it holds, less memory's young ones it does not hold yet (none: the last commit landed)
let live = recent.size;
if (store) {
  live = 0;
  for (const _ of store.keys(RECENT_KEY_FIRST, RECENT_KEY_END)) live++;
}
const perId = globalThis.gc
  ? `${((heapAfter - heapBefore) / live).toFixed(0)} B of heap per unexpired id`
  : 'heap per id: run with --expose-gc';
console.log(`${live} ids at the end (${store ? 'in the store' : 'in memory'}), ${recent.size} of them in memory; ${perId}`);
console.log(`filling, ${Math.min(filling, BLOCKS)} blocks: ${stats(times.slice(0, filling))}`);
if (BLOCKS > filling) console.log(`full, ${BLOCKS - filling} blocks: ${stats(times.slice(filling))}`);
if (store) {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
