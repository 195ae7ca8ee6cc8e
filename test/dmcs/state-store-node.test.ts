// The state store on a real node running a real token contract: a node caching 4 accounts and 4
// tables (everything else in `<data>/state`) creates 80 holders of the dPay token (an account and a
// balance table scope each) and moves tokens between random holders for 30 blocks, snapshots every
// 5 blocks. Its caches stay within 4 between blocks plus what the last, still reversible block
// changed (its undo refers to those), its incremental digest equals a full recompute
// over the store, balances read back through the contract's tables, and restarts reach the same
// digest: from the store's last commit (the clean stop's: no block replayed), from the snapshot
// once the store is gone, and all in memory with a full replay. get_table_by_scope pages alike
// from the store's table directory and all in memory. Runs when the
// dPay contract is built (build/contracts/dpay), like the bench it borrows the setup from.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, AbiSerializer, EOSIO_ABI, Name, bytesToHex } from '../../abi/antelope/index.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type EmbeddedNode } from '../../dmcs/index.js';
import { STATE_STORE_DIR } from '../../dmcs/node.js';
import { tokenNode, makeTrx, signed, authority } from '../../bench/dmcs.js';
import { removeDir } from './helpers.js';

const CACHE = 4;
const HOLDERS = 80;
const digestOf = (n: EmbeddedNode) => (n.api.peerosEndpoints.get_state_digest!({}) as { state_digest: string }).state_digest;
const holder = (i: number) => `holder${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26)]}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}`;
const act = (account: string, name: string, actor: string, data: Uint8Array) =>
  Action.from({ account, name, authorization: [{ actor, permission: 'active' }], data });

/** get_table_by_scope's answers to a few pages, and every scope of the token paged through 7 at a time. */
async function scopePages(n: EmbeddedNode): Promise<unknown[]> {
  type Page = { rows: Array<{ scope: string }>; more: string };
  const call = async (b: Record<string, unknown>) => (await n.api.endpoints.get_table_by_scope!({ code: 'bench.token', ...b })) as Page;
  const out: unknown[] = [];
  for (const reverse of [false, true])
    for (const q of [
      {},
      { table: 'accounts', limit: 5 },
      { lower_bound: holder(10), upper_bound: holder(40), limit: 9 },
      { table: 'stat' },
    ])
      out.push(await call({ ...q, reverse }));
  const all: string[] = [];
  for (let lower = '', pages = 0; pages < 100; pages++) {
    const page = await call({ table: 'accounts', lower_bound: lower, limit: 7 });
    all.push(...page.rows.map((r) => r.scope));
    if (page.more === '') break;
    lower = page.more;
  }
  assert.ok(all.length > HOLDERS, `${all.length} scopes paged through`);
  assert.is(new Set(all).size, all.length, 'no scope twice');
  out.push(all);
  return out;
}

