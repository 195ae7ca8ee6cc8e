// kill -9 during a write burst (pushes arriving, blocks sealed every 20 ms, a state snapshot
// started every 2 blocks) recovers to the state a full replay of the log gives: the restart from the
// last snapshot plus the blocks after it has the same state digest as a replay from genesis, at
// several seeded kill points. Real node in a child process, real hypercore log and snapshot files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { APIClient, Serializer } from '@wharfkit/antelope';
import { startNode } from '../../dmcs/index.js';
import { digestOf, seededRandom, startCrashChild } from './crash-child.js';
import { tempDir, removeDir, buildSigned, newAccountAction, testKey, abiOf } from './helpers.js';
import { bytesToHex } from '../../abi/antelope/index.js';

const dir = tempDir('crash-recovery');
const k = testKey('crash-recovery');
const children = new Set<ChildProcess>();
const ROUNDS = 3;
const BURST = 80;

test.after(() => {
  for (const c of children) c.kill('SIGKILL');
  removeDir(dir);
});

const startChild = () => startCrashChild([dir], children);

/** Seeded, so a failing kill point replays. */
const random = seededRandom(0x19);

const letters = 'abcdefghijklmnopqrstuvwxyz';
const accountName = (round: number, i: number) => `crash${letters[round]}${letters[Math.floor(i / 26)]}${letters[i % 26]}`;

test('kill -9 at seeded points of a write burst: snapshot + replay == full replay', async () => {
  let fromSnapshot = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { url, exited, child } = await startChild();
    const client = new APIClient({ url });
    const abi = await abiOf(client, 'eosio');
    const signed: unknown[] = [];
    for (let i = 0; i < BURST; i++)
      signed.push(
        Serializer.objectify((await buildSigned(client, [newAccountAction(accountName(round, i), String(k.toPublic()))], { abi })).packed),
      );
    // the burst: every push in flight at once, killed at a seeded moment inside it
    const pushes = signed.map((p) =>
      fetch(`${url}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(p) }).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 30 + random() * 300));
    child.kill('SIGKILL');
    await exited;
    await Promise.all(pushes);

    const restarted = await startNode({ dev: true, dataDir: dir, snapshotEvery: 2, autoProduce: false, recoveryWorkers: 0 });
    const viaSnapshot = digestOf(restarted);
    if (restarted.chain.startedFromSnapshot > 0) fromSnapshot++;
    assert.is(
      bytesToHex(restarted.chain.state.recomputeDigest()),
      viaSnapshot.state_digest,
      `round ${round}: restored incremental == recomputed`,
    );
    await restarted.close();
    const replayed = await startNode({ dev: true, dataDir: dir, snapshotEvery: 0, autoProduce: false, recoveryWorkers: 0 });
    try {
      assert.is(replayed.chain.startedFromSnapshot, 0);
      const full = digestOf(replayed);
      assert.is(full.head_block_num, viaSnapshot.head_block_num, `round ${round}: same head`);
      assert.is(full.state_digest, viaSnapshot.state_digest, `round ${round}: same state`);
      assert.is(bytesToHex(replayed.chain.state.recomputeDigest()), full.state_digest, `round ${round}: incremental == recomputed`);
    } finally {
      await replayed.close();
    }
  }
  assert.ok(fromSnapshot > 0, 'at least one restart started from a snapshot');
});

test.run();
