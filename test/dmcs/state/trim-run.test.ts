// A trim of the state's caches runs in steps over safe points (use-stamps.ts's `TrimRun`), so no
// block pays for reading 16,384 stamps and dropping thousands (issue 19's stall): a run first reads
// the stamps, a pace of visits per step, then drops the oldest beyond `keep`, at most a slice per
// step, unless the cache is over its budget by more than a slice (then the excess goes at once);
// what is held, or used after the cut, stays. Through the chain state: a trim of many accounts
// spreads over safe points, starts no commit of its own and leaves the cache at `TRIM_TO` of its
// budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrimRun, UseClock } from '../../../dmcs/state/use-stamps.js';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { TRIM_PACE, TRIM_TO } from '../../../dmcs/state/account-store.js';
import { singleKeyAuthority } from '../../../dmcs/authority.js';
import { PrivateKey } from '../../../abi/antelope/index.js';

interface Entry {
  cacheUse?: number;
  id: number;
}

const PACE = { visits: 500, slice: 128 };

/** A cache of `n` entries, keys 0..n-1 stamped in that order (0 the least recently used). */
function filled(
  n: number,
  held: Set<number> = new Set(),
): { cache: Map<number, Entry>; clock: UseClock; dropped: number[]; run: TrimRun<number, Entry> } {
  const cache = new Map<number, Entry>();
  const clock = new UseClock();
  for (let i = 0; i < n; i++) cache.set(i, { id: i, cacheUse: clock.tick() });
  const dropped: number[] = [];
  const run = new TrimRun(
    cache,
    (k: number) => held.has(k),
    (k: number, v: Entry) => {
      assert.is(cache.get(k), v, `drop ${k}: the cached object`);
      cache.delete(k);
      dropped.push(k);
    },
  );
  return { cache, clock, dropped, run };
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

test('a run reads the stamps a pace at a time, then drops the oldest a slice at a time, down to keep', () => {
  const { cache, dropped, run } = filled(2100);
  assert.is(run.step(2100, 1500, PACE), 0, 'no run while within the budget');
  assert.not.ok(run.running);
  const steps = toEnd(run, 2000, 1500);
  // 2,100 stamps at 500 visits a step: four steps read, the fifth reads the rest and starts dropping
  assert.equal(steps.slice(0, 4), [0, 0, 0, 0], `steps ${steps}`);
  for (const d of steps) assert.ok(d <= PACE.slice, `steps ${steps}`);
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
  const { cache, clock, dropped, run } = filled(2100, held);
  let d = 0;
  while (d === 0) d = run.step(2000, 1500, PACE); // the stamps are read: the cut is at key 599
  cache.get(550)!.cacheUse = clock.tick(); // used since
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
