// A producer that runs modified software signs blocks whose transactions its own node never
// checked: a transaction without its authorizer's signature, one included twice, an expired one,
// one whose TaPoS names no block of this chain, a receipt that misstates its status, net or CPU usage.
// Each is a valid block signed by the slot's producer. A validating node (Chain.acceptBlock, what
// the relay calls) must refuse it as Leap's full validation does, with nothing moved: same head,
// same state digest, and the next honest block still applies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex } from '../../../abi/antelope/index.js';
import type { SignedBlock } from '../../../dmcs/block.js';
import { KeyRecoveryPool } from '../../../dmcs/keys/key-recovery-pool.js';
import {
  buildSigned,
  DEV_KEY,
  newAccountAction,
  refusalCode,
  type SignOpts,
  startDevNode,
  tempDir,
  testKey,
  transact,
  type DevNode,
} from '../helpers.js';

const alice = testKey('peer-block-transactions alice');
const pub = DEV_KEY.toPublic().toString();
const open: DevNode[] = [];
test.after(async () => {
  for (const n of open) await n.close();
});

const idOf = (n: DevNode) => bytesToHex(n.node.chain.head.id);
const digestOf = (n: DevNode) => bytesToHex(n.node.chain.state.digest());
const blockAt = async (n: DevNode, num: number): Promise<SignedBlock> => (await n.node.chain.getBlock(num))!.block;

/** The attacker's node `a` (both hold eosio's key, one genesis) and the validator `b`, with alice created on both. */
async function pair(): Promise<{ a: DevNode; b: DevNode }> {
  const a = await startDevNode();
  const bdir = tempDir();
  copyFileSync(join(a.dir, 'genesis.json'), join(bdir, 'genesis.json'));
  const b = await startDevNode(bdir);
  open.push(a, b);
  await transact(a.client, [newAccountAction('alice', alice.toPublic().toString())]);
  await a.node.produceBlock();
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, 2)), 'applied');
  return { a, b };
}

/** What the attacker's modified node skips: `what` of its chain replaced by a function returning `value`. */
function patch(n: DevNode, what: 'auth' | 'validateInput' | 'netUsageWords', value?: unknown): void {
  const chain = n.node.chain as unknown as Record<string, unknown>;
  if (what === 'auth') chain.auth = { check() {} };
  else chain[what] = () => value;
}

/** `a` produces its pending block; `b` must refuse it with `code` and stay as it was, then take an honest block. */
async function refused(a: DevNode, b: DevNode, code: string): Promise<void> {
  const made = await a.node.produceBlock();
  const head = idOf(b);
  const digest = digestOf(b);
  assert.is(await refusalCode(b.node.chain.acceptBlock(await blockAt(a, made.num))), code);
  assert.is(idOf(b), head, 'the head did not move');
  assert.is(digestOf(b), digest, 'the state did not change');
  // the honest producer's next block (b's own) still applies on b
  const honest = `honest${'abcdefghijklmnop'[made.num % 16]}`;
  await transact(b.client, [newAccountAction(honest, pub)]);
  await b.node.produceBlock();
  assert.ok(b.node.chain.state.getAccount(honest));
}

const updateauth = (key: string) => ({
  account: 'eosio',
  name: 'updateauth',
  authorization: 'alice@owner',
  data: {
    account: 'alice',
    permission: 'active',
    parent: 'owner',
    auth: { threshold: 1, keys: [{ key, weight: 1 }], accounts: [], waits: [] },
  },
});

test("a transaction without its authorizer's signature is unsatisfied_authorization", async () => {
  const { a, b } = await pair();
  patch(a, 'auth');
  // alice's active key replaced, signed by eosio's key only
  await transact(a.client, [updateauth(pub)], { keys: [DEV_KEY] });
  await refused(a, b, 'unsatisfied_authorization');
});

test('a transaction with no signature at all is unsatisfied_authorization', async () => {
  const { a, b } = await pair();
  patch(a, 'auth');
  await transact(a.client, [updateauth(pub)], { keys: [] });
  await refused(a, b, 'unsatisfied_authorization');
});

test('one signed transaction included twice, in one block or in the next, is tx_duplicate', async () => {
  const { a, b } = await pair();
  const signed = await buildSigned(a.client, [updateauth(pub)], { keys: [alice] });
  patch(a, 'validateInput');
  await a.client.v1.chain.push_transaction(signed.packed);
  await a.client.v1.chain.push_transaction(signed.packed);
  await refused(a, b, 'tx_duplicate');

  const { a: a2, b: b2 } = await pair();
  const once = await buildSigned(a2.client, [updateauth(pub)], { keys: [alice] });
  await a2.client.v1.chain.push_transaction(once.packed);
  const made = await a2.node.produceBlock();
  assert.is(await b2.node.chain.acceptBlock(await blockAt(a2, made.num)), 'applied');
  patch(a2, 'validateInput');
  await a2.client.v1.chain.push_transaction(once.packed);
  await refused(a2, b2, 'tx_duplicate');
});

