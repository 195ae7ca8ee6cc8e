// Memory bounded by the cache, not by the state (issue 19): a token node caching 64 accounts and 64
// tables (everything else in `<data>/state`) creates holders of the dPay token (an account and a
// balance table scope each) by real transactions, and the JS heap in use after a full garbage
// collection grows by less than HEAP_PER_HOLDER_MAX bytes per holder between WARM and WARM + MORE
// holders. All in memory the same setup holds ≈ 2.9 KB of heap per holder (docs/dmcs.md, "Memory
// per holder"), so a per-holder structure left outside the cache (an index by name, per-record
// hashes, scope maps) fails it. Runs when the dPay contract is built (build/contracts/dpay).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenNode } from '../../bench/dmcs.js';
import { addHolders, holderName } from '../../bench/dmcs-scale.js';
import { removeDir } from './helpers.js';
import { heapUsed } from '../fixtures/heap-used.js';

const CACHE = 64;
/** Holders created before the first measure (the code and caches of the path warm by then). */
const WARM = 2_000;
/** Holders created between the two measures. */
const MORE = 10_000;
/** Bytes of JS heap in use per holder added, at most (with the cache: -50 to 610 over five runs, heap used after a GC moving by a few MB between runs; all in memory ≈ 2,900). */
const HEAP_PER_HOLDER_MAX = 1_000;

test(`the JS heap grows by less than ${HEAP_PER_HOLDER_MAX} bytes per holder with a cache of ${CACHE}`, async () => {
  const env = await tokenNode({ http: false, snapshotEvery: 0, recoveryWorkers: 0, stateCache: CACHE });
  if (!env) {
    console.log('  skipped: build/contracts/dpay is not built');
    return;
  }
  try {
    await addHolders(env, WARM);
    const before = heapUsed();
    await addHolders(env, WARM + MORE, WARM);
    const after = heapUsed();
    const state = env.node.chain.state;
    assert.ok(state.accounts.persistent, 'the accounts live in the state store');
    assert.ok(env.node.chain.state.accounts.get(holderName(WARM + MORE - 1)), 'the last holder exists');
    const perHolder = (after - before) / MORE;
    assert.ok(
      perHolder < HEAP_PER_HOLDER_MAX,
      `heap used ${(before / 1e6).toFixed(1)} → ${(after / 1e6).toFixed(1)} MB: ${perHolder.toFixed(0)} bytes per holder`,
    );
  } finally {
    await env.node.close();
    removeDir(env.dir);
  }
});

test.run();
