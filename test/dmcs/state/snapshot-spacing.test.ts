// Snapshots spaced by the state's size (chain-state.ts `SNAPSHOT_WALK_SHARE`, issue 19): with a
// state store, a snapshot at a multiple of `snapshotEvery` is taken only once the records written
// since the last one are at least the state's records over the share. A real dev node (real LMDB
// store, real snapshot writer, real file): a state changing mostly every block snapshots at every multiple; a state of
// some 250 accounts with one account created per block skips multiples until enough changed, and
// the snapshot it then takes holds exactly the state at its block (its digest is the live digest
// recorded after that block, and a restart without the store loads it and checks it against it).
// The transaction ids a snapshot walks count too: blocks of many transactions over one account
// space the snapshots further as the ids grow. All in memory (no store) the same big state still snapshots at every multiple.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbiSerializer, Action, EOSIO_ABI, PrivateKey, bytesToHex } from '../../../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { STATE_STORE_DIR } from '../../../dmcs/node.js';
import { SNAPSHOT_WALK_SHARE } from '../../../dmcs/state/chain-state.js';
import { SNAPSHOT_FILE, readSnapshotBlock } from '../../../dmcs/state/snapshot-file.js';
import { parseSnapshot } from '../../../dmcs/state/state-snapshot.js';
import { authority, makeTrx, signed } from '../../../bench/dmcs.js';
import { removeDir, tempDir } from '../helpers.js';

const EVERY = 2;
/** Accounts created before the one-change blocks: a state far larger than a few blocks' changes. */
const BIG = 240;
const PER_TRX = 20;
const dev = PrivateKey.from(DEV_PRIVATE_KEY);
const sign = (k: PrivateKey, d: Uint8Array) => k.sign(d);
const eosio = new AbiSerializer(EOSIO_ABI);

/** A valid account name per index: `spc` + 4 letters. */
function nameOf(i: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  }
  return `spc${s}`;
}

const newaccount = (name: string) =>
  Action.from({
    account: 'eosio',
    name: 'newaccount',
    authorization: [{ actor: 'eosio', permission: 'active' }],
    data: eosio.encodeAction('newaccount', { creator: 'eosio', name, owner: authority(dev), active: authority(dev) }),
  });

/** Produces a block creating accounts `from`..`to`-1, then waits until a snapshot it started is written. */
async function block(node: EmbeddedNode, from: number, to: number): Promise<void> {
  for (let first = from; first < to; first += PER_TRX) {
    const actions: Action[] = [];
    for (let i = first; i < Math.min(to, first + PER_TRX); i++) actions.push(newaccount(nameOf(i)));
    node.pushPacked(signed(node, makeTrx(node, actions, first), sign, dev));
  }
  await node.produceBlock();
  await node.snapshotsSettled();
}

const open = (dir: string, stateCache?: number) =>
  startNode({
    dev: true,
    dataDir: dir,
    autoProduce: false,
    snapshotEvery: EVERY,
    recoveryWorkers: 0,
    ...(stateCache !== undefined ? { stateCache } : {}),
  });

const snapshotBlock = async (dir: string) => (await readSnapshotBlock(join(dir, SNAPSHOT_FILE))) ?? 0;

test('with a store, a state that changes mostly every block snapshots at every multiple of snapshotEvery', async () => {
  const dir = tempDir('snap-spacing');
  const node = await open(dir, 16);
  try {
    // the state doubles every block: each multiple wrote more than the state over the share
    for (let i = 0, created = 0; i < 6; i++) {
      const to = Math.max(8, 2 * created);
      await block(node, created, to);
      created = to;
      const head = node.chain.head.num;
      if (head % EVERY === 0) assert.is(await snapshotBlock(dir), head, `block ${head}: snapshot taken`);
    }
  } finally {
    await node.close();
    removeDir(dir);
  }
});

