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
import { createProducerAccounts, deployGovernor, proposeProducers } from '../schedule.js';
import { ProcessCluster, digestOf, type NodeProcess } from './process-cluster.js';

const names = ['proda', 'prodb', 'prodc', 'prodd'];
/** Slots in one round of the 4-producer schedule (12 each). */
const ROUND = names.length * 12;
const dirs = names.map((n) => tempDir(`cluster-${n}`));
const replicaDir = tempDir('cluster-replica');
const cluster = new ProcessCluster();
const producers: NodeProcess[] = [];
let replica: NodeProcess;
let slot = 0;

test.after(async () => {
  await cluster.close();
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
  // the replica: the chain's genesis, no key at all, two peers
  replica = await cluster.start('replica', [
    '--data',
    replicaDir,
    '--genesis',
    join(dirs[0]!, 'genesis.json'),
    '--peer',
    producers[0]!.p2p!,
    '--peer',
    producers[2]!.p2p!,
  ]);
  await cluster.converge(everyone(), 20_000);

  // eosio (every --dev node holds its key, so only node 0 is driven) sets up the schedule of four
  const n0 = producers[0]!;
  const client = new APIClient({ url: n0.endpoint });
  const schedule = producers.map((p) => p.producers[0]!);
  await createProducerAccounts(client, names, (n) => schedule.find((p) => p.name === n)!.key);
  await deployGovernor(client);
  await proposeProducers(client, schedule);
  slot = (await cluster.clockHead(n0)).timestamp;
  for (let i = 0; ; i++) {
    if (i > 200) throw new Error('the four-producer schedule did not become active');
    slot++;
    const r = await fetch(`http://${n0.slotClock}/slot`, { method: 'POST', body: JSON.stringify({ slot }) });
    const { produced } = (await r.json()) as { produced: { id: string; producer: string } | null };
    if (produced?.producer === 'eosio') {
      await cluster.waitHead(produced.id, producers);
      continue;
    }
    slot--; // the slot belongs to the new schedule: driven again below for every node
    break;
  }
  const libAtStart = (await digestOf(n0)).last_irreversible_block_num;

  slot = await cluster.runSlots(slot, 3 * ROUND);
  const all = await cluster.converge(everyone(), 20_000);
  assert.ok(all.last_irreversible_block_num >= libAtStart + ROUND, `LIB moved from ${libAtStart} to ${all.last_irreversible_block_num}`);
  assert.ok(all.last_irreversible_block_num >= all.head_block_num - 2 * ROUND, 'the LIB follows the head (at most two rounds behind)');

  // prodd is killed -9; three of four are 2/3+1: the LIB goes on, prodd's slots are skipped
  const killed = producers[3]!;
  await cluster.kill(killed, 'SIGKILL');
  const headAtKill = all.head_block_num;
  slot = await cluster.runSlots(slot, 2 * ROUND);
  const three = await cluster.converge([...producers.slice(0, 3), replica], 20_000);
  assert.ok(
    three.last_irreversible_block_num > all.last_irreversible_block_num + 12,
    `LIB ${three.last_irreversible_block_num} moved with 3 of 4`,
  );
  assert.ok(three.head_block_num - headAtKill <= 2 * (ROUND - 12), "prodd's slots were skipped, not filled");

  // it restarts from its data folder, catches up from its peers and converges
  await cluster.restart(killed);
  await cluster.converge(everyone(), 30_000, (d) => d.head_block_num === three.head_block_num);
  slot = await cluster.runSlots(slot, ROUND);
  const back = await cluster.converge(everyone(), 20_000);
  assert.ok(back.last_irreversible_block_num > three.last_irreversible_block_num);

  // the replica is killed -9 while the network goes on; restarted, it verifies and applies what it missed
  await cluster.kill(replica, 'SIGKILL');
  slot = await cluster.runSlots(slot, ROUND);
  const missed = await cluster.converge(producers, 20_000);
  await cluster.restart(replica);
  const caughtUp = await cluster.converge(everyone(), 30_000);
  assert.is(caughtUp.head_block_id, missed.head_block_id);
  assert.is(caughtUp.state_digest, missed.state_digest);
  process.stdout.write(
    `  cluster: ${caughtUp.head_block_num} blocks, LIB ${caughtUp.last_irreversible_block_num}; with 3 of 4 the LIB went ${all.last_irreversible_block_num} → ${three.last_irreversible_block_num}\n`,
  );
});

test.run();
