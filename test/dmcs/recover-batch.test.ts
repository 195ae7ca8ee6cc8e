// The key recovery pool hands a batch to a worker as one transferred buffer (recover-batch.ts): the
// items read back are the items written, whatever their sizes, and through real worker threads every
// recovery answers its own signature, in order, refusals included (issue 15).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyType, PrivateKey, Signature, keyIdOf, bytesToHex } from '../../abi/antelope/index.js';
import { forEachRecoverItem, packRecoverItems, RECOVER_ITEM_OVERHEAD } from '../../dmcs/keys/recover-batch.js';
import { KeyRecoveryPool, MAX_RECOVERY_BATCH } from '../../dmcs/keys/key-recovery-pool.js';

const filled = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

test('items read back equal the items written (K1, WA-sized and a payload longer than 64 KiB)', () => {
  const sizes = [65, 0, 300, 70_000, 65];
  const sigs = sizes.map((n, i) => ({ type: i === 1 ? KeyType.R1 : n === 65 ? KeyType.K1 : KeyType.WA, data: filled(n, i) }));
  const digests = sizes.map((_, i) => filled(32, 100 + i));
  const items = packRecoverItems(sigs, digests);
  assert.is(
    items.length,
    sizes.reduce((s, n) => s + n + RECOVER_ITEM_OVERHEAD, 0),
  );
  assert.is(items.byteOffset, 0);
  assert.is(items.buffer.byteLength, items.length, 'the buffer holds exactly the items (it is transferred whole)');
  const seen: string[] = [];
  forEachRecoverItem({ id: 1, count: sigs.length, items }, (type, payload, digest) => {
    seen.push(`${type}:${bytesToHex(payload)}:${bytesToHex(digest)}`);
  });
  assert.equal(
    seen,
    sigs.map((s, i) => `${s.type}:${bytesToHex(s.data)}:${bytesToHex(digests[i]!)}`),
  );
  assert.throws(() => packRecoverItems([sigs[0]!], [new Uint8Array(31)]), /32 bytes/);
});

test('through real workers: each of several batches answers its own keys in order, a bad signature is refused alone', async () => {
  const pool = new KeyRecoveryPool(2);
  try {
    const n = MAX_RECOVERY_BATCH * 3 + 5;
    const keys = Array.from({ length: 8 }, () => PrivateKey.generate());
    const jobs = Array.from({ length: n }, (_, i) => {
      const key = keys[i % keys.length]!;
      const digest = filled(32, i);
      let sig = key.sign(digest);
      // one signature with a recovery header out of range: refused, the others unaffected
      if (i === 40)
        sig = new Signature(
          KeyType.K1,
          Uint8Array.from(sig.data, (b, j) => (j === 0 ? 99 : b)),
        );
      return { want: i === 40 ? 'refused' : keyIdOf(key.toPublic()), got: pool.recover(sig, digest) };
    });
    const got = await Promise.all(jobs.map((j) => j.got.catch((e: Error) => (/recovery header/.test(e.message) ? 'refused' : e.message))));
    assert.equal(
      got,
      jobs.map((j) => j.want),
    );
    let refused = '';
    await pool.recover(keys[0]!.sign(filled(32, 1)), new Uint8Array(31)).catch((e: Error) => (refused = e.message));
    assert.match(refused, /32 bytes/);
  } finally {
    await pool.close();
  }
});

test.run();
