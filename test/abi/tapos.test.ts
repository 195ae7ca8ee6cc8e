// TaPoS has one home, abi/antelope/block-id.ts: for random block ids its reference fields equal
// @wharfkit/antelope's (GetInfoResponse.getTransactionHeader), block ids made from a header digest
// equal wharfkit's BlockId.fromBlockChecksum, and a header references exactly the block it names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as W from '@wharfkit/antelope';
import { BlockId, bytesToHex } from '../../abi/antelope/index.js';
import { Prng } from './prng.js';

const SEED = Number(process.env.PEEROS_PROPERTY_SEED ?? 20261202);

test("random block ids: ref_block_num and ref_block_prefix equal wharfkit's", () => {
  const r = new Prng(SEED);
  for (let i = 0; i < 500; i++) {
    const blockNum = r.int(0xffffffff);
    const id = BlockId.fromBlockChecksum(r.bytes(32), blockNum);
    const info = W.API.v1.GetInfoResponse.from({
      server_version: 'x',
      chain_id: '00'.repeat(32),
      head_block_num: blockNum,
      last_irreversible_block_num: blockNum,
      last_irreversible_block_id: id.toString(),
      head_block_id: id.toString(),
      head_block_time: '2026-01-01T00:00:00.000',
      head_block_producer: 'eosio',
      virtual_block_cpu_limit: 0,
      virtual_block_net_limit: 0,
      block_cpu_limit: 0,
      block_net_limit: 0,
    });
    const theirs = info.getTransactionHeader(60);
    assert.is(id.blockNum, blockNum, `seed ${SEED} case ${i}`);
    assert.equal(
      id.tapos,
      { ref_block_num: Number(theirs.ref_block_num), ref_block_prefix: Number(theirs.ref_block_prefix) },
      `seed ${SEED} case ${i}`,
    );
  }
});

test("block ids from a header digest equal wharfkit's BlockId.fromBlockChecksum", () => {
  const r = new Prng(SEED ^ 0xb10c);
  for (let i = 0; i < 200; i++) {
    const digest = r.bytes(32);
    const num = r.int(0xffffffff);
    const theirs = W.BlockId.fromBlockChecksum(W.Checksum256.from(digest), num);
    assert.is(bytesToHex(BlockId.fromBlockChecksum(digest, num).array), theirs.hexString);
  }
});

test('a header references exactly the block it names (Leap verify_reference_block)', () => {
  const id = BlockId.fromBlockChecksum('ab'.repeat(32), 0x12345);
  assert.ok(id.isReferencedBy(id.tapos));
  assert.not.ok(id.isReferencedBy({ ...id.tapos, ref_block_prefix: (id.tapos.ref_block_prefix + 1) >>> 0 }));
  assert.not.ok(id.isReferencedBy({ ...id.tapos, ref_block_num: (id.tapos.ref_block_num + 1) & 0xffff }));
});

test('the in-place check on bytes agrees with the tapos fields for random ids (high prefix bit included)', () => {
  const r = new Prng(SEED + 1);
  for (let i = 0; i < 500; i++) {
    const id = BlockId.fromBlockChecksum(r.bytes(32), r.int(0xffffffff));
    const t = id.tapos;
    assert.ok(BlockId.bytesReferencedBy(id.array, t));
    assert.not.ok(BlockId.bytesReferencedBy(id.array, { ...t, ref_block_prefix: (t.ref_block_prefix ^ 0x80000000) >>> 0 }));
    assert.not.ok(BlockId.bytesReferencedBy(id.array, { ...t, ref_block_num: (t.ref_block_num + 1) & 0xffff }));
  }
  assert.throws(() => BlockId.bytesReferencedBy(new Uint8Array(31), { ref_block_num: 0, ref_block_prefix: 0 }), /32 bytes/);
});

test.run();
