// The vault's native K1 signer (abi/antelope/native-secp256k1.ts) gives the bytes noble's
// PrivateKey.sign gives — plain RFC 6979 and the counter retries of Leap's canonical rule alike —
// and a signature that recovers to the signing key; R1 keys stay with noble.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { KeyType, PrivateKey, loadNativeSecp256k1, signCanonical, signK1Native } from '../../abi/antelope/index.js';

const lib = loadNativeSecp256k1();

test('the secp256k1 addon loads here (a runtime dependency: the node and the vault rely on it)', () => {
  assert.ok(lib, 'secp256k1/bindings.js did not load');
});

test('native canonical K1 signatures are byte for byte those of noble, retries included', () => {
  let retried = 0;
  for (let i = 0; i < 200; i++) {
    const key = PrivateKey.generate();
    const digest = new Uint8Array(randomBytes(32));
    const noble = key.sign(digest);
    const native = signK1Native(lib!, key, digest);
    assert.is(native.toString(), noble.toString(), `key ${i}`);
    assert.ok(native.isCanonical);
    assert.is(native.recover(digest).toString(), key.toPublic().toString());
    assert.is(signCanonical(key, digest).toString(), noble.toString());
    // attempt 0 is plain RFC 6979: a signature whose first try was canonical has no extra data
    const first = lib!.ecdsaSign(digest, key.data);
    if (Buffer.compare(Buffer.from(first.signature), Buffer.from(native.data.subarray(1))) !== 0) retried++;
  }
  assert.ok(retried > 20, `only ${retried} of 200 signatures needed a retry: the counter path was not exercised`);
});

test('R1 keys are signed by noble (the addon is K1 only), and the native path refuses them', () => {
  const key = PrivateKey.generate(undefined, KeyType.R1);
  const digest = new Uint8Array(randomBytes(32));
  const sig = signCanonical(key, digest);
  assert.is(sig.recover(digest).toString(), key.toPublic().toString());
  assert.throws(() => signK1Native(lib!, key, digest), /only K1 keys/);
});

test.run();
