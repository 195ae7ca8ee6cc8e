// A block log is checked like a peer's blocks on every start: a forged block appended to a node's
// own hypercore (well formed, linked, but signed by another key) stops the start with Leap's
// exception name instead of being replayed into the state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { BlockLog } from '../../../dmcs/block/block-log.js';
import { encodeBlock, type SignedBlock } from '../../../dmcs/block.js';
import { startNode } from '../../../dmcs/index.js';
import { removeDir, tempDir } from '../helpers.js';

const dir = tempDir('forged');
test.after(() => removeDir(dir));

test('a forged block in the local log is refused at start (wrong_signing_key), the log is not replayed past it', async () => {
  const node = await startNode({ dev: true, dataDir: dir, autoProduce: false, snapshotEvery: 0 });
  await node.produceBlock();
  await node.produceBlock();
  const head = node.chain.head;
  // what the slot's producer would sign, signed by someone else
  const header = { ...head.block, timestamp: head.block.timestamp + 1, previous: head.id, confirmed: 0 };
  const state = head.state.next(header);
  const forged: SignedBlock = { ...header, producerSignature: PrivateKey.generate().sign(state.sigDigest()), transactions: [] };
  await node.close();

  const log = await BlockLog.open(dir, () => {});
  await log.append(encodeBlock(forged), state.id);
  await log.close();

  let error: unknown = null;
  try {
    const again = await startNode({ dev: true, dataDir: dir, autoProduce: false, snapshotEvery: 0 });
    await again.close();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, 'the start fails');
  assert.is((error as { code?: string }).code, 'wrong_signing_key');
  assert.match((error as Error).message, /block 4 signed by unexpected key/);
});

test.run();
