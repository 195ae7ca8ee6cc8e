// How the embedded node is put together: the chain reports through the events it was built with,
// and a start that fails at a later step closes what the earlier steps opened, so the data folder
// can be started again at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { startNode } from '../../dmcs/index.js';
import { Chain } from '../../dmcs/chain/chain.js';
import { BlockLog } from '../../dmcs/block/block-log.js';
import { loadGenesis } from '../../dmcs/chain/genesis.js';
import { nobleRecovery } from '../../dmcs/keys/key-recovery.js';
import { tempDir, removeDir } from './helpers.js';

test('the chain reports blocks durable, then the snapshot after them, to the events given to Chain.open', async () => {
  const dir = tempDir('events');
  const { genesis, producerKey } = await loadGenesis(dir, true);
  const log = await BlockLog.open(dir);
  const seen: string[] = [];
  const chain = await Chain.open({
    genesis,
    producerKey,
    log,
    recovery: nobleRecovery,
    snapshotEvery: 2,
    events: {
      pendingStarted: () => {
        seen.push('pending');
      },
      accepted: (_p, n) => {
        seen.push(`accepted ${n}`);
        return undefined;
      },
      durable: (n) => {
        seen.push(`durable ${n}`);
      },
      snapshot: (s) => {
        seen.push(`snapshot ${s.blockNum}`);
        s.abandon(); // the receiver writes it or gives it up; until then no other snapshot starts
      },
    },
  });
  assert.equal(seen, [], 'opening (block 1 and the replay) reports nothing');
  await chain.produceBlock();
  await chain.produceBlock();
  assert.equal(seen, ['durable 2', 'snapshot 2', 'durable 3']);
  await chain.produceBlock();
  assert.equal(seen, ['durable 2', 'snapshot 2', 'durable 3', 'durable 4', 'snapshot 4']);
  await log.close();
  removeDir(dir);
});

test('a start that fails at its HTTP step closes the log, journal and pool, so the folder starts again at once', async () => {
  const dir = tempDir('failed-start');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  try {
    await startNode({ dev: true, dataDir: dir, http: `127.0.0.1:${port}`, recoveryWorkers: 1, autoProduce: false });
    assert.unreachable('the port is taken');
  } catch (e) {
    assert.match((e as Error).message, `cannot serve HTTP on 127.0.0.1:${port}`);
  } finally {
    srv.close();
  }
  const node = await startNode({ dev: true, dataDir: dir, http: '127.0.0.1:0', recoveryWorkers: 1, autoProduce: false });
  assert.ok(node.endpoint);
  assert.ok(((await (await fetch(`${node.endpoint}/v1/chain/get_info`)).json()) as { head_block_num: number }).head_block_num >= 1);
  await node.close();
  removeDir(dir);
});

test('a replica refuses pushes in process, naming the producer it follows', async () => {
  const dir = tempDir('producer');
  const producer = await startNode({ dev: true, dataDir: dir, http: '127.0.0.1:0', replicate: '127.0.0.1:0', autoProduce: false });
  const rdir = tempDir('replica');
  const replica = await startNode({ dataDir: rdir, follow: producer.endpoint! });
  try {
    assert.ok(replica.isReplica);
    assert.throws(
      () => replica.pushPacked({ signatures: [], compression: 0, packedContextFreeData: new Uint8Array(), packedTrx: new Uint8Array() }),
      (e: Error) => e.message.includes(`push transactions to the producing node at ${producer.endpoint}`),
    );
  } finally {
    await replica.close();
    await producer.close();
    removeDir(rdir);
    removeDir(dir);
  }
});

test.run();