test('with a store, a big state with few changes skips multiples until enough changed; the snapshot is exact', async () => {
  assert.ok(SNAPSHOT_WALK_SHARE >= 1 && SNAPSHOT_WALK_SHARE <= 8, `share ${SNAPSHOT_WALK_SHARE}`);
  const dir = tempDir('snap-spacing');
  let node = await open(dir, 16);
  const digests = new Map<number, string>();
  try {
    // the big state: BIG accounts, half of them per block (each block changes more than the state
    // over the share), ending on a multiple
    let created = 0;
    while (created < BIG || node.chain.head.num % EVERY !== 0) {
      await block(node, created, created + BIG / 2);
      created += BIG / 2;
    }
    const setup = await snapshotBlock(dir);
    assert.is(setup, node.chain.head.num, 'the setup blocks snapshot');
    // one account a block: at most 4 writes (it, eosio, its transaction's id and a commit record)
    // against some 250 records in the state
    let taken = 0;
    let skipped = 0;
    for (let b = 0; b < 100 * (8 / SNAPSHOT_WALK_SHARE) && taken === 0; b++) {
      await block(node, created, created + 1);
      created++;
      const head = node.chain.head.num;
      digests.set(head, bytesToHex(node.chain.state.digest()));
      const at = await snapshotBlock(dir);
      if (at !== setup) taken = at;
      else if (head % EVERY === 0) skipped++;
    }
    assert.ok(skipped >= 8, `${skipped} multiples skipped before enough changed`);
    assert.ok(taken > 0, 'a snapshot once enough changed');
    assert.is(taken % EVERY, 0, 'at a multiple of snapshotEvery');
    const records = node.chain.state.recordSum.count;
    assert.ok(
      (taken - setup) * 4 * SNAPSHOT_WALK_SHARE >= records,
      `not before enough changed: taken after ${taken - setup} blocks of at most 4 writes, ${records} records`,
    );
    const bytes = await readFile(join(dir, SNAPSHOT_FILE));
    const file = parseSnapshot(new Uint8Array(bytes));
    assert.is(file.head.blockNum, taken);
    assert.is(bytesToHex(file.head.stateDigest), digests.get(taken), 'the digest of the state at its block');
    const head = node.chain.head.num;
    const headDigest = digests.get(head);
    await node.close();
    // that snapshot (not the clean stop's) without the store: the restart loads it, checks it
    // against its digest and replays the blocks after it
    await writeFile(join(dir, SNAPSHOT_FILE), bytes);
    await rm(join(dir, STATE_STORE_DIR), { recursive: true, force: true });
    node = await open(dir, 16);
    assert.is(node.chain.startedFromSnapshot, taken, 'restarted from the spaced snapshot');
    assert.is(node.chain.head.num, head);
    assert.is(bytesToHex(node.chain.state.digest()), headDigest);
    assert.is(bytesToHex(node.chain.state.recomputeDigest()), headDigest);
  } finally {
    await node.close();
    removeDir(dir);
  }
});

/** Transactions per block of `authBlock`. */
const TRXS = 20;
/** Store writes a block of `authBlock` makes at most besides its ids: the account, its limits' owner and the commit record, with room to spare. */
const OTHER_WRITES = 8;

/** Produces a block of `TRXS` transactions that each set the same permission of one account (one record changed, `TRXS` ids). */
async function authBlock(node: EmbeddedNode, salt: number): Promise<void> {
  const account = nameOf(0);
  for (let i = 0; i < TRXS; i++) {
    const data = eosio.encodeAction('updateauth', { account, permission: 'active', parent: 'owner', auth: authority(dev) });
    const action = Action.from({
      account: 'eosio',
      name: 'updateauth',
      authorization: [{ actor: account, permission: 'owner' }],
      data,
    });
    node.pushPacked(signed(node, makeTrx(node, [action], salt * TRXS + i), sign, dev));
  }
  await node.produceBlock();
  await node.snapshotsSettled();
}

test('with a store, the ids count on both sides: many transactions over few records space the snapshots by the ids they walk', async () => {
  const dir = tempDir('snap-spacing');
  const node = await open(dir, 16);
  try {
    await block(node, 0, 8);
    const records = node.chain.state.recordSum.count;
    // every snapshot taken, with the ids it holds (those it walked)
    const taken: Array<{ at: number; ids: number }> = [];
    let last = await snapshotBlock(dir);
    for (let b = 0; b < 80; b++) {
      await authBlock(node, b);
      const at = await snapshotBlock(dir);
      if (at === last) continue;
      last = at;
      taken.push({ at, ids: parseSnapshot(new Uint8Array(await readFile(join(dir, SNAPSHOT_FILE)))).recent.length });
    }
    assert.ok(taken.length >= 4, `${taken.length} snapshots`);
    for (let i = 1; i < taken.length; i++) {
      const gap = taken[i]!.at - taken[i - 1]!.at;
      // the writes since the last one (at most TRXS ids and a few others a block) reached the
      // records and the ids that one walked over the share; ids left out, the gap would stay at
      // the few blocks the records alone need while the ids grow
      assert.ok(
        gap * (TRXS + OTHER_WRITES) * SNAPSHOT_WALK_SHARE >= records + taken[i - 1]!.ids,
        `snapshot at ${taken[i]!.at} after ${gap} blocks: ${records} records and ${taken[i - 1]!.ids} ids walked before`,
      );
    }
    const first = taken[1]!.at - taken[0]!.at;
    const lastGap = taken[taken.length - 1]!.at - taken[taken.length - 2]!.at;
    assert.ok(lastGap > 2 * first, `the gaps grow with the ids: ${taken.map((t) => t.at).join(', ')}`);
  } finally {
    await node.close();
    removeDir(dir);
  }
});

test('all in memory, the same big state snapshots at every multiple', async () => {
  const dir = tempDir('snap-spacing');
  const node = await open(dir);
  try {
    for (let i = 0; i < BIG; i += BIG / 10) await block(node, i, i + BIG / 10);
    for (let b = 0; b < 6; b++) {
      await block(node, BIG + b, BIG + b + 1);
      const head = node.chain.head.num;
      if (head % EVERY === 0) assert.is(await snapshotBlock(dir), head, `block ${head}: snapshot taken`);
    }
  } finally {
    await node.close();
    removeDir(dir);
  }
});

test.run();
