// Blocks Leap would accept. Every block the node makes is checked by an implementation that shares
// no code with it: wharfkit decodes the block and recovers the signer, and this file re-derives
// Leap's legacy digest sha256(sha256(header_digest ‖ merkle(previous ids)) ‖ schedule_hash) with
// node:crypto and a plain (non-incremental) merkle. The same independent rule is first shown to
// accept blocks written by Leap itself (its unittests/snapshots block logs), and the node's own
// code is shown to accept those blocks and to make a byte-identical block 1 from their genesis.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Checksum256, Name, P2P, PublicKey, Serializer, Signature, TimePoint, UInt16, UInt32, UInt64 } from '@wharfkit/antelope';
import { GenesisState, keyIdOf } from '../../../abi/antelope/index.js';
import { BlockHeaderState } from '../../../dmcs/block/block-header-state.js';
import { decodeSignedHeader, encodeBlock } from '../../../dmcs/block.js';
import { startDevNode, transact, newAccountAction, testKey, DEV_KEY, type DevNode } from '../helpers.js';
import { leapVectors, type LeapBlockLogs } from './leap-vectors.js';

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** Leap's legacy merkle over canonical pairs, whole tree every time (the node keeps it incrementally). */
function plainMerkle(ids: Uint8Array[]): Uint8Array {
  if (ids.length === 0) return new Uint8Array(32);
  let level: Uint8Array[] = ids.map((x) => x.slice());
  while (level.length > 1) {
    if (level.length % 2) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i]!.slice();
      const r = level[i + 1]!.slice();
      l[0]! &= 0x7f;
      r[0]! |= 0x80;
      next.push(sha(l, r));
    }
    level = next;
  }
  return level[0]!;
}

/** sha256 of a legacy producer_schedule_type, packed with wharfkit's primitives. */
function scheduleHash(version: number, producers: Array<[string, string]>): Uint8Array {
  const parts: Uint8Array[] = [Serializer.encode({ object: UInt32.from(version) }).array, new Uint8Array([producers.length])];
  for (const [name, key] of producers) {
    parts.push(Serializer.encode({ object: Name.from(name) }).array, Serializer.encode({ object: PublicKey.from(key) }).array);
  }
  return sha(...parts);
}

/** Leap's chain id of a genesis.json, packed with wharfkit's primitives (FC_REFLECT order). */
function chainIdOfGenesis(g: { initial_timestamp: string; initial_key: string; initial_configuration?: Record<string, number> }): string {
  const c = g.initial_configuration ?? {};
  const parts = [
    Serializer.encode({ object: TimePoint.from(g.initial_timestamp) }).array,
    Serializer.encode({ object: PublicKey.from(g.initial_key) }).array,
    Serializer.encode({ object: UInt64.from(c.max_block_net_usage ?? 1048576) }).array,
  ];
  const u32 = ['target_block_net_usage_pct', 'max_transaction_net_usage', 'base_per_transaction_net_usage', 'net_usage_leeway'];
  const u32b = [
    'context_free_discount_net_usage_num',
    'context_free_discount_net_usage_den',
    'max_block_cpu_usage',
    'target_block_cpu_usage_pct',
  ];
  const u32c = ['max_transaction_cpu_usage', 'min_transaction_cpu_usage', 'max_transaction_lifetime', 'deferred_trx_expiration_window'];
  const u32d = ['max_transaction_delay', 'max_inline_action_size'];
  const defaults: Record<string, number> = {
    target_block_net_usage_pct: 1000,
    max_transaction_net_usage: 524288,
    base_per_transaction_net_usage: 12,
    net_usage_leeway: 500,
    context_free_discount_net_usage_num: 20,
    context_free_discount_net_usage_den: 100,
    max_block_cpu_usage: 200000,
    target_block_cpu_usage_pct: 1000,
    max_transaction_cpu_usage: 150000,
    min_transaction_cpu_usage: 100,
    max_transaction_lifetime: 3600,
    deferred_trx_expiration_window: 600,
    max_transaction_delay: 3888000,
    max_inline_action_size: 524288,
    max_inline_action_depth: 4,
    max_authority_depth: 6,
  };
  for (const f of [...u32, ...u32b, ...u32c, ...u32d]) parts.push(Serializer.encode({ object: UInt32.from(c[f] ?? defaults[f]!) }).array);
  for (const f of ['max_inline_action_depth', 'max_authority_depth'])
    parts.push(Serializer.encode({ object: UInt16.from(c[f] ?? defaults[f]!) }).array);
  return hex(sha(...parts));
}

/** The header bytes of a signed block: everything before the signature (read by offsets, not by the node's decoder). */
function headerBytes(block: Uint8Array): Uint8Array {
  let p = 4 + 8 + 2 + 32 * 3 + 4;
  const readVarUint = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = block[p++]!;
      v |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  if (block[p++] === 1) {
    p += 4;
    const n = readVarUint();
    p += n * (8 + 34);
  }
  const exts = readVarUint();
  for (let i = 0; i < exts; i++) {
    p += 2;
    const len = readVarUint(); // read before adding: `p += readVarUint()` would add to the old p
    p += len;
  }
  return block.subarray(0, p);
}

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
