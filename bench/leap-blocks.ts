/**
 * What Leap's block rule costs a node that applies blocks (same run, same machine):
 * - `dmcs.block.verify`: ns to check one block header under Leap's legacy rule — the header state's
 *   `next` (slot producer, confirmations, LIB, schedule, incremental merkle append of the previous
 *   id) plus `verifySignee` (sig digest, key recovery with the node's recovery: native when it
 *   loads, named in the figure); over 1,000 empty blocks of a one-producer chain.
 * - `dmcs.block.verify/recover`: that cost over one bare key recovery with the same implementation
 *   (how much the rule adds beyond the unavoidable recovery).
 * - `dmcs.block.merkle.append`: ns per incremental merkle append, 10,000 block ids from empty.
 * - `dmcs.block.merkle.append/sha256`: that over one sha256 of 64 bytes (an append hashes about
 *   log2(n) canonical pairs).
 */
import { GenesisState, IncrementalMerkle, PrivateKey, sha256, TimePoint } from '../abi/antelope/index.js';
import { BlockHeaderState } from '../dmcs/block/block-header-state.js';
import type { BlockHeader } from '../dmcs/block.js';
import { defaultKeyRecovery } from '../dmcs/keys/key-recovery.js';
import type { Signature } from '../abi/antelope/index.js';
import { summarize, type BenchResult } from './result.js';

const BLOCKS = 1000;
const LEAVES = 10_000;

function chainOf(key: PrivateKey): {
  genesis: BlockHeaderState;
  blocks: Array<{ header: BlockHeader; sig: Signature; digest: Uint8Array }>;
} {
  const genesis = BlockHeaderState.genesis(new GenesisState(TimePoint.from('2026-01-01T00:00:00.000'), key.toPublic()));
  const blocks: Array<{ header: BlockHeader; sig: Signature; digest: Uint8Array }> = [];
  let state = genesis;
  for (let i = 0; i < BLOCKS; i++) {
    const last = state.producerToLastProduced.get('eosio');
    const header: BlockHeader = {
      timestamp: state.header.timestamp + 1,
      producer: 'eosio',
      confirmed: last !== undefined && last < state.blockNum ? state.blockNum - last : 0,
      previous: state.id,
      transactionMroot: new Uint8Array(32),
      actionMroot: new Uint8Array(32),
      scheduleVersion: state.activeSchedule.version,
    };
    state = state.next(header);
    const digest = state.sigDigest();
    blocks.push({ header, sig: key.sign(digest), digest });
  }
  return { genesis, blocks };
}

export function leapBlockBench(runs: number): BenchResult[] {
  const recovery = defaultKeyRecovery();
  const { genesis, blocks } = chainOf(PrivateKey.generate());
  const recover = (s: Signature, d: Uint8Array) => recovery.recover(s, d);
  const verifyNs: number[] = [];
  const recoverNs: number[] = [];
  for (let r = -1; r < runs; r++) {
    let t0 = process.hrtime.bigint();
    let state = genesis;
    for (const b of blocks) {
      state = state.next(b.header);
      state.verifySignee(b.sig, recover);
    }
    const v = Number(process.hrtime.bigint() - t0) / blocks.length;
    t0 = process.hrtime.bigint();
    for (const b of blocks) recover(b.sig, b.digest);
    const rec = Number(process.hrtime.bigint() - t0) / blocks.length;
    if (r >= 0) {
      verifyNs.push(v);
      recoverNs.push(rec);
    }
  }
  const ids = Array.from({ length: LEAVES }, (_, i) => sha256(new Uint8Array([i & 0xff, (i >> 8) & 0xff, i >> 16])));
  const pair = new Uint8Array(64);
  const appendNs: number[] = [];
  const shaNs: number[] = [];
  for (let r = -1; r < runs; r++) {
    const m = new IncrementalMerkle();
    let t0 = process.hrtime.bigint();
    for (const id of ids) m.append(id);
    const a = Number(process.hrtime.bigint() - t0) / LEAVES;
    t0 = process.hrtime.bigint();
    for (let i = 0; i < LEAVES; i++) {
      pair[0] = i & 0xff;
      sha256(pair);
    }
    const h = Number(process.hrtime.bigint() - t0) / LEAVES;
    if (r >= 0) {
      appendNs.push(a);
      shaNs.push(h);
    }
  }
  return [
    summarize(`dmcs.block.verify (${recovery.name})`, 'ns/op', verifyNs),
    summarize(
      'dmcs.block.verify/recover',
      'x',
      verifyNs.map((v, i) => v / recoverNs[i]!),
    ),
    summarize('dmcs.block.merkle.append', 'ns/op', appendNs),
    summarize(
      'dmcs.block.merkle.append/sha256',
      'x',
      appendNs.map((v, i) => v / shaNs[i]!),
    ),
  ];
}
