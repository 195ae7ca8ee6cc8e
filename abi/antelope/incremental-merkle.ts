/**
 * Leap's legacy `incremental_merkle` (libraries/chain/include/eosio/chain/incremental_merkle.hpp):
 * the merkle root of a growing list of leaves, kept as the O(log n) "active nodes" so an append
 * costs one path of hashes. Its root equals legacyMerkleRoot of all leaves appended so far. Binary
 * form (FC_REFLECT order): vector<checksum256> _active_nodes, uint64 _node_count.
 */
import { AntelopeError, describe } from './error.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { canonicalPairHash } from './merkle.js';
import type { BinaryWriter } from './binary-writer.js';
import type { BinaryReader } from './binary-reader.js';

/** Leaves beyond 2^53 do not fit a JS number; a chain of 500 ms blocks reaches that in 10^8 years. */
const MAX_NODE_COUNT = Number.MAX_SAFE_INTEGER;
/** A tree of at most 2^53 leaves needs at most 54 active nodes; more is a corrupt encoding. */
const MAX_ACTIVE_NODES = 64;

export interface IncrementalMerkleJSON {
  _active_nodes: string[];
  _node_count: number;
}

/** Depth of the smallest balanced tree holding `n` leaves: bit_width(bit_ceil(n)). */
function maxDepth(n: number): number {
  if (n === 0) return 0;
  let ceil = 1;
  let width = 1;
  while (ceil < n) {
    ceil *= 2;
    width++;
  }
  return width;
}

export class IncrementalMerkle {
  private nodes: Uint8Array[];
  private count: number;

  constructor(activeNodes: Uint8Array[] = [], nodeCount = 0) {
    if (!Number.isSafeInteger(nodeCount) || nodeCount < 0 || nodeCount > MAX_NODE_COUNT) {
      throw new AntelopeError('INVALID_VALUE', `incremental_merkle: expected a node count 0..2^53, got ${describe(nodeCount)}`);
    }
    if (activeNodes.length > MAX_ACTIVE_NODES || (nodeCount === 0) !== (activeNodes.length === 0)) {
      throw new AntelopeError('INVALID_VALUE', `incremental_merkle: ${activeNodes.length} active nodes do not fit ${nodeCount} leaves`);
    }
    this.nodes = activeNodes;
    this.count = nodeCount;
  }

  get nodeCount(): number {
    return this.count;
  }

  /** Leap `append`: adds a leaf and returns the new root. */
  append(digest: Uint8Array): Uint8Array {
    let partial = false;
    let depth = maxDepth(this.count + 1) - 1;
    let index = this.count;
    let top = digest;
    let active = 0;
    const updated: Uint8Array[] = [];
    while (depth > 0) {
      if (!(index & 1)) {
        // a left node with an implied right twin: keep it only while the subtree is complete
        if (!partial) updated.push(top);
        top = canonicalPairHash(top, top);
        partial = true;
      } else {
        const left = this.nodes[active++];
        if (!left) throw new AntelopeError('INVALID_VALUE', `incremental_merkle: too few active nodes for ${this.count} leaves`);
        if (partial) updated.push(left);
        top = canonicalPairHash(left, top);
      }
      depth--;
      index = Math.floor(index / 2);
    }
    updated.push(top);
    this.nodes = updated;
    this.count++;
    return top;
  }

  /** Leap `get_root`: 32 zero bytes when empty. */
  root(): Uint8Array {
    return this.count > 0 ? this.nodes[this.nodes.length - 1]! : new Uint8Array(32);
  }

  clone(): IncrementalMerkle {
    return new IncrementalMerkle(this.nodes.slice(), this.count);
  }

  static from(json: IncrementalMerkleJSON): IncrementalMerkle {
    if (!json || !Array.isArray(json._active_nodes)) {
      throw new AntelopeError('INVALID_VALUE', `incremental_merkle: expected {_active_nodes, _node_count}, got ${describe(json)}`);
    }
    return new IncrementalMerkle(
      json._active_nodes.map((h) => hexToBytes(h, 'incremental_merkle node')),
      json._node_count,
    );
  }

  toJSON(): IncrementalMerkleJSON {
    return { _active_nodes: this.nodes.map(bytesToHex), _node_count: this.count };
  }

  static decode(r: BinaryReader): IncrementalMerkle {
    const n = r.varuint32();
    if (n > MAX_ACTIVE_NODES)
      throw new AntelopeError('DECODE_INVALID', `incremental_merkle: ${n} active nodes (at most ${MAX_ACTIVE_NODES})`);
    const nodes: Uint8Array[] = [];
    for (let i = 0; i < n; i++) nodes.push(r.raw(32).slice());
    const count = r.u64();
    if (count > BigInt(MAX_NODE_COUNT)) throw new AntelopeError('DECODE_INVALID', `incremental_merkle: node count ${count} is too large`);
    return new IncrementalMerkle(nodes, Number(count));
  }

  encode(w: BinaryWriter): void {
    w.varuint32(this.nodes.length);
    for (const n of this.nodes) w.raw(n);
    w.u64(BigInt(this.count));
  }
}