test('an expired transaction is expired_tx_exception', async () => {
  const { a, b } = await pair();
  patch(a, 'validateInput');
  const past = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
  await transact(a.client, [updateauth(pub)], { keys: [alice], header: { expiration: past } });
  await refused(a, b, 'expired_tx_exception');
});

test('a TaPoS reference to no block of this chain is invalid_ref_block_exception', async () => {
  const { a, b } = await pair();
  patch(a, 'validateInput');
  await transact(a.client, [updateauth(pub)], { keys: [alice], header: { ref_block_num: 2, ref_block_prefix: 12345 } });
  await refused(a, b, 'invalid_ref_block_exception');
});

test("a receipt whose net usage is not the transaction's is block_validate_exception", async () => {
  const { a, b } = await pair();
  patch(a, 'netUsageWords', 3);
  await transact(a.client, [updateauth(pub)], { keys: [alice] });
  await refused(a, b, 'block_validate_exception');
});

test('a receipt whose status is not executed is block_validate_exception', async () => {
  const { a, b } = await pair();
  await transact(a.client, [updateauth(pub)], { keys: [alice] });
  // soft_fail: the producer claims the transaction failed (its changes would be kept regardless)
  (a.node.chain as unknown as { pending: { receipts: Array<{ status: number }> } }).pending.receipts[0]!.status = 1;
  await refused(a, b, 'block_validate_exception');
});

test("a receipt whose CPU usage is not what the transaction's metered units bill is block_validate_exception", async () => {
  const { a, b } = await pair();
  await transact(a.client, [updateauth(pub)], { keys: [alice] });
  // units are metered the same on every node: a producer that understates (or inflates) them is caught
  const receipt = (a.node.chain as unknown as { pending: { receipts: Array<{ cpuUsageUs: number }> } }).pending.receipts[0]!;
  receipt.cpuUsageUs += 1;
  await refused(a, b, 'block_validate_exception');
});

test('a transaction with a transaction extension is disallowed_transaction_extensions_bad_block_exception', async () => {
  const { a, b } = await pair();
  patch(a, 'validateInput');
  const header = { transaction_extensions: [{ type: 1, data: '00' }] } as SignOpts['header'];
  await transact(a.client, [updateauth(pub)], { keys: [alice], ...(header ? { header } : {}) });
  await refused(a, b, 'disallowed_transaction_extensions_bad_block_exception');
});

test('keys recovered ahead on the pool change no verdict; a block whose header does not verify is not primed', async () => {
  const { a, b } = await pair();
  const pool = new KeyRecoveryPool(1);
  try {
    const chain = b.node.chain;
    await transact(a.client, [updateauth(pub)], { keys: [alice] });
    const honest = await blockAt(a, (await a.node.produceBlock()).num);
    assert.is(
      chain.primeBlock({ ...honest, actionMroot: new Uint8Array(32).fill(7) }, pool),
      null,
      'a forged header: no work for the pool',
    );
    const hits = chain.recovery.hits;
    await chain.primeBlock(honest, pool);
    assert.is(await chain.acceptBlock(honest), 'applied');
    assert.is(chain.recovery.hits, hits + 1, "the transaction's key came from the pool");
    assert.is(chain.primeBlock(honest, pool), null, 'a known block (flooded by another peer) is not primed again');

    patch(a, 'auth');
    await transact(a.client, [updateauth(DEV_KEY.toPublic().toString())], { keys: [DEV_KEY] });
    const forged = await blockAt(a, (await a.node.produceBlock()).num);
    await chain.primeBlock(forged, pool);
    const head = idOf(b);
    assert.is(await refusalCode(chain.acceptBlock(forged)), 'unsatisfied_authorization');
    assert.is(idOf(b), head);
    assert.is(chain.recovery.hits, hits + 2);
  } finally {
    await pool.close();
  }
});

test('the honest transactions of a peer block apply, checked the same way', async () => {
  const { a, b } = await pair();
  await transact(a.client, [updateauth(pub)], { keys: [alice] });
  await transact(a.client, [newAccountAction('carol', pub)]);
  const made = await a.node.produceBlock();
  assert.is(await b.node.chain.acceptBlock(await blockAt(a, made.num)), 'applied');
  assert.is(idOf(b), idOf(a));
  assert.is(digestOf(b), digestOf(a));
});

test.run();
