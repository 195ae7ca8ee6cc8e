// A trim of the state's caches runs in steps over safe points (use-stamps.ts's `TrimRun`), so no
// block pays for dropping thousands (issue 19's stall): a run selects the cut from a copy of the
// stamps, then drops the oldest beyond `keep`, at most a slice per step, unless the cache is over
// its budget by more than a slice (then the excess goes at once); what is held, or used after the
// cut, stays. It looks only at the entries at or below the cut (about one per drop). Through the chain state: a trim of many accounts
// spreads over safe points, starts no commit of its own and leaves the cache at `TRIM_TO` of its
// budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrimRun, UseStamps } from '../../../dmcs/state/use-stamps.js';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { TRIM_PACE, TRIM_TO } from '../../../dmcs/state/account-store.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey } from '../../../abi/antelope/index.js';

interface Entry {
  cacheSlot?: number;
  id: number;
}

const PACE = { visits: 500, slice: 128 };

/** A cache of `n` entries, keys 0..n-1 stamped in that order (0 the least recently used). */
function filled(
  n: number,
  held: Set<number> = new Set(),
): { cache: Map<number, Entry>; stamps: UseStamps<number, Entry>; dropped: number[]; looked: number[]; run: TrimRun<number, Entry> } {
  const cache = new Map<number, Entry>();
  const stamps = new UseStamps<number, Entry>();
  for (let i = 0; i < n; i++) {
    const e = { id: i };
    cache.set(i, e);
    stamps.add(i, e);
  }
  const dropped: number[] = [];
  const looked: number[] = [];
  const run = new TrimRun(
    cache,
    stamps,
    (k: number) => {
      looked.push(k);
      return held.has(k);
    },
    (k: number, v: Entry) => {
      assert.is(cache.get(k), v, `drop ${k}: the cached object`);
      cache.delete(k);
      dropped.push(k);
    },
  );
  return { cache, stamps, dropped, looked, run };
}

/** Steps until the run ends; the drops of each. */
function toEnd(run: TrimRun<number, Entry>, budget: number, keep: number): number[] {
  const steps = [run.step(budget, keep, PACE)];
  for (let guard = 0; run.running; guard++) {
    assert.ok(guard < 100, 'the run ends');
    steps.push(run.step(budget, keep, PACE));
  }
  return steps;
}

test('a run drops the oldest a slice at a time, down to keep, looking only at those it drops', () => {
  const { cache, dropped, looked, run } = filled(2100);
  assert.is(run.step(2100, 1500, PACE), 0, 'no run while within the budget');
  assert.not.ok(run.running);
  const steps = toEnd(run, 2000, 1500);
  // 600 to drop at a slice of 128 a step: the first step already drops
  assert.equal(steps, [128, 128, 128, 128, 88], `steps ${steps}`);
  assert.equal(looked, dropped, 'no entry above the cut was looked at');
  assert.is(
    steps.reduce((a, b) => a + b, 0),
    600,
  );
  assert.equal(
    dropped,
    Array.from({ length: 600 }, (_, i) => i),
    'the oldest, in order',
  );
  assert.is(cache.size, 1500);
  assert.is(run.step(2000, 1500, PACE), 0, 'within the budget again: no new run');
  assert.not.ok(run.running);
});

test('a cache over its budget by more than a slice drops the excess in the step that finds it so', () => {
  const { cache, run } = filled(3000);
  assert.is(run.step(2000, 1500, PACE), 1000);
  assert.is(cache.size, 2000);
  const rest = toEnd(run, 2000, 1500).reduce((a, b) => a + b, 0);
  assert.is(rest, 500);
  assert.is(cache.size, 1500);
});

test('held entries, and entries used after the cut, stay', () => {
  const held = new Set([3, 597, 598]);
  const { cache, stamps, dropped, run } = filled(2100, held);
  assert.ok(run.step(2000, 1500, PACE) > 0); // the cut is at key 599; the first slice dropped
  stamps.use(cache.get(550)!); // used since
  held.add(599); // changed since
  toEnd(run, 2000, 1500);
  for (const k of [3, 550, 597, 598, 599]) assert.ok(cache.has(k), `${k} stays`);
  assert.is(dropped.length, 600 - 5);
  assert.ok(
    dropped.every((k) => k < 600),
    'only the oldest',
  );
  assert.is(cache.size, 1505);
});

test('free slots are reused and never counted as old; an entry gone from the cache without its stamp costs only its slot', () => {
  const { cache, stamps, dropped, run } = filled(2100);
  // 100 entries leave the cache properly (their slots are freed), then 100 new ones take those slots
  for (let i = 0; i < 100; i++) {
    stamps.remove(cache.get(i)!);
    cache.delete(i);
  }
  for (let i = 2100; i < 2200; i++) {
    const e = { id: i };
    cache.set(i, e);
    stamps.add(i, e);
  }
  assert.is(stamps.slots, 2100, 'the new entries took the freed slots');
  // one entry leaves the cache by a path that forgot its stamp
  cache.delete(150);
  toEnd(run, 2000, 1500);
  // 599 to drop (2,099 cached, keep 1,500): the 599 oldest stamps are keys 100..698, of which 150
  // was already gone (its slot is freed, nothing dropped for it: the cache ends one over keep)
  assert.equal(
    dropped,
    Array.from({ length: 599 }, (_, i) => 100 + i).filter((k) => k !== 150),
  );
  assert.is(cache.size, 1501);
  for (let i = 2100; i < 2200; i++) assert.ok(cache.has(i), `${i}, the newest, stays`);
  assert.is(stamps.size, cache.size, 'one stamp per cached entry');
});

test('through the chain state: a trim of many accounts spreads over safe points and starts no commit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-trim-run-'));
  const BUDGET = 3000;
  const st = new ChainState({ store: new OrderedStore(dir), accountCache: BUDGET, tableCache: BUDGET });
  const auth = singleKeyAuthority(PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3').toPublic());
  try {
    const n = BUDGET + 400;
    const name = (i: number) => `t${[0, 1, 2].map((d) => String.fromCharCode(97 + (Math.floor(i / 26 ** d) % 26))).join('')}`;
    const mark = st.undo.checkpoint();
    for (let i = 0; i < n; i++) st.createAccount(name(i), auth, auth, 0);
    st.undo.commit(mark);
    st.atSafePoint({ due: true, writes: () => [] }); // all changed: nothing to drop, a commit starts
    await st.settle();
    const flushes = st.work.flushes;
    const steps: number[] = [];
    do steps.push(st.atSafePoint());
    while (st.accounts.trimming && steps.length < 100);
    const keep = Math.floor(BUDGET * TRIM_TO);
    assert.not.ok(st.accounts.trimming, `steps ${steps}`);
    assert.ok(st.accounts.cached <= keep, `${st.accounts.cached} cached, keep ${keep}, steps ${steps}`);
    assert.ok(steps.filter((d) => d > 0).length >= 2, `steps ${steps}`);
    for (const d of steps) assert.ok(d <= TRIM_PACE.slice, `steps ${steps}`);
    assert.is(
      steps.reduce((a, b) => a + b, 0),
      n - st.accounts.cached,
    );
    assert.is(st.work.flushes, flushes, 'no commit while the trim brings the cache back');
  } finally {
    await st.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
