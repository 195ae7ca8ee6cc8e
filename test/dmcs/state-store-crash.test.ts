// The state store under kill -9: a node whose state cache holds 4 accounts and 4 tables (the others
// written to `<data>/state` at every safe point, snapshots reading them from there) is killed at seeded
// points of a burst of account creations. Restarted with the same cache (the store emptied, the
// state rebuilt from the last snapshot and the blocks after it) and again with every account in
// memory and a full replay, it has the same head and the same state digest, and its incremental
// digest equals a full recompute over the store. Real node in a child process, real LMDB store.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient, Serializer } from '@wharfkit/antelope';
import { startNode } from '../../dmcs/index.js';
import { STATE_STORE_DIR } from '../../dmcs/node.js';
import { digestOf, seededRandom, startCrashChild } from './crash-child.js';
import { tempDir, removeDir, buildSigned, newAccountAction, testKey, abiOf } from './helpers.js';
import { bytesToHex } from '../../abi/antelope/index.js';

const dir = tempDir('state-store-crash');
const k = testKey('state-store-crash');
const children = new Set<ChildProcess>();
const ROUNDS = 2;
const BURST = 60;
const CACHE = 4;

test.after(() => {
  for (const c of children) c.kill('SIGKILL');
  removeDir(dir);
});

const startChild = () => startCrashChild([dir, String(CACHE)], children);

/** Seeded, so a failing kill point replays. */
const random = seededRandom(0x2b);

const letters = 'abcdefghijklmnopqrstuvwxyz';
const accountName = (round: number, i: number) => `store${letters[round]}${letters[Math.floor(i / 26)]}${letters[i % 26]}`;

test('kill -9 while accounts spill to the store: restart with the store == full replay in memory', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const { url, exited, child } = await startChild();
    const client = new APIClient({ url });
    const abi = await abiOf(client, 'eosio');
    const signed: unknown[] = [];
    for (let i = 0; i < BURST; i++)
      signed.push(
        Serializer.objectify((await buildSigned(client, [newAccountAction(accountName(round, i), String(k.toPublic()))], { abi })).packed),
      );
    const pushes = signed.map((p) =>
      fetch(`${url}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(p) }).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 50 + random() * 300));
    child.kill('SIGKILL');
    await exited;
    await Promise.all(pushes);
    assert.ok(existsSync(join(dir, STATE_STORE_DIR)), 'the child used the store');

    const cached = await startNode({
      dev: true,
      dataDir: dir,
      snapshotEvery: 2,
      autoProduce: false,
      recoveryWorkers: 0,
      stateCache: CACHE,
    });
    const viaStore = digestOf(cached);
    assert.is(bytesToHex(cached.chain.state.recomputeDigest()), viaStore.state_digest, `round ${round}: incremental == recomputed`);
    assert.ok(cached.chain.state.accounts.cached <= Math.max(CACHE, 64), `round ${round}: ${cached.chain.state.accounts.cached} cached`);
    await cached.close();
    const replayed = await startNode({ dev: true, dataDir: dir, snapshotEvery: 0, autoProduce: false, recoveryWorkers: 0 });
    try {
      const full = digestOf(replayed);
      assert.is(full.head_block_num, viaStore.head_block_num, `round ${round}: same head`);
      assert.is(full.state_digest, viaStore.state_digest, `round ${round}: same state`);
    } finally {
      await replayed.close();
    }
  }
});

test.run();
