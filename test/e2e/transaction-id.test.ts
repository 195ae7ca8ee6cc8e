// One transaction-id rule for every role: Leap hashes the transaction re-serialized after decoding,
// so a packed_trx with a non-minimal varuint has the id of its canonical form. The protocol core,
// the node's reader and the offline queue agree with each other and with @wharfkit/antelope (the
// node and the queue used to hash the bytes as sent, and disagreed with Leap on such a body).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import * as W from '@wharfkit/antelope';
import { PackedTransaction, Transaction, bytesToHex, signingDigest } from '../../abi/antelope/index.js';
import { decodePackedTrx, packedTrxFromJson } from '../../dmcs/packed-transaction.js';
import { inspectSignedTransaction } from '../../runtime/offline-queue/index.js';

const key = W.PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3');
const CHAIN = 'cf057bbfb72640471fd910bcb67639c22df9f92470936cddc1ade0e2f2e7dc4f';
const json = {
  expiration: '2031-01-02T03:04:05',
  ref_block_num: 4242,
  ref_block_prefix: 123456789,
  actions: [
    { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: '0000000000855c34' },
  ],
};

test('a non-minimal varuint gets the canonical id from the core, the node and the queue, as wharfkit computes it', () => {
  const canonical = Transaction.from(json).toBinary();
  // max_net_usage_words (offset 10) is 0, encoded as `00`; `80 00` is the same value, non-minimal
  const nonMinimal = new Uint8Array([...canonical.subarray(0, 10), 0x80, 0x00, ...canonical.subarray(11)]);
  assert.is(Transaction.fromBinary(nonMinimal).toBinary().length, canonical.length);
  const expected = W.Transaction.from(json).id.hexString;
  const sig = String(key.signDigest(signingDigest(CHAIN, canonical).array));
  assert.is.not(bytesToHex(W.Checksum256.hash(nonMinimal).array), expected, 'the bytes as sent hash differently');
  for (const compression of [0, 1]) {
    const body = {
      signatures: [sig],
      compression,
      packed_context_free_data: '',
      packed_trx: bytesToHex(compression ? deflateSync(nonMinimal) : nonMinimal),
    };
    assert.is(PackedTransaction.from(body).id.toString(), expected, `core, ${compression}`);
    assert.is(decodePackedTrx(packedTrxFromJson(body)).idHex, expected, `node, ${compression}`);
    assert.is(inspectSignedTransaction(body).id, expected, `queue, ${compression}`);
  }
});

test('the signing digest is of the canonical form too, so the signature over it verifies', () => {
  const canonical = Transaction.from(json).toBinary();
  const nonMinimal = new Uint8Array([...canonical.subarray(0, 10), 0x80, 0x00, ...canonical.subarray(11)]);
  const body = { signatures: [], compression: 0, packed_context_free_data: '', packed_trx: bytesToHex(nonMinimal) };
  assert.is(PackedTransaction.from(body).signingDigest(CHAIN).toString(), W.Transaction.from(json).signingDigest(CHAIN).hexString);
  assert.equal(decodePackedTrx(packedTrxFromJson(body)).trxBytes, canonical);
});

test.run();
