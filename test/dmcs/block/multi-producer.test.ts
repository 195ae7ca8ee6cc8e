// Several producers on the real path: a node holding four `--producer` keys proposes them as the
// schedule (a transaction to a privileged contract calling set_proposed_producers), announces it in a header once the proposing block is
// irreversible, activates it once that block is irreversible, and then produces only as the
// producer each slot belongs to. A replica follows over hypercore, verifies every block against
// the schedule and reaches the same head, LIB and state digest; the independent oracle verifies
// every signature, including the blocks signed with the new schedule's hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APIClient } from '@wharfkit/antelope';
import { encodeBlock } from '../../../dmcs/block.js';
import { DEV_PUBLIC_KEY, startNode, type EmbeddedNode } from '../../../dmcs/index.js';
import { removeDir, tempDir } from '../helpers.js';
import { verifyChain } from './leap-oracle.js';
import { createProducerAccounts, deployGovernor, proposeProducers } from '../schedule.js';

const names = ['proda', 'prodb', 'prodc', 'prodd'];
const pdir = tempDir('producer');
const rdir = tempDir('replica');
let producer: EmbeddedNode;

test.after(async () => {
  await producer?.close();
  removeDir(pdir);
  removeDir(rdir);
});

const stateDigest = async (n: EmbeddedNode) =>
  (await (await fetch(`${n.endpoint}/v1/peeros/state_digest`)).json()) as Record<string, unknown>;

test('four producers take their slots in turn, the LIB follows, a replica agrees', async () => {
  producer = await startNode({
    dev: true,
    dataDir: pdir,
    producers: names,
    http: '127.0.0.1:0',
    replicate: '127.0.0.1:0',
    autoProduce: false,
  });
  assert.equal(
    producer.producers.map((p) => p.name),
    names,
  );
  const client = new APIClient({ url: producer.endpoint! });
  const signing = new Map(producer.producers.map((p) => [p.name, p.key]));
  await createProducerAccounts(client, names, (n) => signing.get(n)!);
  await deployGovernor(client);
  await proposeProducers(client, producer.producers);
  let activatedAt = 0;
  for (let i = 0; i < 4 * 4 * 12 && producer.chain.lastIrreversibleBlockNum <= activatedAt + 4 * 12; i++) {
    await producer.produceBlock();
    if (!activatedAt && producer.chain.head.state.activeSchedule.version === 1) activatedAt = producer.chain.head.num;
  }
  assert.ok(activatedAt > 0 && activatedAt < 10, `schedule active at block ${activatedAt}`);
  const info = producer.getInfo() as { head_block_num: number; last_irreversible_block_num: number };
  assert.ok(info.last_irreversible_block_num > activatedAt + 4 * 12, `LIB ${info.last_irreversible_block_num} past a full round`);

  const blocks: Uint8Array[] = [];
  for (let n = 1; n <= producer.chain.head.num; n++) blocks.push(encodeBlock((await producer.chain.getBlock(n))!.block));
  const producedBy = verifyChain(blocks, DEV_PUBLIC_KEY);
  for (const name of names) assert.ok(producedBy.includes(name), `${name} produced`);
  // after activation, each slot's block is by (slot mod 48) / 12
  for (let n = activatedAt + 1; n <= producer.chain.head.num; n++) {
    const b = (await producer.chain.getBlock(n))!.block;
    assert.is(b.producer, names[Math.floor((b.timestamp % 48) / 12)]);
  }

  const replica = await startNode({ dataDir: rdir, follow: producer.endpoint!, http: '127.0.0.1:0' });
  try {
    const until = Date.now() + 60_000;
    while (replica.chain.head.num < producer.chain.head.num && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await stateDigest(replica), await stateDigest(producer));
    assert.is(replica.chain.head.state.activeSchedule.version, 1);
  } finally {
    await replica.close();
  }
});

test.run();
