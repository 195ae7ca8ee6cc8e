// A block's action_mroot is Leap's legacy merkle over the digests of its action receipts, in the
// order they ran. The pending block keeps those digests in one flat buffer (dmcs/chain/digest-list.ts),
// into which each receipt's digest is hashed as its action completes: a transaction that fails
// after some of its actions ran must take their digests back out, or the block's action_mroot
// covers receipts that are in no block (and every node replaying it refuses the block). Checked
// here against the receipts the node's replies show, digested independently with wharfkit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Bytes, Checksum256, Name as WName, Serializer, UInt64, VarUInt } from '@wharfkit/antelope';
import { bytesToHex, legacyMerkleRoot } from '../../../abi/antelope/index.js';
import { DEV_KEY, errorName, newAccountAction, startDevNode, transact, type DevNode } from '../helpers.js';

const pub = DEV_KEY.toPublic().toString();
let dn: DevNode;
test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

interface Receipt {
  receiver: string;
  act_digest: string;
  global_sequence: number | string;
  recv_sequence: number | string;
  auth_sequence: Array<[string, number | string]>;
  code_sequence: number;
  abi_sequence: number;
}

/** Leap `action_receipt::digest`: sha256 of the receipt serialized field by field. */
function receiptDigest(r: Receipt): Uint8Array {
  const enc = (o: Parameters<typeof Serializer.encode>[0]['object']) => Serializer.encode({ object: o }).hexString;
  let hex = enc(WName.from(r.receiver)) + r.act_digest + enc(UInt64.from(r.global_sequence)) + enc(UInt64.from(r.recv_sequence));
  hex += enc(VarUInt.from(r.auth_sequence.length));
  for (const [actor, seq] of r.auth_sequence) hex += enc(WName.from(actor)) + enc(UInt64.from(seq));
  hex += enc(VarUInt.from(r.code_sequence)) + enc(VarUInt.from(r.abi_sequence));
  return Checksum256.hash(Bytes.from(hex, 'hex')).array;
}

/** The receipts of push replies, in the order they ran (their global sequence). */
function receiptsOf(replies: any[]): Receipt[] {
  const all: Receipt[] = replies.flatMap((res) => res.processed.action_traces.map((t: any) => t.receipt));
  return all.sort((a, b) => Number(a.global_sequence) - Number(b.global_sequence));
}

test('a failed transaction between accepted ones leaves no receipt digest in the block it was pushed into', async () => {
  await dn.node.produceBlock();
  const replies: any[] = [];
  replies.push(await transact(dn.client, [newAccountAction('alice', pub)]));
  // its first action runs (and its receipt is digested) before the second fails: alice exists
  assert.is(
    await errorName(transact(dn.client, [newAccountAction('bob', pub), newAccountAction('alice', pub)])),
    'account_name_exists_exception',
  );
  replies.push(await transact(dn.client, [newAccountAction('carol', pub), newAccountAction('dave', pub)]));
  const { num } = await dn.node.produceBlock();
  const block = (await dn.node.chain.getBlock(num))!.block;
  assert.is(block.transactions.length, 2);
  assert.not.ok(dn.node.chain.state.getAccount('bob'));
  const receipts = receiptsOf(replies);
  assert.is(receipts.length, 3);
  assert.is(bytesToHex(block.actionMroot), bytesToHex(legacyMerkleRoot(receipts.map(receiptDigest))));
});

test('a block of many receipts (past the digest buffer growing twice) has the action_mroot of its receipts', async () => {
  const replies: any[] = [];
  for (let i = 0; i < 100; i++) {
    const name = `acct${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26)]}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}`;
    replies.push(await transact(dn.client, [newAccountAction(`${name}a`, pub), newAccountAction(`${name}b`, pub)]));
    if (i % 10 === 5)
      assert.is(
        await errorName(transact(dn.client, [newAccountAction(`${name}c`, pub), newAccountAction(`${name}a`, pub)])),
        'account_name_exists_exception',
      );
  }
  const { num } = await dn.node.produceBlock();
  const block = (await dn.node.chain.getBlock(num))!.block;
  assert.is(block.transactions.length, 100);
  const receipts = receiptsOf(replies);
  assert.is(receipts.length, 200);
  assert.is(bytesToHex(block.actionMroot), bytesToHex(legacyMerkleRoot(receipts.map(receiptDigest))));
});

test('an empty block has the all-zero action_mroot', async () => {
  const { num } = await dn.node.produceBlock();
  assert.is(bytesToHex((await dn.node.chain.getBlock(num))!.block.actionMroot), '00'.repeat(32));
});

test.run();
