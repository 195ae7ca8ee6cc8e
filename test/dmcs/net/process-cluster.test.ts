// Four producers as four real `peeros node` processes over loopback TCP, driven by their manual
// slot clocks (`--dev --slot-clock manual`: the same dev chain, its genesis.json copied into each
// data folder; each node holds one producer's key), and a non-producing replica process that
// joins with `--genesis`. eosio (node 0) bootstraps the 4-producer schedule; then each process
// produces only in its producer's slots. All reach the same head, LIB and state digest; one
// producer is killed with SIGKILL, the other three keep the LIB advancing (3 of 4 is 2/3+1) and
// its slots are skipped; it restarts from its data folder, catches up and converges. The replica
// is killed -9 while the network goes on, restarts and reaches the same digest. Bounded: every
// wait has a limit, every child is killed at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIClient, PrivateKey } from '@wharfkit/antelope';
import { newAccountAction, removeDir, tempDir, transact } from '../helpers.js';
import { ProcessCluster, digestOf, type NodeProcess } from './process-cluster.js';
import { CuttableLink } from './cuttable-link.js';

const names = ['proda', 'prodb', 'prodc', 'prodd'];
/** Slots in one round of the 4-producer schedule (12 each). */
const ROUND = names.length * 12;
const dirs = names.map((n) => tempDir(`cluster-${n}`));
const replicaDir = tempDir('cluster-replica');
const cluster = new ProcessCluster();
const producers: NodeProcess[] = [];
let replica: NodeProcess;
let slot = 0;
/** The replica reaches its two peers through these (a test cuts them to take it offline). */
const replicaLinks: CuttableLink[] = [];

test.after(async () => {
  await cluster.close();
  for (const l of replicaLinks) await l.close();
  for (const d of [...dirs, replicaDir]) removeDir(d);
});

const everyone = () => [...producers, replica];

test('four producer processes agree; one killed -9, three advance the LIB, it restarts and catches up', async () => {
  for (let i = 0; i < names.length; i++) {
    if (i > 0) copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[i]!, 'genesis.json'));
    const peers = producers.flatMap((p) => ['--peer', p.p2p!]);
    producers.push(
      await cluster.start(names[i]!, [
        '--dev',
        '--slot-clock',
        'manual',
        '--data',
        dirs[i]!,
        '--producer',
        names[i]!,
        '--p2p-listen',
        '127.0.0.1:0',
        ...peers,
      ]),
    );
  }
  // the replica: the chain's genesis, no key at all, two peers (through cuttable links)
  for (const p of [producers[0]!, producers[2]!]) replicaLinks.push(await CuttableLink.open(p.p2p!));
  replica = await cluster.start('replica', [
    '--data',
    replicaDir,
    '--genesis',
    join(dirs[0]!, 'genesis.json'),
    ...replicaLinks.flatMap((l) => ['--peer', l.address]),
  ]);
  await cluster.converge(everyone(), 60_000);

  // eosio (every --dev node holds its key, so only node 0 is driven) sets up the schedule of four
  const n0 = producers[0]!;
  slot = await cluster.bootstrapSchedule(n0, producers);
  const libAtStart = (await digestOf(n0)).last_irreversible_block_num;

  slot = await cluster.runSlots(slot, 3 * ROUND);
  const all = await cluster.converge(everyone(), 60_000);
  assert.ok(all.last_irreversible_block_num >= libAtStart + ROUND, `LIB moved from ${libAtStart} to ${all.last_irreversible_block_num}`);
  assert.ok(all.last_irreversible_block_num >= all.head_block_num - 2 * ROUND, 'the LIB follows the head (at most two rounds behind)');

  // prodd is killed -9; three of four are 2/3+1: the LIB goes on, prodd's slots are skipped
  const killed = producers[3]!;
  await cluster.kill(killed, 'SIGKILL');
  const headAtKill = all.head_block_num;
  slot = await cluster.runSlots(slot, 2 * ROUND);
  const three = await cluster.converge([...producers.slice(0, 3), replica], 60_000);
  assert.ok(
    three.last_irreversible_block_num > all.last_irreversible_block_num + 12,
    `LIB ${three.last_irreversible_block_num} moved with 3 of 4`,
  );
  assert.ok(three.head_block_num - headAtKill <= 2 * (ROUND - 12), "prodd's slots were skipped, not filled");

  // it restarts from its data folder, catches up from its peers and converges
  await cluster.restart(killed);
  await cluster.converge(everyone(), 60_000, (d) => d.head_block_num === three.head_block_num);
  slot = await cluster.runSlots(slot, ROUND);
  const back = await cluster.converge(everyone(), 60_000);
  assert.ok(back.last_irreversible_block_num > three.last_irreversible_block_num);

  // the replica is killed -9 while the network goes on; restarted, it verifies and applies what it missed
  await cluster.kill(replica, 'SIGKILL');
  slot = await cluster.runSlots(slot, ROUND);
  const missed = await cluster.converge(producers, 60_000);
  await cluster.restart(replica);
  const caughtUp = await cluster.converge(everyone(), 60_000);
  assert.is(caughtUp.head_block_id, missed.head_block_id);
  assert.is(caughtUp.state_digest, missed.state_digest);
  process.stdout.write(
    `  cluster: ${caughtUp.head_block_num} blocks, LIB ${caughtUp.last_irreversible_block_num}; with 3 of 4 the LIB went ${all.last_irreversible_block_num} → ${three.last_irreversible_block_num}\n`,
  );
});

