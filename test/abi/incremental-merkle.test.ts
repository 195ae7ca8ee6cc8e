// Leap's incremental merkle keeps only O(log n) nodes, yet its root must equal the whole-tree
// legacy merkle of every leaf so far (the root a block signature commits to), at every size,
// and survive its binary and JSON forms (snapshots).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BinaryReader, BinaryWriter, bytesToHex, IncrementalMerkle, legacyMerkleRoot, sha256 } from '../../abi/antelope/index.js';

const leaf = (i: number) => sha256(new TextEncoder().encode(`leaf ${i}`));

test('root equals the legacy merkle of all leaves for 0..300 leaves', () => {
  const m = new IncrementalMerkle();
  const leaves: Uint8Array[] = [];
  assert.is(bytesToHex(m.root()), bytesToHex(new Uint8Array(32)));
  for (let i = 0; i < 300; i++) {
    leaves.push(leaf(i));
    const root = m.append(leaves[i]!);
    assert.is(bytesToHex(root), bytesToHex(legacyMerkleRoot(leaves)), `${i + 1} leaves`);
    assert.ok(m.toJSON()._active_nodes.length <= 10);
  }
});

test('binary and JSON forms round-trip and keep appending identically', () => {
  const m = new IncrementalMerkle();
  for (let i = 0; i < 77; i++) m.append(leaf(i));
  const w = new BinaryWriter();
  m.encode(w);
  const fromBinary = IncrementalMerkle.decode(new BinaryReader(w.finish()));
  const fromJson = IncrementalMerkle.from(JSON.parse(JSON.stringify(m)));
  for (const copy of [fromBinary, fromJson]) {
    assert.is(copy.nodeCount, 77);
    assert.is(bytesToHex(copy.append(leaf(77))), bytesToHex(m.clone().append(leaf(77))));
  }
});

test('an encoding whose active nodes do not fit its count is refused', () => {
  assert.throws(() => new IncrementalMerkle([], 5), /active nodes/);
  assert.throws(() => IncrementalMerkle.from({ _active_nodes: ['00'.repeat(32)], _node_count: 0 }), /active nodes/);
});

test.run();
