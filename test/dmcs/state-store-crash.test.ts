// The state store under kill -9. A node whose state lives in `<data>/state` (a cache of 4 accounts
// and 4 tables in memory, so every block commits to the store: records, transaction ids and the
// commit record in one LMDB transaction) is killed at seeded points of a burst of account creations,
// which land between commits, inside them, and between a commit and the block's append (the commit
// record then carries the block, appended to the log at the restart). Restarted with the store it
// opens at the store's last commit every time, and has the head and state digest of a full replay
// in memory, with its incremental digest equal to a recompute over the store. The same with a commit
// in flight, and with a big table growing (dSocial's posts, stored by their rows: table-store.ts
// `ROWS_APART_MIN`), and with a big secondary index changing (stored by its entries, queried through
// its order keys in the store; its pages through get_table_rows must equal the full replay's). A
// last test counts what a restart replays: only the blocks after the last commit (at most
// `stateCommitEvery`).
// Real node in a child process, real LMDB store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ABI, APIClient, Serializer } from '@wharfkit/antelope';
import { readFileSync } from 'node:fs';
import { startNode, type EmbeddedNode } from '../../dmcs/index.js';
import { STATE_STORE_DIR } from '../../dmcs/node.js';
import { ROWS_APART_MIN } from '../../dmcs/state/table-store.js';
import { digestOf, seededRandom, startCrashChild } from './crash-child.js';
import { tempDir, removeDir, buildSigned, newAccountAction, testKey, abiOf, transact, DEV_KEY, type ActSpec } from './helpers.js';
import { Name, bytesToHex } from '../../abi/antelope/index.js';
import { indexOrderBounds } from '../../dmcs/state/store-keys.js';
import { wat } from './vm/wat.js';

const k = testKey('state-store-crash');
const children = new Set<ChildProcess>();
const dirs: string[] = [];
const ROUNDS = 4;
const BURST = 60;
const CACHE = 4;

test.after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) removeDir(d);
});

/** Seeded, so a failing kill point replays. */
const random = seededRandom(0x2b);

const letters = 'abcdefghijklmnopqrstuvwxyz';
const accountName = (tag: string, round: number, i: number) => `${tag}${letters[round]}${letters[Math.floor(i / 26)]}${letters[i % 26]}`;

/**
 * Restarts the node of `dir` with the store (`check` sees it and its start notes), checks its
 * incremental digest against a recompute, closes it, and asserts a full replay of the log reaches
 * the same head and state digest.
 */
async function restartEqualsReplay(
  dir: string,
  round: number,
  snapshotEvery: number,
  check: (node: EmbeddedNode, notes: string[]) => void,
): Promise<void> {
  const notes: string[] = [];
  const cached = await startNode({
    dev: true,
    dataDir: dir,
    snapshotEvery,
    autoProduce: false,
    recoveryWorkers: 0,
    stateCache: CACHE,
    onError: (e) => notes.push(e.message),
  });
  let viaStore: { head_block_num: number; state_digest: string };
  try {
    check(cached, notes);
    viaStore = digestOf(cached);
    assert.is(bytesToHex(cached.chain.state.recomputeDigest()), viaStore.state_digest, `round ${round}: incremental == recomputed`);
  } finally {
    await cached.close();
  }
  const full = await fullReplay(dir);
  assert.is(full.head_block_num, viaStore.head_block_num, `round ${round}: same head`);
  assert.is(full.state_digest, viaStore.state_digest, `round ${round}: same state`);
}

async function signedNewAccounts(client: APIClient, names: string[]): Promise<unknown[]> {
  const abi = await abiOf(client, 'eosio');
  const out: unknown[] = [];
  for (const n of names)
    out.push(Serializer.objectify((await buildSigned(client, [newAccountAction(n, String(k.toPublic()))], { abi })).packed));
  return out;
}