/** Whether `account` exists on node `n`. */
const hasAccount = async (n: NodeProcess, account: string) =>
  (await fetch(`${n.endpoint}/v1/chain/get_account`, { method: 'POST', body: JSON.stringify({ account_name: account }) })).status === 200;

/** The producer (schedule index) of `s` under the 4-producer schedule: (slot mod N·12) / 12. */
const ownerOf = (s: number) => Math.floor((s % ROUND) / 12);

/** The block (num, producer) holding transaction `id`, searched from block `from` on node `n`. */
async function blockWith(n: NodeProcess, id: string, from: number): Promise<{ num: number; producer: string } | null> {
  const head = (await digestOf(n)).head_block_num;
  for (let num = from; num <= head; num++) {
    const b = (await (
      await fetch(`${n.endpoint}/v1/chain/get_block`, { method: 'POST', body: JSON.stringify({ block_num_or_id: num }) })
    ).json()) as {
      producer: string;
      transactions: Array<{ trx: { id: string } }>;
    };
    if (b.transactions.some((t) => t.trx.id === id)) return { num, producer: b.producer };
  }
  return null;
}

test('a transaction pushed to a node that does not produce the coming slots is forwarded and lands in a block', async () => {
  // pushed to the keyless replica: it floods it to its peers
  const key = () => PrivateKey.generate('K1').toPublic().toString();
  const from = (await digestOf(producers[0]!)).head_block_num;
  const viaReplica = (await transact(new APIClient({ url: replica.endpoint }), [newAccountAction('carol', key())])) as {
    transaction_id: string;
  };
  // pushed to a producer whose turn is not next: the producer of the coming slots gets it
  const next = ownerOf(slot + 1);
  const other = producers[(next + 2) % names.length]!;
  const viaOther = (await transact(new APIClient({ url: other.endpoint }), [newAccountAction('dave', key())])) as {
    transaction_id: string;
  };
  slot = await cluster.runSlots(slot, 24);
  await cluster.converge(everyone(), 60_000);
  for (const n of everyone()) {
    assert.ok(await hasAccount(n, 'carol'), `${n.label} has the account pushed to the replica`);
    assert.ok(await hasAccount(n, 'dave'), `${n.label} has the account pushed to ${other.label}`);
  }
  assert.ok(await blockWith(replica, viaReplica.transaction_id, from), 'in a block');
  const dave = (await blockWith(producers[0]!, viaOther.transaction_id, from))!;
  assert.is.not(dave.producer, other.label, `${other.label} does not produce the coming slots: another producer included it`);

  // offline: the replica takes a push while it reaches no peer; once reconnected it hands it on
  for (const l of replicaLinks) l.setCut(true);
  const offline = (await transact(new APIClient({ url: replica.endpoint }), [newAccountAction('erin', key())])) as {
    transaction_id: string;
  };
  slot = await cluster.runSlots(slot, 12);
  assert.not.ok(await hasAccount(producers[0]!, 'erin'), 'not on the producers while the replica is cut off');
  for (const l of replicaLinks) l.setCut(false);
  const until = Date.now() + 20_000;
  while (!(await hasAccount(producers[0]!, 'erin'))) {
    if (Date.now() > until) throw new Error(`the offline push never reached a producer: ${replica.stderr().slice(-500)}`);
    slot = await cluster.runSlots(slot, 1);
  }
  // it may be in a pending block only (reads see pending state): one producer's turn seals it
  slot = await cluster.runSlots(slot, 12);
  const final = await cluster.converge(everyone(), 60_000);
  assert.ok(await hasAccount(replica, 'erin'));
  assert.ok(await blockWith(producers[1]!, offline.transaction_id, from));
  assert.ok(final.head_block_num > 0);
});

test.run();
