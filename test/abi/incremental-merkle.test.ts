// Leap's incremental merkle keeps only O(log n) nodes, yet its root must equal the whole-tree
// legacy merkle of every leaf so far (the root a block signature commits to), at every size,
// and survive its binary and JSON forms (snapshots).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BinaryReader,
  BinaryWriter,
  bytesToHex,
  canonicalPairHash,
  IncrementalMerkle,
  legacyMerkleRoot,
  legacyMerkleRootOfFlat,
  sha256,
} from '../../abi/antelope/index.js';

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

test('the in-place legacy merkle matches the tree built node by node; its leaves and earlier roots stay untouched', () => {
  // the tree as Leap's merkle() builds it: one array per level, the last node repeated on an odd level
  const byNodes = (ids: Uint8Array[]) => {
    let level = ids.slice();
    while (level.length > 1) {
      if (level.length % 2) level.push(level[level.length - 1]!);
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(canonicalPairHash(level[i]!, level[i + 1]!));
      level = next;
    }
    return level[0]!;
  };
  const leaves = Array.from({ length: 1_537 }, (_, i) => leaf(i));
  const copies = leaves.map((l) => l.slice());
  const roots: [Uint8Array, string][] = [];
  for (const n of [1, 2, 3, 5, 64, 65, 500, 1_537, 7]) {
    const root = legacyMerkleRoot(leaves.slice(0, n));
    assert.is(bytesToHex(root), bytesToHex(byNodes(leaves.slice(0, n))), `${n} leaves`);
    roots.push([root, bytesToHex(root)]);
  }
  for (const [root, hex] of roots) assert.is(bytesToHex(root), hex, 'a root is its own array, not the reused scratch');
  assert.equal(leaves, copies, 'leaves not modified');
  assert.throws(() => legacyMerkleRoot([leaf(0), new Uint8Array(31)]), /merkle leaf 1 is 31 bytes/);
});

test('the root over leaves stored back to back equals the root over the same leaves as arrays, and reads them without changing them', () => {
  const leaves = Array.from({ length: 1_025 }, (_, i) => leaf(i));
  for (const n of [0, 1, 2, 3, 7, 64, 65, 1_025]) {
    const flat = new Uint8Array(32 * n + 5).subarray(3, 3 + 32 * n); // a view at an offset, as a list's used part is
    leaves.slice(0, n).forEach((l, i) => flat.set(l, 32 * i));
    const copy = flat.slice();
    assert.is(bytesToHex(legacyMerkleRootOfFlat(flat)), bytesToHex(legacyMerkleRoot(leaves.slice(0, n))), `${n} leaves`);
    assert.equal(flat, copy, 'leaves not modified');
  }
  assert.throws(() => legacyMerkleRootOfFlat(new Uint8Array(33)), /not 32-byte leaves/);
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
