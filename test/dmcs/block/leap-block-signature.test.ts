// Blocks Leap would accept. Every block the node makes is checked by an implementation that shares
// no code with it: wharfkit decodes the block and recovers the signer, and this file re-derives
// Leap's legacy digest sha256(sha256(header_digest ‖ merkle(previous ids)) ‖ schedule_hash) with
// node:crypto and a plain (non-incremental) merkle. The same independent rule is first shown to
// accept blocks written by Leap itself (its unittests/snapshots block logs), and the node's own
// code is shown to accept those blocks and to make a byte-identical block 1 from their genesis.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checksum256, Name, P2P, PublicKey, Serializer, Signature } from '@wharfkit/antelope';
import { GenesisState, keyIdOf } from '../../../abi/antelope/index.js';
import { BlockHeaderState } from '../../../dmcs/block/block-header-state.js';
import { decodeSignedHeader, encodeBlock } from '../../../dmcs/block.js';
import { startDevNode, transact, newAccountAction, testKey, DEV_KEY, type DevNode } from '../helpers.js';
import { leapVectors, type LeapBlockLogs } from './leap-vectors.js';
import { chainIdOfGenesis, fromHex, headerBytes, hex, plainMerkle, scheduleHash, sha, verifyChain } from './leap-oracle.js';

test('the independent rule accepts every block Leap wrote in its unittests block logs', () => {
  const v = leapVectors<LeapBlockLogs>('unittests-snapshots-block-logs.json');
  let checked = 0;
  for (const log of v.logs) {
    const key = PublicKey.from(log.genesis.initial_key);
    let schedHash = scheduleHash(0, [['eosio', String(key)]]);
    const ids: Uint8Array[] = [];
    for (const [i, h] of log.blocks.entries()) {
      const bytes = fromHex(h);
      const header = headerBytes(bytes);
      const id = sha(header);
      new DataView(id.buffer).setUint32(0, i + 1); // Leap: the block number big-endian over the first 4 bytes
      if (i === 0) {
        assert.is(
          hex(bytes.subarray(4 + 8 + 2 + 64, 4 + 8 + 2 + 96)),
          chainIdOfGenesis(log.genesis),
          `${log.file}: block 1 action_mroot is the chain id`,
        );
      } else {
        const np = header[4 + 8 + 2 + 96 + 4];
        if (np === 1) {
          // the block proposing a schedule signs with that schedule's hash
          const r = header.subarray(4 + 8 + 2 + 96 + 4 + 1);
          const n = r[4]!;
          const producers: Array<[string, string]> = [];
          for (let k = 0; k < n; k++) {
            const at = 5 + k * 42;
            producers.push([
              String(Serializer.decode({ data: r.slice(at, at + 8), type: Name })),
              String(Serializer.decode({ data: r.slice(at + 8, at + 42), type: PublicKey })),
            ]);
          }
          schedHash = scheduleHash(new DataView(r.buffer, r.byteOffset).getUint32(0, true), producers);
        }
        const sig = Serializer.decode({ data: bytes.slice(header.length, header.length + 66), type: Signature });
        const digest = sha(sha(sha(header), plainMerkle(ids)), schedHash);
        assert.is(String(sig.recoverDigest(Checksum256.from(digest))), String(key), `${log.file} block ${i + 1}`);
        checked++;
      }
      ids.push(id);
    }
  }
  assert.ok(checked >= 6, `checked ${checked} Leap blocks`);
  // the shared oracle (used on the node's own chains) agrees
  for (const log of v.logs) verifyChain(log.blocks.map(fromHex), log.genesis.initial_key);
});

test("the node's header state accepts Leap's blocks and makes Leap's block 1 byte for byte", () => {
  const v = leapVectors<LeapBlockLogs>('unittests-snapshots-block-logs.json');
  for (const log of v.logs) {
    const genesis = GenesisState.from(log.genesis);
    let state = BlockHeaderState.genesis(genesis);
    const b1 = fromHex(log.blocks[0]!);
    const ours = encodeBlock({ ...state.header, producerSignature: decodeSignedHeader(b1).producerSignature, transactions: [] });
    assert.is(hex(ours), hex(b1), `${log.file}: block 1`);
    for (const [i, h] of log.blocks.entries()) {
      if (i === 0) continue;
      const { header, producerSignature } = decodeSignedHeader(fromHex(h));
      state = state.next(header);
      state.verifySignee(producerSignature, (sig, digest) => keyIdOf(sig.recover(digest)));
    }
    assert.is(state.blockNum, log.blocks.length);
  }
});

