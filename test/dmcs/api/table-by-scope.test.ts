// get_table_by_scope as Leap answers it (chain_plugin's `walk_table_range`, Leap 4.0 on): bounds on
// (scope, table), the `table` filter counting the tables of other names against `limit`, `reverse`,
// `more` the scope the walk stopped at, `time_limit_ms`, bounds given as numbers; in memory, over
// the state store, and over the store with tables changed since its last landed commit. And a
// page's cost: the tables it looks at do not grow with the code's scopes (50,000 against 100).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainState } from '../../../dmcs/state/chain-state.js';
import { OrderedStore } from '../../../dmcs/state/ordered-store.js';
import { ChainReadOnly } from '../../../dmcs/api/chain-read-only.js';
import type { Chain } from '../../../dmcs/chain/chain.js';
import type { ContractAbis } from '../../../dmcs/api/contract-abis.js';
import type { ChainJson } from '../../../dmcs/api/chain-json.js';
import { Name } from '../../../abi/antelope/index.js';
import { blockEnd } from '../state/block-end.js';

type Page = { rows: Array<{ code: string; scope: string; table: string; payer: string; count: number }>; more: string };
const n = (s: string): bigint => Name.from(s).value;
/** The endpoint over `state` alone (all get_table_by_scope reads). */
const reader = (state: ChainState) =>
  new ChainReadOnly({ state } as unknown as Chain, undefined as unknown as ContractAbis, undefined as unknown as ChainJson);
const page = (st: ChainState, b: Record<string, unknown>): Page => reader(st).getTableByScope({ code: 'scopes', ...b }) as Page;
const short = (p: Page) => ({ rows: p.rows.map((r) => `${r.scope}/${r.table}`), more: p.more });

/** alice: accounts, stat; bob: accounts; carol: stat; dave: accounts, stat (a row each, dave's accounts two). */
const TABLES: Array<[string, string]> = [
  ['dave', 'stat'],
  ['alice', 'accounts'],
  ['carol', 'stat'],
  ['dave', 'accounts'],
  ['bob', 'accounts'],
  ['alice', 'stat'],
];
function fill(st: ChainState, which: Array<[string, string]>): void {
  const mark = st.undo.checkpoint();
  for (const [scope, table] of which) {
    const t = st.tables.createTable(n('scopes'), n(scope), n(table), n('payer'));
    t.store(n('payer'), 1n, new Uint8Array([1]));
    if (scope === 'dave' && table === 'accounts') t.store(n('payer'), 2n, new Uint8Array([2]));
  }
  st.undo.commit(mark);
}

// each answer read off Leap's loop by hand
const CASES: Array<[Record<string, unknown>, string[], string]> = [
  [{}, ['alice/accounts', 'alice/stat', 'bob/accounts', 'carol/stat', 'dave/accounts', 'dave/stat'], ''],
  [{ limit: 2 }, ['alice/accounts', 'alice/stat'], 'bob'],
  [{ limit: 4 }, ['alice/accounts', 'alice/stat', 'bob/accounts', 'carol/stat'], 'dave'],
  // `more` is the next table's scope, which may be that of the last row (Leap lists it again)
  [{ limit: 1 }, ['alice/accounts'], 'alice'],
  [{ limit: 0 }, [], 'alice'],
  // the filter: tables of other names count against the limit (and alice's accounts is in the
  // range, which starts at (0, stat))
  [{ table: 'stat', limit: 2 }, ['alice/stat'], 'bob'],
  [{ table: 'stat', limit: 3 }, ['alice/stat'], 'carol'],
  [{ table: 'stat', lower_bound: 'carol' }, ['carol/stat', 'dave/stat'], ''],
  [{ table: 'accounts', lower_bound: 'dave', upper_bound: 'dave' }, ['dave/accounts'], ''],
  [{ table: 'stat', lower_bound: 'bob', upper_bound: 'dave', limit: 2 }, ['carol/stat'], 'dave'],
  [{ lower_bound: 'bob', upper_bound: 'carol' }, ['bob/accounts', 'carol/stat'], ''],
  [{ lower_bound: 'bobby', upper_bound: 'zed' }, ['carol/stat', 'dave/accounts', 'dave/stat'], ''],
  [{ lower_bound: 'dave', upper_bound: 'bob' }, [], ''],
  [{ reverse: true, limit: 2 }, ['dave/stat', 'dave/accounts'], 'carol'],
  [{ reverse: true, upper_bound: 'bob' }, ['bob/accounts', 'alice/stat', 'alice/accounts'], ''],
  // reverse from (carol, accounts): carol's stat is past the range's end
  [{ reverse: true, table: 'accounts', upper_bound: 'carol', limit: 2 }, ['bob/accounts'], 'alice'],
  [{ reverse: true, table: 'stat', lower_bound: 'bob' }, ['dave/stat', 'carol/stat'], ''],
  // a bound given as a number is one (Leap's convert_to_type tries a uint64 first)
  [{ lower_bound: String(n('carol')), limit: 1 }, ['carol/stat'], 'dave'],
  [{ upper_bound: Number(n('a')), reverse: true }, [], ''],
  // past the time limit after a row, the page ends with `more` that row's scope
  [{ time_limit_ms: 0 }, ['alice/accounts'], 'alice'],
  [{ time_limit_ms: 0, lower_bound: 'bob', table: 'stat' }, ['carol/stat'], 'carol'],
];