test('a token node caching 4 accounts and 4 tables agrees with itself restarted and with a full replay', async () => {
  const env = await tokenNode({ http: false, snapshotEvery: 5, recoveryWorkers: 0, stateCache: CACHE });
  if (!env) {
    console.log('  skipped: build/contracts/dpay is not built');
    return;
  }
  const { node, sign, dev, token, dir } = env;
  let digest = '';
  let pages: unknown[] = [];
  try {
    const eosio = new AbiSerializer(EOSIO_ABI);
    for (let first = 0; first < HOLDERS; first += 10) {
      const actions: Action[] = [];
      for (let i = first; i < first + 10; i++) {
        const name = holder(i);
        actions.push(
          act(
            'eosio',
            'newaccount',
            'eosio',
            eosio.encodeAction('newaccount', { creator: 'eosio', name, owner: authority(dev), active: authority(dev) }),
          ),
          act(
            'bench.token',
            'transfer',
            'alice',
            token.encodeAction('transfer', { from: 'alice', to: name, quantity: '10.0000 BNC', memo: '' }),
          ),
        );
      }
      node.pushPacked(signed(node, makeTrx(node, actions, first), sign, dev));
      await node.produceBlock();
    }
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % HOLDERS;
    };
    for (let b = 0; b < 30; b++) {
      for (let i = 0; i < 8; i++) {
        const from = holder(random());
        const to = holder((random() + 1) % HOLDERS);
        if (from === to) continue;
        const data = token.encodeAction('transfer', { from, to, quantity: '0.0001 BNC', memo: `m${b}.${i}` });
        node.pushPacked(signed(node, makeTrx(node, [act('bench.token', 'transfer', from, data)], i), sign, dev));
      }
      await node.produceBlock();
      // the budget, plus what the last (still reversible) block changed (its undo refers to those),
      // plus what the commit in flight at its safe point writes (the block before: at most 10
      // holders' accounts and tables and the payer's during the setup, 2 × 8 + 2 after)
      const bound = CACHE + 2 * (2 * 10 + 2);
      assert.ok(node.chain.state.accounts.cached <= bound, `block ${b}: ${node.chain.state.accounts.cached} accounts cached`);
      assert.ok(node.chain.state.tables.cached <= bound, `block ${b}: ${node.chain.state.tables.cached} tables cached`);
    }
    digest = digestOf(node);
    const head = node.chain.head.num;
    assert.is(bytesToHex(node.chain.state.recomputeDigest()), digest, 'incremental == recomputed over the store');
    // every holder's balance row reads back through the store (alice paid 10 BNC to each)
    let total = 0n;
    for (let i = 0; i < HOLDERS; i++) {
      const t = node.chain.state.tables.findTable(Name.from('bench.token').value, Name.from(holder(i)).value, Name.from('accounts').value);
      const row = t?.last();
      assert.ok(row, `${holder(i)} has a balance`);
      total += new DataView(row!.value.buffer, row!.value.byteOffset, 8).getBigInt64(0, true);
    }
    assert.is(total, BigInt(HOLDERS) * 100_000n, 'transfers between holders keep their total');
    await node.close();

    const notes: string[] = [];
    const restart = () =>
      startNode({
        dev: true,
        dataDir: dir,
        autoProduce: false,
        snapshotEvery: 5,
        recoveryWorkers: 0,
        stateCache: CACHE,
        onError: (e) => notes.push(e.message),
      });
    const reopened = await restart();
    try {
      assert.is(reopened.chain.startedFromStore, head, "opened at the clean stop's commit");
      assert.is(reopened.chain.startedFromSnapshot, 0, 'the snapshot was not read');
      assert.is(reopened.chain.replayedBlocks, 0, 'no block replayed');
      assert.ok(
        notes.some((n) => n.includes(`opened at its last commit, block ${head}`)),
        notes.join('\n'),
      );
      assert.is(digestOf(reopened), digest, 'restart from the store');
      assert.is(bytesToHex(reopened.chain.state.recomputeDigest()), digest);
      const t = reopened.chain.state.tables.findTable(
        Name.from('bench.token').value,
        Name.from(holder(3)).value,
        Name.from('accounts').value,
      );
      assert.ok(t?.last(), 'a balance reads back from the reopened store');
      pages = await scopePages(reopened);
    } finally {
      await reopened.close();
    }
    rmSync(join(dir, STATE_STORE_DIR), { recursive: true, force: true });
    const cached = await restart();
    try {
      assert.ok(cached.chain.startedFromSnapshot > 0, 'without the store: from the snapshot');
      assert.ok(
        notes.some((n) => n.startsWith('state store: empty')),
        notes.join('\n'),
      );
      assert.is(digestOf(cached), digest, 'restart with a new store (snapshot + later blocks)');
      assert.is(bytesToHex(cached.chain.state.recomputeDigest()), digest);
    } finally {
      await cached.close();
    }
    const replayed = await startNode({ dev: true, dataDir: dir, autoProduce: false, snapshotEvery: 0, recoveryWorkers: 0 });
    try {
      assert.is(digestOf(replayed), digest, 'full replay, all in memory');
      assert.equal(await scopePages(replayed), pages, 'get_table_by_scope from the directory and from memory');
    } finally {
      await replayed.close();
    }
  } finally {
    removeDir(dir);
  }
});

test.run();
