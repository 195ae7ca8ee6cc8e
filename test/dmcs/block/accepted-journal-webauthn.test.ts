// The accepted-transaction journal keeps WebAuthn signatures (variable length) next to K1 ones
// across a reopen, byte for byte, and a record whose WA length runs past its frame is cut, not read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { PrivateKey, Signature } from '../../../abi/antelope/index.js';
import { AcceptedJournal } from '../../../dmcs/block/accepted-journal.js';
import type { PackedTrx } from '../../../dmcs/block.js';
import { SoftwareAuthenticator } from '../../fixtures/software-authenticator.js';
import { tempDir, removeDir } from '../helpers.js';

const digest = new Uint8Array(32).fill(3);
const wa = new SoftwareAuthenticator().sign(digest, { extraJson: ',"note":"é ünïcode"' });
const k1 = PrivateKey.generate().sign(digest);
const packed: PackedTrx = {
  signatures: [k1, wa, k1],
  compression: 0,
  packedContextFreeData: new Uint8Array([1, 2]),
  packedTrx: new Uint8Array([9, 8, 7]),
};

test('K1 and WA signatures survive a reopen in order', async () => {
  const dir = tempDir('journal-wa');
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
    await journal.append(5, packed);
    await journal.close();
    const { journal: again, carried, cutBytes } = await AcceptedJournal.open(path);
    await again.close();
    assert.is(cutBytes, 0);
    assert.is(carried.length, 1);
    assert.equal(carried[0]!.signatures.map(String), packed.signatures.map(String));
    assert.ok(carried[0]!.signatures[1] instanceof Signature && carried[0]!.signatures[1].webauthn);
    assert.equal([...carried[0]!.packedTrx], [9, 8, 7]);
  } finally {
    removeDir(dir);
  }
});

test('a frame cut inside a WA signature is a torn tail: cut on open, never half-read', async () => {
  const dir = tempDir('journal-wa');
  try {
    const path = join(dir, 'accepted.log');
    const { journal } = await AcceptedJournal.open(path);
    await journal.append(5, packed);
    await journal.append(6, { ...packed, signatures: [wa] });
    await journal.close();
    const full = readFileSync(path);
    writeFileSync(path, full.subarray(0, full.length - 40));
    const { journal: again, carried, cutBytes } = await AcceptedJournal.open(path);
    await again.close();
    assert.is(carried.length, 1);
    assert.ok(cutBytes > 0);
  } finally {
    removeDir(dir);
  }
});

test.run();