test("get_table_by_scope answers as Leap's walk: bounds, table filter, reverse, more, time limit (memory and store)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-scope-page-'));
  const mem = new ChainState();
  const stored = new ChainState({ store: new OrderedStore(dir), tableCache: 2 });
  try {
    fill(mem, TABLES);
    fill(stored, TABLES.slice(0, 3));
    await blockEnd(stored, { due: true, writes: () => [] }, true); // three in the store's directory
    const check = (label: string) => {
      for (const [st, where] of [
        [mem, 'memory'],
        [stored, 'store'],
      ] as const)
        for (const [q, rows, more] of CASES) assert.equal(short(page(st, q)), { rows, more }, `${where}, ${label}: ${JSON.stringify(q)}`);
    };
    fill(stored, TABLES.slice(3)); // three changed since the last landed commit
    check('changes not committed');
    stored.atSafePoint({ due: true, writes: () => [] });
    check('a commit in flight');
    await blockEnd(stored, { due: true, writes: () => [] }, true);
    check('settled');
    const dave = page(stored, { lower_bound: 'dave', limit: 1 }).rows[0]!;
    assert.equal(dave, { code: 'scopes', scope: 'dave', table: 'accounts', payer: 'payer', count: 2 });
    // a table removed since the last landed commit is in neither the page nor `more`
    const t = stored.tables.findTable(n('scopes'), n('carol'), n('stat'))!;
    t.remove(t.find(1n)!);
    assert.equal(short(page(stored, { lower_bound: 'bob', limit: 2 })), { rows: ['bob/accounts', 'dave/accounts'], more: 'dave' });
    assert.equal(short(page(stored, { upper_bound: 'carol', reverse: true, limit: 1 })), { rows: ['bob/accounts'], more: 'alice' });
  } finally {
    await stored.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `count` holders of one table each (scopes 1 << 20, 2 << 20, …: names), and one scope holding `count` tables. */
function holders(st: ChainState, count: number): void {
  const mark = st.undo.checkpoint();
  for (let i = 1; i <= count; i++) {
    st.tables.createTable(n('scopes'), BigInt(i) << 20n, n('accounts'), n('payer')).store(n('payer'), 1n, new Uint8Array([1]));
    st.tables.createTable(n('many'), n('one'), BigInt(i) << 20n, n('payer')).store(n('payer'), 1n, new Uint8Array([1]));
  }
  st.undo.commit(mark);
}

/** Tables looked at and microseconds per call of each query, on a code of `count` scopes. */
function cost(st: ChainState, count: number): Array<{ steps: number; us: number; more: string }> {
  const mid = Name.fromU64(BigInt(count >> 1) << 20n).toString();
  const queries = [
    { code: 'scopes', lower_bound: mid, limit: 10 },
    { code: 'scopes', lower_bound: mid, limit: 10, reverse: true },
    { code: 'scopes', table: 'stat', limit: 10 }, // a name no scope has
    { code: 'many', lower_bound: 'one', limit: 10 }, // one scope of `count` tables
  ];
  const ro = reader(st);
  return queries.map((q) => {
    const before = st.tables.pageSteps;
    const p = ro.getTableByScope(q) as Page;
    const steps = st.tables.pageSteps - before;
    for (let i = 0; i < 100; i++) ro.getTableByScope(q); // warm (the first query of the run would count its compiling)
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) ro.getTableByScope(q);
      times.push(((performance.now() - t0) * 1000) / 20);
    }
    return { steps, us: times.sort((a, b) => a - b)[3]!, more: p.more };
  });
}

test('a page costs the same on a code of 50,000 scopes as on one of 100 (memory, store, store not committed)', async () => {
  for (const mode of ['memory', 'store', 'store, not committed'] as const) {
    const results: Array<ReturnType<typeof cost>> = [];
    for (const count of [100, 50_000]) {
      const dir = mkdtempSync(join(tmpdir(), 'peeros-scope-cost-'));
      const st = mode === 'memory' ? new ChainState() : new ChainState({ store: new OrderedStore(dir), tableCache: 64 });
      try {
        holders(st, count);
        if (mode === 'store') await blockEnd(st, { due: true, writes: () => [] }, true);
        results.push(cost(st, count));
      } finally {
        await st.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const [few, many] = results as [ReturnType<typeof cost>, ReturnType<typeof cost>];
    for (let q = 0; q < few.length; q++) {
      const what = `${mode}, query ${q}: ${few[q]!.steps} against ${many[q]!.steps} tables looked at, ${few[q]!.us.toFixed(0)} against ${many[q]!.us.toFixed(0)} µs`;
      // limit + 1 tables (and, over the store, its directory entries of the same tables)
      if (process.env.SCOPE_COST) console.log(what);
      // measured 0.5-3× here, and 200-2,700× before pages walked in order and stopped at the limit
      assert.ok(many[q]!.us < 20 * few[q]!.us + 200, what);
      // limit + 1 tables (over the store, its directory's entries or the changed tables)
      assert.is(many[q]!.steps, few[q]!.steps, what);
      assert.ok(many[q]!.steps <= 11, what);
      assert.ok(few[q]!.more !== '' && many[q]!.more !== '', `${what}: a page, not the end`);
    }
  }
});

test.run();
