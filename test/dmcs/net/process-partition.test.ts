// A partition between producer PROCESSES: four `peeros node` processes (one producer each, manual
// slot clocks), every pair joined through a cuttable loopback forwarder (cuttable-link.ts), so the
// network is cut between processes without touching them. Split 2|2, each side goes on making its
// producers' blocks but neither has 2/3+1 of the producers: no block made during the partition
// becomes irreversible on either side, and no LIB moves. Healed, every process takes one branch by
// Leap's rule and all end with the same head, LIB and state digest, and the LIB moves again.
// Two keyless replicas, each peered with one producer of one side only, follow their producer
// through the partition and through its fork switch at the heal (one side's branch loses), and end
// with the same digest.
// Bounded: every wait has a limit, every child is killed at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../helpers.js';
import { ProcessCluster, digestOf, type NodeProcess } from './process-cluster.js';
import { CuttableLink } from './cuttable-link.js';

const names = ['proda', 'prodb', 'prodc', 'prodd'];
/** Slots in one round of the 4-producer schedule (12 each). */
const ROUND = names.length * 12;
const dirs = names.map((n) => tempDir(`partition-${n}`));
const replicaDirs = [tempDir('partition-replica-a'), tempDir('partition-replica-c')];
const cluster = new ProcessCluster();
const producers: NodeProcess[] = [];
/** links[i][j] (j < i): node i reaches node j through it. */
const links: CuttableLink[][] = [];

test.after(async () => {
  await cluster.close();
  for (const l of links.flat()) await l.close();
  for (const d of [...dirs, ...replicaDirs]) removeDir(d);
});

test('four producer processes split 2|2: no LIB advance on either side; healed, one branch and one digest', async () => {
  for (let i = 0; i < names.length; i++) {
    if (i > 0) copyFileSync(join(dirs[0]!, 'genesis.json'), join(dirs[i]!, 'genesis.json'));
    links[i] = [];
    for (let j = 0; j < i; j++) links[i]!.push(await CuttableLink.open(producers[j]!.p2p!));
    const args = ['--dev', '--slot-clock', 'manual', '--data', dirs[i]!, '--producer', names[i]!, '--p2p-listen', '127.0.0.1:0'];
    producers.push(await cluster.start(names[i]!, [...args, ...links[i]!.flatMap((l) => ['--peer', l.address])]));
  }
  // a replica of proda and one of prodc (the chain's genesis, no key, that one peer only)
  const replicas: NodeProcess[] = [];
  for (const [k, at] of [0, 2].entries())
    replicas.push(
      await cluster.start(`replica-${names[at]}`, [
        '--data',
        replicaDirs[k]!,
        '--genesis',
        join(dirs[0]!, 'genesis.json'),
        '--peer',
        producers[at]!.p2p!,
      ]),
    );
  const everyone = [...producers, ...replicas];
  await cluster.converge(everyone, 60_000);
  let slot = await cluster.bootstrapSchedule(producers[0]!, producers);
  slot = await cluster.runSlots(slot, 2 * ROUND);
  const before = await cluster.converge(everyone, 60_000);

  // cut every link between {proda, prodb} and {prodc, prodd}
  const side = (k: number) => (k < 2 ? 0 : 1);
  for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) links[i]![j]!.setCut(side(i) !== side(j));
  const sides = [producers.slice(0, 2), producers.slice(2)];
  const headAtCut = before.head_block_num;
  slot = await cluster.runSplit(slot, ROUND, sides);
  const heads = await Promise.all(producers.map((p) => cluster.clockHead(p)));
  assert.is.not(heads[0]!.id, heads[2]!.id, 'the sides went apart');
  assert.is(heads[0]!.id, heads[1]!.id);
  assert.is(heads[2]!.id, heads[3]!.id);
  for (const [k, h] of heads.entries()) {
    assert.ok(h.num > headAtCut, `${names[k]} made blocks during the partition`);
    assert.ok(h.lib <= headAtCut, `${names[k]}: LIB ${h.lib} stays at blocks made before the cut (${headAtCut})`);
  }
  slot = await cluster.runSplit(slot, ROUND, sides);
  const later = await Promise.all(producers.map((p) => cluster.clockHead(p)));
  assert.equal(
    later.map((h) => h.lib),
    heads.map((h) => h.lib),
    'no LIB moves with 2 of 4',
  );
  assert.ok(later[0]!.num > heads[0]!.num && later[2]!.num > heads[2]!.num, 'both sides went on producing');
  // each replica follows its side
  for (const [k, at] of [0, 2].entries()) await cluster.converge([producers[at]!, replicas[k]!], 60_000);

  // healed: one branch wins everywhere (Leap's rule), the same digest, and the LIB moves again
  for (const l of links.flat()) l.setCut(false);
  const libDuring = Math.max(...later.map((h) => h.lib));
  for (let round = 0; ; round++) {
    if (round >= 4) throw new Error('the healed network never converged with a LIB past the partition');
    // (10 s a block: one made while the others are still switching may never reach them all; the rounds retry)
    slot = await cluster.runSplit(slot, ROUND, [producers], 10_000).catch(async (e: Error) => {
      // a block made while the others are still switching may not reach them all at once: settle below
      if (!/not everywhere/.test(e.message)) throw e;
      return slot + ROUND;
    });
    const all = await cluster.converge(producers, 60_000).catch(() => null);
    if (all && all.last_irreversible_block_num > Math.max(libDuring, headAtCut)) break;
  }
  const healed = await cluster.converge(everyone, 60_000);
  assert.ok(
    healed.last_irreversible_block_num > libDuring,
    `LIB ${healed.last_irreversible_block_num} moves past ${libDuring} once healed`,
  );
  for (const p of everyone) assert.is((await digestOf(p)).state_digest, healed.state_digest);
  // at least one side's branch lost: its producers switched forks, and so did the replica following one of them
  const finalIdAt = async (num: number) =>
    (
      (await (
        await fetch(`${producers[0]!.endpoint}/v1/chain/get_block`, { method: 'POST', body: JSON.stringify({ block_num_or_id: num }) })
      ).json()) as { id: string }
    ).id;
  const switched: string[] = [];
  for (const at of [0, 2]) if ((await finalIdAt(later[at]!.num)) !== later[at]!.id) switched.push(names[at]!);
  assert.ok(switched.length >= 1, 'one side switched branch at the heal');
  process.stdout.write(
    `  partition: cut at ${headAtCut}, sides reached ${later[0]!.num} and ${later[2]!.num} (LIB ${libDuring}); healed at ${healed.head_block_num}, LIB ${healed.last_irreversible_block_num}; switched: ${switched.join(', ')} and its replica\n`,
  );
});

test.run();
