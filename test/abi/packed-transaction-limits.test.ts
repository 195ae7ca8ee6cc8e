// Limits that differ by role are parameters of the one packed-transaction reader: the default reader
// inflates up to MAX_DECOMPRESSED_SIZE, a role's limits cap inflation, serialized size and signature
// count with typed errors (COMPRESSION, TOO_BIG), and every spelling of compression is read alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import {
  AntelopeError,
  BinaryReader,
  DEFAULT_PACKED_TRANSACTION_LIMITS,
  MAX_DECOMPRESSED_SIZE,
  PackedTransaction,
  PrivateKey,
  Transaction,
  bytesToHex,
  compressionFrom,
} from '../../abi/antelope/index.js';

const key = PrivateKey.from('5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3');
const trx = (dataBytes: number) =>
  Transaction.from({
    expiration: '2031-01-02T03:04:05',
    ref_block_num: 1,
    ref_block_prefix: 2,
    actions: [
      { account: 'eosio', name: 'noop', authorization: [{ actor: 'alice', permission: 'active' }], data: new Uint8Array(dataBytes) },
    ],
  });
const code = (c: string) => (e: unknown) => e instanceof AntelopeError && e.code === c;

test('the default reader has only the 16 MiB inflate cap', () => {
  assert.equal(DEFAULT_PACKED_TRANSACTION_LIMITS, { maxInflatedBytes: MAX_DECOMPRESSED_SIZE });
  const big = PackedTransaction.fromSigned(trx(600 * 1024), [], [], 'zlib');
  assert.is(PackedTransaction.from(big.toJSON()).getTransaction().actions[0]!.data.length, 600 * 1024);
});

test("a role's inflate cap refuses a zip bomb as COMPRESSION, naming the limit", () => {
  const body = {
    ...PackedTransaction.fromSigned(trx(10), [], [], 'zlib').toJSON(),
    packed_trx: bytesToHex(deflateSync(Buffer.alloc(2048))),
  };
  assert.throws(
    () => PackedTransaction.from(body, { maxInflatedBytes: 1024 }).rawTransaction,
    (e: unknown) => code('COMPRESSION')(e) && /limit 1024 bytes/.test((e as Error).message),
  );
});

test("a role's size cap refuses a larger serialized transaction as TOO_BIG, compressed or not", () => {
  const limits = { maxInflatedBytes: 4096, maxTransactionBytes: 1000 };
  for (const c of ['none', 'zlib'] as const) {
    const p = PackedTransaction.from(PackedTransaction.fromSigned(trx(2000), [], [], c).toJSON(), limits);
    assert.throws(() => p.unpack(), code('TOO_BIG'), c);
    assert.ok(PackedTransaction.from(PackedTransaction.fromSigned(trx(500), [], [], c).toJSON(), limits).unpack().id);
  }
});

test("a role's signature cap refuses more signatures as TOO_BIG, from JSON and from binary", () => {
  const t = trx(1);
  const sig = key.sign(t.signingDigest('00'.repeat(32)));
  const p = PackedTransaction.fromSigned(t, [sig, sig, sig]);
  assert.throws(() => PackedTransaction.from(p.toJSON(), { maxInflatedBytes: 1024, maxSignatures: 2 }), code('TOO_BIG'));
  assert.throws(
    () => PackedTransaction.decode(new BinaryReader(p.toBinary()), { maxInflatedBytes: 1024, maxSignatures: 2 }),
    code('TOO_BIG'),
  );
  assert.is(PackedTransaction.from(p.toJSON(), { maxInflatedBytes: 1024, maxSignatures: 3 }).signatures.length, 3);
});

test('compression in every spelling clients send; anything else is COMPRESSION', () => {
  for (const v of [undefined, null, 0, 'none', false]) assert.is(compressionFrom(v), 'none');
  for (const v of [1, 'zlib', true]) assert.is(compressionFrom(v), 'zlib');
  for (const v of [2, 'lz4', '1', {}]) assert.throws(() => compressionFrom(v), code('COMPRESSION'));
});

test('toBody gives compression as a number, as eosjs sends and the queue stores it', () => {
  const p = PackedTransaction.fromSigned(trx(3), [], [], 'zlib');
  assert.is(p.toBody().compression, 1);
  assert.equal(PackedTransaction.from(p.toBody()).toJSON(), p.toJSON());
});

test.run();
