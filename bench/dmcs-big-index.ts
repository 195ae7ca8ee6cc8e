/**
 * Big secondary indexes over the state store (issue 19: a cache miss costs what it reads, not the
 * index's size). A state over a real LMDB store (`ChainState` with a table cache of 16,384 units)
 * holds `INDEXES` + 1 idx64 indexes of E entries each (random secondary keys), commits them, and is
 * reopened from the store as a restart opens it (no index in memory). Timed: each index's first
 * page after the reopen, a miss (the first index's untimed: the process's first read back): `findIndex`, a `lowerbound` at a random secondary key and
 * `PAGE - 1` steps of `next` (what a get_table_rows page through the index, or a contract's walk,
 * asks for). Two sizes in one run, `SMALL` entries (below `ROWS_APART_MIN`: stored whole) and E
 * (`PEEROS_BENCH_BIG_INDEX_ENTRIES`, default 20,000: stored by entries, read back by the header):
 * - `dmcs.big_index.first_page_ms (E entries, …)`: the median index's first page;
 * - `dmcs.big_index.first_page_ratio (E / SMALL entries)`: the big size's median over the small
 *   one's (about 1 when a miss reads what the page asks for; the entries' count when it reads them all);
 * - `dmcs.big_index.heap_per_entry (E entries, …)`: the JS heap the reopened state holds after the
 *   pages, per entry in its indexes (bytes);
 * - `dmcs.big_index.commit_ms (E entries, one entry moved in each index)`: that commit, from the
 *   safe point that starts it to its landing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../dmcs/state/chain-state.js';
import { OrderedStore } from '../dmcs/state/ordered-store.js';
import { benchEnvInt, fullGc, gcSettled, summarize, type BenchResult } from './result.js';
import { seededUniform } from './dmcs-scale.js';

const INDEXES = 20;
const SMALL = 100;
/** Entries one timed page reads. */
const PAGE = 10;
/** The table cache of the state (units): every index fits, so what the figures see is the miss. */
const CACHE = 16384;
const CODE = 11n;
const TABLE = 7n | 1n;

interface SizeFigures {
  entries: number;
  pageMs: number[];
  heapPerEntry: number;
  commitMs: number;
}

/** A secondary key: 50 random bits, shifted up (spread over the idx64 width). */
const secondaryOf = (rand: () => number): bigint => BigInt(Math.floor(rand() * 2 ** 50)) << 12n;

/** The commit due now and its landing, then the safe points after it (what a block's end does). */
async function commitAndLand(st: ChainState): Promise<void> {
  st.atSafePoint({ due: true, writes: () => [] });
  await st.settle();
  st.atSafePoint();
  await st.settle();
  st.atSafePoint();
}

/** Builds the indexes in a state over the store in `dir`, commits them and closes it; what its commit record carries. */
async function build(dir: string, entries: number, rand: () => number): Promise<Parameters<ChainState['openAtCommit']>[0]> {
  const st = new ChainState({ store: new OrderedStore(dir), tableCache: CACHE });
  try {
    const mark = st.undo.checkpoint();
    for (let i = 0; i <= INDEXES; i++) {
      const ix = st.tables.createIndex('idx64', CODE, BigInt(i), TABLE, CODE);
      for (let k = 0; k < entries; k++) ix.store(CODE, BigInt(k), secondaryOf(rand));
    }
    st.undo.commit(mark);
    await commitAndLand(st);
    const { sum, count } = st.recordSum;
    return { recordSum: sum, recordCount: count, globalSequence: st.globalSequence, producers: st.producers };
  } finally {
    await st.close();
  }
}

async function timeSize(entries: number): Promise<SizeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-bench-big-index-'));
  const rand = seededUniform(entries); // the same indexes and pages at each run
  try {
    const committed = await build(dir, entries, rand);
    fullGc(); // the built state is garbage now: the heap figure counts the reopened one's
    const heap0 = process.memoryUsage().heapUsed;
    await gcSettled();
    const st = new ChainState({ store: new OrderedStore(dir), tableCache: CACHE });
    try {
      st.openAtCommit(committed);
      const pageMs: number[] = [];
      // index 0 untimed: the first read back of the process runs its code for the first time
      for (let i = 0; i <= INDEXES; i++) {
        const from = secondaryOf(rand);
        const t0 = performance.now();
        const ix = st.tables.findIndex('idx64', CODE, BigInt(i), TABLE);
        let e = ix?.lowerbound(from);
        for (let step = 1; step < PAGE && e !== undefined; step++) e = ix!.next(e);
        if (i > 0) pageMs.push(performance.now() - t0);
      }
      fullGc();
      const heapPerEntry = (process.memoryUsage().heapUsed - heap0) / ((INDEXES + 1) * entries);
      const mark = st.undo.checkpoint();
      for (let i = 0; i < INDEXES; i++) {
        const ix = st.tables.findIndex('idx64', CODE, BigInt(i), TABLE)!;
        const e = ix.findPrimary(BigInt(Math.floor(rand() * entries)))!;
        ix.update(e, e.payer, secondaryOf(rand));
      }
      st.undo.commit(mark);
      const t1 = performance.now();
      await commitAndLand(st);
      return { entries, pageMs, heapPerEntry, commitMs: performance.now() - t1 };
    } finally {
      await st.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDmcsBigIndex(opts: { runs: number; entries?: number; small?: number } = { runs: 1 }): Promise<BenchResult[]> {
  const big = opts.entries ?? benchEnvInt('PEEROS_BENCH_BIG_INDEX_ENTRIES', 20000, 2);
  const small = Math.min(opts.small ?? SMALL, big);
  const [s, b] = [await timeSize(small), await timeSize(big)];
  const median = (xs: number[]): number => summarize('', '', xs).median;
  const tag = `${INDEXES} idx64 indexes read back from the state store, a lowerbound and ${PAGE - 1} steps`;
  return [
    summarize(`dmcs.big_index.first_page_ms (${small} entries, ${tag})`, 'ms', s.pageMs),
    summarize(`dmcs.big_index.first_page_ms (${big} entries, ${tag})`, 'ms', b.pageMs),
    summarize(`dmcs.big_index.first_page_ratio (${big} / ${small} entries)`, 'x', [median(b.pageMs) / median(s.pageMs)]),
    summarize(`dmcs.big_index.heap_per_entry (${big} entries, held after the first pages)`, 'B', [b.heapPerEntry]),
    summarize(`dmcs.big_index.commit_ms (${big} entries, one entry moved in each of ${INDEXES} indexes)`, 'ms', [b.commitMs]),
  ];
}
