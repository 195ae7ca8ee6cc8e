// The node reads packed transactions with the protocol core's reader under its own limits
// (dmcs/packed-transaction.ts: MAX_TRANSACTION_BYTES, MAX_SIGNATURES) and refuses what is over them
// with the Antelope exceptions it always answered: tx_too_big for a transaction over 512 KiB or over
// 64 signatures, tx_decompression_error for zlib that inflates past 512 KiB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import { PackedTransaction, Transaction, bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../../dmcs/chain-error.js';
import {
  MAX_SIGNATURES,
  MAX_TRANSACTION_BYTES,
  NODE_PACKED_TRANSACTION_LIMITS,
  decodePackedTrx,
  packedTrxFromJson,
} from '../../dmcs/packed-transaction.js';
import { startDevNode, DEV_KEY, type DevNode } from './helpers.js';

let dn: DevNode;
test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

const trx = (dataBytes: number) =>
  Transaction.from({
    expiration: '2031-01-02T03:04:05',
    ref_block_num: 1,
    ref_block_prefix: 2,
    actions: [
      { account: 'eosio', name: 'noop', authorization: [{ actor: 'eosio', permission: 'active' }], data: new Uint8Array(dataBytes) },
    ],
  });
const sig = String(DEV_KEY.signDigest('00'.repeat(32)));
const chainError = (name: string) => (e: unknown) => e instanceof ChainError && e.code === name;

test("the node's limits are its named constants", () => {
  assert.equal(NODE_PACKED_TRANSACTION_LIMITS, {
    maxInflatedBytes: MAX_TRANSACTION_BYTES,
    maxTransactionBytes: MAX_TRANSACTION_BYTES,
    maxSignatures: MAX_SIGNATURES,
  });
  assert.is(MAX_TRANSACTION_BYTES, 512 * 1024);
});

test('an uncompressed transaction over 512 KiB is tx_too_big from the node', () => {
  const body = { ...PackedTransaction.fromSigned(trx(MAX_TRANSACTION_BYTES + 1), [sig]).toJSON() };
  assert.throws(() => dn.node.pushTransaction(body), chainError('tx_too_big'));
  assert.throws(
    () => decodePackedTrx(packedTrxFromJson(body)),
    (e: unknown) => chainError('tx_too_big')(e) && /limit is 524288/.test((e as Error).message),
  );
});

test('zlib that inflates past 512 KiB is tx_decompression_error from the node, over HTTP too', async () => {
  const body = {
    signatures: [sig],
    compression: 1,
    packed_context_free_data: '',
    packed_trx: bytesToHex(deflateSync(Buffer.alloc(MAX_TRANSACTION_BYTES + 1))),
  };
  assert.throws(() => dn.node.pushTransaction(body), chainError('tx_decompression_error'));
  const res = await fetch(`${dn.node.endpoint}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(body) });
  const reply = (await res.json()) as { error: { name: string } };
  assert.is(reply.error.name, 'tx_decompression_error');
});

test(`more than ${MAX_SIGNATURES} signatures is tx_too_big, before any key recovery`, async () => {
  const body = { ...PackedTransaction.fromSigned(trx(1), []).toJSON(), signatures: Array.from({ length: MAX_SIGNATURES + 1 }, () => sig) };
  assert.throws(() => packedTrxFromJson(body), chainError('tx_too_big'));
  const res = await fetch(`${dn.node.endpoint}/v1/chain/push_transaction`, { method: 'POST', body: JSON.stringify(body) });
  assert.is(((await res.json()) as { error: { name: string } }).error.name, 'tx_too_big');
});

test("an unknown compression is unknown_transaction_compression in Leap's words", () => {
  assert.throws(
    () => packedTrxFromJson({ signatures: [], compression: 9, packed_trx: '00' }),
    (e: unknown) =>
      chainError('unknown_transaction_compression')(e) && /Unknown transaction compression algorithm: 9/.test((e as Error).message),
  );
});

test.run();
