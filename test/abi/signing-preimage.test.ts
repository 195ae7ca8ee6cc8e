// The signing preimage has one home (abi/antelope/transaction.ts) and the vault signs over it: its
// sha256 equals @wharfkit/antelope's signing digest for random transactions, with and without
// context-free data, and it is laid out chain id ‖ packed trx ‖ cfd hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as W from '@wharfkit/antelope';
import { Transaction, bytesToHex, packContextFreeData, sha256, signingDigest, signingPreimage } from '../../abi/antelope/index.js';
import { Prng } from './prng.js';

const SEED = Number(process.env.PEEROS_PROPERTY_SEED ?? 20261202);

function randomTransaction(r: Prng) {
  const name = () => Array.from({ length: r.range(1, 12) }, () => 'abcdefghijklmnopqrstuvwxyz12345'[r.int(31)]).join('');
  return {
    expiration: new Date(Date.UTC(2030, 0, 1) + r.int(1e9) * 1000).toISOString().slice(0, 19),
    ref_block_num: r.int(0x10000),
    ref_block_prefix: r.int(0xffffffff),
    actions: Array.from({ length: r.range(1, 3) }, () => ({
      account: name(),
      name: name(),
      authorization: [{ actor: name(), permission: 'active' }],
      data: bytesToHex(r.bytes(r.int(40))),
    })),
  };
}

test("sha256(signingPreimage) equals wharfkit's signing digest, without and with context-free data", () => {
  const r = new Prng(SEED);
  for (let i = 0; i < 200; i++) {
    const json = randomTransaction(r);
    const chainId = bytesToHex(r.bytes(32));
    const bytes = Transaction.from(json).toBinary();
    const theirs = W.Transaction.from(json);
    assert.is(bytesToHex(sha256(signingPreimage(chainId, bytes))), theirs.signingDigest(chainId).hexString, `seed ${SEED} case ${i}`);
    assert.is(signingDigest(chainId, bytes).toString(), theirs.signingDigest(chainId).hexString);
    const cfd = packContextFreeData([r.bytes(r.range(1, 20))]);
    const withCfd = signingPreimage(chainId, bytes, cfd);
    assert.is(bytesToHex(withCfd.subarray(0, 32)), chainId);
    assert.is(bytesToHex(withCfd.subarray(32, 32 + bytes.length)), bytesToHex(bytes));
    assert.is(bytesToHex(withCfd.subarray(32 + bytes.length)), bytesToHex(sha256(cfd)));
    assert.is(bytesToHex(sha256(withCfd)), signingDigest(chainId, bytes, cfd).toString());
  }
});

test('no context-free data, an empty one and an empty vector all hash as 32 zero bytes', () => {
  const chainId = new Uint8Array(32).fill(7);
  const trx = new Uint8Array([1, 2, 3]);
  const none = signingPreimage(chainId, trx);
  assert.equal(none.subarray(35), new Uint8Array(32));
  assert.equal(signingPreimage(chainId, trx, new Uint8Array(0)), none);
  assert.equal(signingPreimage(chainId, trx, new Uint8Array([0])), none);
});

test.run();
