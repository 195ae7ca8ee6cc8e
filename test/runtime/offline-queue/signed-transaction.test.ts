// What the queue reads from a signed push body (transaction id, expiration), checked against
// @wharfkit/antelope as the oracle, for uncompressed and zlib bodies as wharfkit and eosjs send them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Transaction, PackedTransaction, SignedTransaction, PrivateKey, Action, Name } from '@wharfkit/antelope';
import { inspectSignedTransaction } from '../../../runtime/offline-queue/index.js';
import { TEST_CHAIN_ID } from '../../fixtures/fake-chain.js';

const key = PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3');

function wharfkitSigned(memoSeed: number) {
  const trx = Transaction.from({
    expiration: '2031-01-02T03:04:05',
    ref_block_num: 4242,
    ref_block_prefix: 123456789,
    actions: [
      Action.from({
        account: Name.from('eosio.token'),
        name: Name.from('transfer'),
        authorization: [{ actor: 'alice', permission: 'active' }],
        data: `0000000000855c34${memoSeed.toString(16).padStart(16, '0')}`,
      }),
    ],
  });
  const sig = key.signDigest(trx.signingDigest(TEST_CHAIN_ID));
  return { trx, signed: SignedTransaction.from({ ...trx, signatures: [sig] }) };
}

test('id and expiration match wharfkit for compression none and zlib', () => {
  for (const compression of [0, 1] as const) {
    const { trx, signed } = wharfkitSigned(7 + compression);
    const body = JSON.parse(JSON.stringify(PackedTransaction.fromSigned(signed, compression)));
    const info = inspectSignedTransaction(body);
    assert.is(info.id, String(trx.id), `compression ${compression}`);
    assert.is(info.expiration, '2031-01-02T03:04:05Z');
    assert.is(info.body.compression, compression);
    assert.equal(info.body.signatures, [String(signed.signatures[0])]);
  }
});

test('string compression names as eosjs and Leap accept them', () => {
  const { trx, signed } = wharfkitSigned(9);
  const body = JSON.parse(JSON.stringify(PackedTransaction.fromSigned(signed, 0)));
  assert.is(inspectSignedTransaction({ ...body, compression: 'none' }).id, String(trx.id));
  const z = JSON.parse(JSON.stringify(PackedTransaction.fromSigned(signed, 1)));
  assert.is(inspectSignedTransaction({ ...z, compression: 'zlib' }).id, String(trx.id));
  assert.is(inspectSignedTransaction({ ...body, packed_trx: body.packed_trx.toUpperCase() }).body.packed_trx, body.packed_trx);
});

test.run();