test('genesis.json → chain id as Leap computes it (EOS mainnet, Leap unit-test chain)', () => {
  const v = leapVectors<{ cases: Array<{ name: string; genesis: any; chain_id: string }> }>('genesis-chain-ids.json');
  for (const c of v.cases) {
    assert.is(hex(GenesisState.from(c.genesis).chainId()), c.chain_id, c.name);
    assert.is(chainIdOfGenesis(c.genesis), c.chain_id, `${c.name} (independent packing)`);
  }
});

let dn: DevNode;
test.before(async () => {
  dn = await startDevNode();
});
test.after(async () => {
  await dn.close();
});

test('every block the node produces verifies under Leap’s rule with wharfkit and an independent digest', async () => {
  const k = testKey('leapblocks');
  for (let i = 0; i < 6; i++) {
    await transact(dn.client, [newAccountAction(`leapblk${'abcde'[i % 5]}${'abcde'[Math.floor(i / 5)]}`, String(k.toPublic()))]);
    await dn.node.produceBlock();
    await dn.node.produceBlock(); // empty blocks too
  }
  const info = await dn.client.v1.chain.get_info();
  const genesis = JSON.parse(readFileSync(join(dn.dir, 'genesis.json'), 'utf8'));
  assert.is(chainIdOfGenesis(genesis), String(info.chain_id), 'chain id = Leap’s compute_chain_id of genesis.json');
  const schedHash = scheduleHash(0, [['eosio', String(DEV_KEY.toPublic())]]);
  const ids: Uint8Array[] = [];
  const head = Number(info.head_block_num);
  assert.ok(head >= 13);
  for (let n = 1; n <= head; n++) {
    const got = await dn.node.chain.getBlock(n);
    const bytes = encodeBlock(got!.block);
    const decoded = Serializer.decode({ data: bytes, type: P2P.SignedBlock }) as InstanceType<typeof P2P.SignedBlock>;
    const id = decoded.id.array;
    assert.is(hex(id), hex(got!.id), `block ${n} id`);
    if (n === 1) {
      assert.is(String(decoded.producer), '', 'block 1 has no producer');
      assert.is(Number(decoded.confirmed), 1);
      assert.is(String(decoded.action_mroot), String(info.chain_id), 'block 1 action_mroot is the chain id');
      assert.ok(
        decoded.producer_signature.data.array.every((b) => b === 0),
        'block 1 is unsigned',
      );
    } else {
      assert.is(String(decoded.producer), 'eosio');
      const header = Serializer.encode({ object: decoded, type: P2P.BlockHeader }).array;
      const digest = sha(sha(sha(header), plainMerkle(ids)), schedHash);
      const key = decoded.producer_signature.recoverDigest(Checksum256.from(digest));
      assert.is(String(key), String(DEV_KEY.toPublic()), `block ${n} signer`);
    }
    ids.push(id);
  }
  // the node's LIB is Leap's single-producer LIB: the block before the head
  assert.is(Number(info.last_irreversible_block_num), head - 1);
});

test('the block signature covers the merkle of previous ids: the same header after another history does not verify', async () => {
  const got = await dn.node.chain.getBlock(dn.node.chain.head.num);
  const decoded = Serializer.decode({ data: encodeBlock(got!.block), type: P2P.SignedBlock }) as InstanceType<typeof P2P.SignedBlock>;
  const header = Serializer.encode({ object: decoded, type: P2P.BlockHeader }).array;
  const wrongRoot = sha(new Uint8Array([1]));
  const digest = sha(sha(sha(header), wrongRoot), scheduleHash(0, [['eosio', String(DEV_KEY.toPublic())]]));
  assert.is.not(String(decoded.producer_signature.recoverDigest(Checksum256.from(digest))), String(DEV_KEY.toPublic()));
});

test.run();
