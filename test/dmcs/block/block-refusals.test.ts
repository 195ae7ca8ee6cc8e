// A follower refuses blocks Leap would refuse, each with Leap's exception name, and applies
// nothing of them: bad signature, wrong producer for the slot, wrong previous id, a slot not after
// the head, a tampered transaction, a producer lying about the execution result, header
// extensions it cannot honour. The genuine block then applies and both nodes agree on the state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, PrivateKey } from '../../../abi/antelope/index.js';
import { decodeBlock, encodeBlock, type SignedBlock } from '../../../dmcs/block.js';
import { ChainError } from '../../../dmcs/chain-error.js';
import { DEV_PRIVATE_KEY } from '../../../dmcs/index.js';
import { newAccountAction, startDevNode, tempDir, testKey, transact, type DevNode } from '../helpers.js';

let producer: DevNode;
let follower: DevNode;
const blocks: Uint8Array[] = [];
const producerKey = PrivateKey.from(DEV_PRIVATE_KEY);

test.before(async () => {
  producer = await startDevNode();
  await transact(producer.client, [newAccountAction('refusal', String(testKey('refusal').toPublic()))]);
  await producer.node.produceBlock();
  await producer.node.produceBlock();
  for (let n = 1; n <= producer.node.chain.head.num; n++) blocks.push(encodeBlock((await producer.node.chain.getBlock(n))!.block));
  // the follower has the producer's genesis, so the same chain id and block 1
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(producer.dir, 'genesis.json'), join(dir, 'genesis.json'));
  follower = await startDevNode(dir);
});
test.after(async () => {
  await follower?.close();
  await producer?.close();
});

/** The block with the transaction, as the follower must see it next. */
function txBlock(): { num: number; block: SignedBlock } {
  const num = blocks.findIndex((b) => decodeBlock(b).transactions.length > 0) + 1;
  return { num, block: decodeBlock(blocks[num - 1]!) };
}

/** Re-signs `b` as the slot's producer would, with `key`, over Leap's digest for the follower's head. */
function resign(b: SignedBlock, key = producerKey): SignedBlock {
  const state = follower.node.chain.head.state.next(b);
  return { ...b, producerSignature: key.sign(state.sigDigest()) };
}

function refusal(num: number, block: SignedBlock): string {
  const chain = follower.node.chain;
  const before = { head: chain.head.num, digest: bytesToHex(chain.state.digest()) };
  let code = 'applied';
  try {
    chain.applyLoggedBlock(num, encodeBlock(block));
  } catch (e) {
    assert.ok(e instanceof ChainError, String(e));
    code = e.code;
  }
  assert.equal({ head: chain.head.num, digest: bytesToHex(chain.state.digest()) }, before, 'nothing applied');
  return code;
}

test('the follower applies the blocks before the one with the transaction', () => {
  const { num } = txBlock();
  assert.ok(num >= 2);
  for (let n = 2; n < num; n++) follower.node.chain.applyLoggedBlock(n, blocks[n - 1]!);
  assert.is(follower.node.chain.head.num, num - 1);
});

test('a signature by another key is wrong_signing_key', () => {
  const { num, block } = txBlock();
  assert.is(refusal(num, resign(block, PrivateKey.generate())), 'wrong_signing_key');
});

test('a block naming a producer its slot does not belong to is wrong_producer', () => {
  const { num, block } = txBlock();
  assert.is(refusal(num, { ...block, producer: 'mallory' }), 'wrong_producer');
});

test('a block that does not link to the head is unlinkable_block_exception', () => {
  const { num, block } = txBlock();
  assert.is(refusal(num, { ...block, previous: new Uint8Array(32).fill(7) }), 'unlinkable_block_exception');
});

test('a block whose slot is not after the head is block_validate_exception', () => {
  const { num, block } = txBlock();
  assert.is(refusal(num, { ...block, timestamp: follower.node.chain.head.timestamp }), 'block_validate_exception');
});

test('a tampered transaction (its receipt or its bytes) no longer matches the signed transaction_mroot', () => {
  const { num, block } = txBlock();
  const r = block.transactions[0]!;
  assert.is(refusal(num, { ...block, transactions: [{ ...r, cpuUsageUs: r.cpuUsageUs + 1 }] }), 'block_validate_exception');
  const packedTrx = r.trx.packedTrx.slice();
  packedTrx[packedTrx.length - 1]! ^= 1;
  assert.is(refusal(num, { ...block, transactions: [{ ...r, trx: { ...r.trx, packedTrx } }] }), 'block_validate_exception');
});

test('a producer lying about the result (action_mroot) is caught by re-execution', () => {
  const { num, block } = txBlock();
  assert.is(refusal(num, resign({ ...block, actionMroot: new Uint8Array(32).fill(1) })), 'block_validate_exception');
});

test('header extensions (protocol feature activations) are refused by this node', () => {
  const { num, block } = txBlock();
  assert.is(
    refusal(num, resign({ ...block, headerExtensions: [{ type: 0, data: new Uint8Array([0]) }] })),
    'invalid_block_header_extension',
  );
});

test('the genuine blocks apply and both nodes reach the same state digest', () => {
  const { num } = txBlock();
  for (let n = num; n <= blocks.length; n++) follower.node.chain.applyLoggedBlock(n, blocks[n - 1]!);
  assert.is(follower.node.chain.head.num, producer.node.chain.head.num);
  assert.is(bytesToHex(follower.node.chain.head.id), bytesToHex(producer.node.chain.head.id));
  assert.is(bytesToHex(follower.node.chain.state.digest()), bytesToHex(producer.node.chain.state.digest()));
});

test.run();
