// sha256 goes through Node's native one-shot hash: it must equal the reference implementation
// (@noble/hashes) for every length around the block boundaries, return plain Uint8Arrays that
// nothing else shares, and sha256Parts must equal the hash of the concatenation for 1, 2 and 3 parts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256, sha256Parts, bytesToHex } from '../../abi/antelope/index.js';
import { SHA256_CONCAT_MAX_BYTES } from '../../abi/antelope/hash.js';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);

test('sha256 equals the reference for lengths 0..300 and a large input', () => {
  for (let n = 0; n <= 300; n++) assert.is(bytesToHex(sha256(bytes(n, n))), bytesToHex(nobleSha256(bytes(n, n))), `length ${n}`);
  const big = bytes(1 << 20, 3);
  assert.is(bytesToHex(sha256(big)), bytesToHex(nobleSha256(big)));
  // the empty string's well-known digest
  assert.is(bytesToHex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('results are plain, unshared Uint8Arrays', () => {
  const a = sha256(bytes(10, 1));
  const b = sha256(bytes(10, 2));
  assert.is(a.constructor, Uint8Array);
  assert.is(a.byteOffset, 0);
  assert.is(a.buffer.byteLength, 32);
  assert.is.not(a.buffer, b.buffer);
  assert.equal(sha256Parts(bytes(5, 1), bytes(7, 2)).constructor, Uint8Array);
});

test('sha256Parts equals the hash of the concatenation', () => {
  // both sides of the concatenate-or-stream limit, in two and three parts
  const M = SHA256_CONCAT_MAX_BYTES;
  for (const lens of [[0], [33], [32, 32], [0, 5], [64, 1], [1, 2, 3], [100, 0, 200], [M - 1, 1], [M, 1], [32, M, 32]]) {
    const parts = lens.map((n, i) => bytes(n, i + 1));
    const all = new Uint8Array(lens.reduce((s, n) => s + n, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    assert.is(bytesToHex(sha256Parts(...parts)), bytesToHex(nobleSha256(all)), lens.join('+'));
  }
});

test.run();