const push = (url: string, p: unknown) => fetch(`${url}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(p) });

/** The full replay's head and digest (every account in memory, no snapshot, no store). */
async function fullReplay(dir: string): Promise<{ head_block_num: number; state_digest: string }> {
  const replayed = await startNode({ dev: true, dataDir: dir, snapshotEvery: 0, autoProduce: false, recoveryWorkers: 0 });
  try {
    assert.is(replayed.chain.startedFromStore, 0);
    return digestOf(replayed);
  } finally {
    await replayed.close();
  }
}

test('kill -9 while the state commits to its store: the restart from the store == a full replay in memory', async () => {
  const dir = tempDir('state-store-crash');
  dirs.push(dir);
  let fromStore = 0;
  const refusals: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { url, exited, child } = await startCrashChild([dir, String(CACHE)], children);
    const client = new APIClient({ url });
    const signed = await signedNewAccounts(
      client,
      Array.from({ length: BURST }, (_, i) => accountName('store', round, i)),
    );
    const pushes = signed.map((p) => push(url, p).catch(() => null));
    await new Promise((r) => setTimeout(r, 50 + random() * 300));
    child.kill('SIGKILL');
    await exited;
    await Promise.all(pushes);
    assert.ok(existsSync(join(dir, STATE_STORE_DIR)), 'the child used the store');

    await restartEqualsReplay(dir, round, 2, (cached, notes) => {
      if (cached.chain.startedFromStore > 0) {
        fromStore++;
        assert.ok(
          notes.some((n) => n.startsWith(`state store: opened at its last commit, block ${cached.chain.startedFromStore}`)),
          notes.join('\n'),
        );
      } else refusals.push(notes.find((n) => n.startsWith('state store:')) ?? '(no note)');
      assert.ok(cached.chain.state.accounts.cached <= Math.max(CACHE, 64), `round ${round}: ${cached.chain.state.accounts.cached} cached`);
    });
  }
  assert.is(fromStore, ROUNDS, `the store was used in ${fromStore} of ${ROUNDS} rounds (refused: ${refusals.join('; ')})`);
});

test('kill -9 while a state commit is in flight (queued on the store thread, not landed): the restart == a full replay', async () => {
  const dir = tempDir('state-store-inflight');
  dirs.push(dir);
  let inFlightKills = 0;
  const missed: string[] = [];
  // a round whose child saw no commit in flight (on a loaded machine the burst's pushes can all be
  // refused, so nothing commits) still checks its restart, and another round is run in its place:
  // at most two more than ROUNDS
  for (let round = 0; inFlightKills < ROUNDS && round < ROUNDS + 2; round++) {
    // the child kills itself while a commit of this run is in flight (the first that is still in
    // flight a seeded number of event loop turns after it was queued)
    const nth = 1;
    const turns = Math.floor(random() * 4);
    const { url, exited, child } = await startCrashChild([dir, String(CACHE), '0', '100', `${nth}:${turns}`], children);
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    const outClosed = new Promise((r) => child.stdout!.on('close', r)); // its last line may come after 'exit'
    const client = new APIClient({ url });
    const signed = await signedNewAccounts(
      client,
      Array.from({ length: BURST }, (_, i) => accountName('flight', round, i)),
    );
    const pushes = signed.map((p) => push(url, p).catch(() => null));
    // bounded: a child that never reached its nth commit is killed here (and the round is missed)
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    await outClosed;
    clearTimeout(guard);
    const answers = await Promise.all(pushes);
    if (/killed with commit \d+ in flight/.test(out)) inFlightKills++;
    else {
      const refused = answers.filter((r) => r !== null && !r.ok).length;
      const cut = answers.filter((r) => r === null).length;
      missed.push(`round ${round}: of ${BURST} pushes ${refused} refused, ${cut} cut off; child said ${JSON.stringify(out.slice(0, 300))}`);
    }

    await restartEqualsReplay(dir, round, 0, (cached, notes) => {
      // the first round's kill can land while the folder's very first commit is in flight (on a
      // loaded machine nothing else committed before it): then no commit ever landed and the store
      // is rightly empty; the restart must still equal a full replay
      const firstCommitCut = round === 0 && notes.some((n) => /state store: empty \(no commit yet\)/.test(n));
      assert.ok(cached.chain.startedFromStore > 0 || firstCommitCut, `round ${round}: ${notes.join('\n')}`);
    });
  }
  assert.is(inFlightKills, ROUNDS, `${ROUNDS} kills landed with a commit in flight (${missed.join('; ')})`);
});

test('kill -9 while a table stored by its rows grows: the restart from the store == a full replay', async () => {
  // dSocial's posts, one table in one scope, past ROWS_APART_MIN rows before the first burst (so
  // every restart after the first reads it from the store by its rows, wherever a kill lands): its
  // rows are written one by one, its key with them, in the commits the kill lands among
  const dir = tempDir('state-store-rows');
  dirs.push(dir);
  const abi = ABI.from(JSON.parse(readFileSync(new URL('../../../build/contracts/dsocial/dsocial.abi', import.meta.url), 'utf8')));
  const wasm = readFileSync(new URL('../../../build/contracts/dsocial/dsocial.wasm', import.meta.url));
  const posts = (round: number, trx: number): ActSpec[] =>
    Array.from({ length: 25 }, (_, i) => ({
      account: 'dsocial',
      name: 'post',
      authorization: 'dsocial@active',
      data: { author: 'dsocial', text: `round ${round}, transaction ${trx}, post ${i}` },
    }));
  for (let round = 0; round < 3; round++) {
    const { url, exited, child } = await startCrashChild([dir, String(CACHE)], children);
    const client = new APIClient({ url });
    if (round === 0) {
      await transact(client, [newAccountAction('dsocial', String(DEV_KEY.toPublic()))]);
      await transact(client, [
        {
          account: 'eosio',
          name: 'setcode',
          authorization: 'dsocial@active',
          data: { account: 'dsocial', vmtype: 0, vmversion: 0, code: wasm },
        },
        {
          account: 'eosio',
          name: 'setabi',
          authorization: 'dsocial@active',
          data: { account: 'dsocial', abi: Serializer.encode({ object: abi }) },
        },
      ]);
      for (let t = 0; t * 25 < ROWS_APART_MIN; t++) await transact(client, posts(round, 100 + t), { abi });
      await durable(url);
    }
    const signed: unknown[] = [];
    for (let t = 0; t < 20; t++) signed.push(Serializer.objectify((await buildSigned(client, posts(round, t), { abi })).packed));
    const pushes = signed.map((p) => push(url, p).catch(() => null));
    await new Promise((r) => setTimeout(r, 50 + random() * 300));
    child.kill('SIGKILL');
    await exited;
    await Promise.all(pushes);
    await restartEqualsReplay(dir, round, 2, (cached, notes) => {
      assert.ok(cached.chain.startedFromStore > 0, `round ${round}: ${notes.join('\n')}`);
      const social = Name.from('dsocial').value;
      const t = cached.chain.state.tables.findTable(social, social, Name.from('posts').value);
      if (round > 0) assert.ok(t?.rowsApart, `round ${round}: the posts (${t?.size ?? 0}) are stored by their rows`);
    });
  }
});

/**
 * A contract whose `put` action takes (primary, secondary) pairs, each a u64 (little-endian): a new
 * primary stores a row and its idx64 entry, a known one moves its entry to the new secondary (the
 * row follows), and the secondary 2^64 - 1 removes both. Every change the order keys of an index
 * stored by its entries must follow: an entry added, moved or removed.
 */
function indexContract(table: bigint): Uint8Array {
  const t = BigInt.asIntN(64, table);
  const ix = BigInt.asIntN(64, table | 1n);
  return wat(`(module
    (import "env" "action_data_size" (func $size (result i32)))
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "db_find_i64" (func $find (param i64 i64 i64 i64) (result i32)))
    (import "env" "db_store_i64" (func $store (param i64 i64 i64 i64 i32 i32) (result i32)))
    (import "env" "db_update_i64" (func $update (param i32 i64 i32 i32)))
    (import "env" "db_remove_i64" (func $remove (param i32)))
    (import "env" "db_idx64_store" (func $istore (param i64 i64 i64 i64 i32) (result i32)))
    (import "env" "db_idx64_find_primary" (func $ifind (param i64 i64 i64 i32 i64) (result i32)))
    (import "env" "db_idx64_update" (func $iupdate (param i32 i64 i32)))
    (import "env" "db_idx64_remove" (func $iremove (param i32)))
    (memory 1)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (local $end i32) (local $p i32) (local $primary i64) (local $it i32) (local $ii i32)
      (local.set $end (i32.add (i32.const 1024) (call $size)))
      (drop (call $read (i32.const 1024) (call $size)))
      (local.set $p (i32.const 1024))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $primary (i64.load (local.get $p)))
        (local.set $it (call $find (local.get $r) (local.get $r) (i64.const ${t}) (local.get $primary)))
        (if (i32.lt_s (local.get $it) (i32.const 0))
          (then
            (if (i64.ne (i64.load offset=8 (local.get $p)) (i64.const -1))
              (then
                (drop (call $store (local.get $r) (i64.const ${t}) (local.get $r) (local.get $primary) (i32.add (local.get $p) (i32.const 8)) (i32.const 8)))
                (drop (call $istore (local.get $r) (i64.const ${ix}) (local.get $r) (local.get $primary) (i32.add (local.get $p) (i32.const 8)))))))
          (else
            (local.set $ii (call $ifind (local.get $r) (local.get $r) (i64.const ${ix}) (i32.const 16) (local.get $primary)))
            (if (i64.eq (i64.load offset=8 (local.get $p)) (i64.const -1))
              (then
                (call $iremove (local.get $ii))
                (call $remove (local.get $it)))
              (else
                (call $iupdate (local.get $ii) (local.get $r) (i32.add (local.get $p) (i32.const 8)))
                (call $update (local.get $it) (local.get $r) (i32.add (local.get $p) (i32.const 8)) (i32.const 8))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))))`);
}

/** `put`'s data: the pairs, each primary and secondary a little-endian u64 (secondary null: remove). */
function putData(pairs: Array<[number, bigint | null]>): string {
  const b = Buffer.alloc(16 * pairs.length);
  pairs.forEach(([primary, secondary], i) => {
    b.writeBigUInt64LE(BigInt(primary), 16 * i);
    b.writeBigUInt64LE(secondary ?? 2n ** 64n - 1n, 16 * i + 8);
  });
  return b.toString('hex');
}

test('kill -9 while a secondary index stored by its entries changes: the restart from the store == a full replay, and both answer its queries alike', async () => {
  // one idx64 index past ROWS_APART_MIN entries before the first burst, so every restart reads it
  // back by its header and answers queries from its order keys in the store; the bursts add, move
  // and remove entries (40 secondary values shared by many primaries) in the commits the kill lands
  // among. The full replay holds the index in memory: its pages through the index are the oracle.
  const dir = tempDir('state-store-index');
  dirs.push(dir);
  const ACCOUNT = 'ixcrash';
  const TABLE = Name.from('items').value;
  const PRIMARIES = 360;
  const pick = (n: number) => Math.floor(random() * n);
  const put = (pairs: Array<[number, bigint | null]>): ActSpec => ({
    account: ACCOUNT,
    name: 'put',
    authorization: `${ACCOUNT}@active`,
    data: putData(pairs),
  });
  const burstPairs = (): Array<[number, bigint | null]> =>
    Array.from({ length: 10 }, () => [pick(PRIMARIES), random() < 0.15 ? null : BigInt(pick(40))]);
  /** Every entry through the index, in pages of 37 (each page's next_key the next page's bound). */
  const pages = (node: EmbeddedNode): string[][] => {
    const out: string[][] = [];
    let lower = '';
    for (let i = 0; i < 100; i++) {
      const page = node.getTableRows({
        code: ACCOUNT,
        scope: ACCOUNT,
        table: 'items',
        index_position: 'secondary',
        key_type: 'i64',
        limit: 37,
        json: false,
        ...(lower ? { lower_bound: lower } : {}),
      }) as { rows: string[]; more: boolean; next_key: string };
      out.push(page.rows);
      if (!page.more) return out;
      lower = page.next_key;
    }
    throw new Error('more than 100 pages');
  };
  for (let round = 0; round < 3; round++) {
    const { url, exited, child } = await startCrashChild([dir, String(CACHE)], children);
    const client = new APIClient({ url });
    if (round === 0) {
      await transact(client, [newAccountAction(ACCOUNT, String(DEV_KEY.toPublic()))]);
      await transact(client, [
        {
          account: 'eosio',
          name: 'setcode',
          authorization: `${ACCOUNT}@active`,
          data: { account: ACCOUNT, vmtype: 0, vmversion: 0, code: bytesToHex(indexContract(TABLE)) },
        },
      ]);
      for (let first = 0; first < ROWS_APART_MIN + 44; first += 50)
        await transact(client, [put(Array.from({ length: 50 }, (_, i) => [first + i, BigInt(pick(40))]))]);
      await durable(url);
    }
    const signed: unknown[] = [];
    for (let t = 0; t < 20; t++) signed.push(Serializer.objectify((await buildSigned(client, [put(burstPairs())])).packed));
    const pushes = signed.map((p) => push(url, p).catch(() => null));
    await new Promise((r) => setTimeout(r, 50 + random() * 300));
    child.kill('SIGKILL');
    await exited;
    await Promise.all(pushes);
    let recovered: string[][] = [];
    await restartEqualsReplay(dir, round, 2, (cached, notes) => {
      assert.ok(cached.chain.startedFromStore > 0, `round ${round}: ${notes.join('\n')}`);
      recovered = pages(cached);
    });
    const replayed = await startNode({ dev: true, dataDir: dir, snapshotEvery: 0, autoProduce: false, recoveryWorkers: 0 });
    let fromMemory: string[][];
    try {
      fromMemory = pages(replayed);
    } finally {
      await replayed.close();
    }
    assert.equal(recovered, fromMemory, `round ${round}: the recovered node's pages through the index == the full replay's`);
    assert.ok(fromMemory.flat().length >= ROWS_APART_MIN, `round ${round}: ${fromMemory.flat().length} entries`);
    // the recovered node's clean stop committed at its head: opened again, nothing is replayed, the
    // index is read back by its header and the store holds one order key per entry (none left by an
    // entry moved or removed), and its pages come from those keys alone
    const reopened = await startNode({
      dev: true,
      dataDir: dir,
      snapshotEvery: 0,
      autoProduce: false,
      recoveryWorkers: 0,
      stateCache: CACHE,
    });
    try {
      assert.is(reopened.chain.replayedBlocks, 0);
      const account = Name.from(ACCOUNT).value;
      const index = reopened.chain.state.tables.findIndex('idx64', account, account, TABLE | 1n);
      assert.ok(index?.readByEntries, `round ${round}: the index (${index?.size ?? 0} entries) is read back by its header`);
      const [first, end] = indexOrderBounds(0, account, account, TABLE | 1n);
      assert.is([...reopened.chain.state.store!.range(first, end)].length, index!.size, `round ${round}: order keys`);
      assert.equal(pages(reopened), fromMemory, `round ${round}: pages from the order keys`);
    } finally {
      await reopened.close();
    }
  }
});

/** Waits until nothing is pending and the head is in the log (a kill then loses no block). */
async function durable(url: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const s = (await (await fetch(`${url}/v1/peeros/get_state_digest`, { method: 'POST' })).json()) as {
      durable_block_num: number;
      head_block_num: number;
      pending_transactions: number;
    };
    if (s.pending_transactions === 0 && s.durable_block_num === s.head_block_num) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the node never settled');
}

test("a restart replays only the blocks after the store's last commit", async () => {
  const dir = tempDir('state-store-replay');
  dirs.push(dir);
  const COMMIT_EVERY = 10;
  // a cache no block fills (no trim commits) and no snapshots: only the every-10-blocks commits
  const { url, exited, child } = await startCrashChild([dir, '100000', '0', String(COMMIT_EVERY)], children);
  const client = new APIClient({ url });
  const names = Array.from({ length: 40 }, (_, i) => accountName('replay', 0, i));
  const signed = await signedNewAccounts(client, names);
  let head = 0;
  for (const p of signed) {
    const before = (await client.v1.chain.get_info()).head_block_num.toNumber();
    assert.is((await push(url, p)).status, 202);
    for (let i = 0; i < 500 && head <= before; i++) {
      await new Promise((r) => setTimeout(r, 10));
      head = (await client.v1.chain.get_info()).head_block_num.toNumber();
    }
  }
  assert.ok(head >= 3 * COMMIT_EVERY, `head ${head}`);
  await durable(url); // nothing pending, the head in the log: then the kill
  child.kill('SIGKILL');
  await exited;

  const notes: string[] = [];
  let node: EmbeddedNode | null = null;
  try {
    node = await startNode({
      dev: true,
      dataDir: dir,
      snapshotEvery: 0,
      autoProduce: false,
      recoveryWorkers: 0,
      stateCache: 100000,
      stateCommitEvery: COMMIT_EVERY,
      onError: (e) => notes.push(e.message),
    });
    const at = node.chain.startedFromStore;
    const logged = node.chain.head.num;
    assert.ok(at > 0, notes.join('\n'));
    assert.is(node.chain.replayedBlocks, logged - at, 'replayed the blocks after the commit, no more');
    assert.ok(node.chain.replayedBlocks < COMMIT_EVERY, `${node.chain.replayedBlocks} blocks replayed`);
    assert.ok(
      notes.includes(`state store: opened at its last commit, block ${at}; replaying the ${logged - at} block(s) after it`),
      notes.join('\n'),
    );
    const viaStore = digestOf(node);
    assert.is(bytesToHex(node.chain.state.recomputeDigest()), viaStore.state_digest);
    await node.close();
    node = null;
    const full = await fullReplay(dir);
    assert.is(full.head_block_num, viaStore.head_block_num);
    assert.is(full.state_digest, viaStore.state_digest);
  } finally {
    await node?.close();
  }
});

test.run();
