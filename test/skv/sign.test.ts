// Signing through the facade: several keys at once, legacy EOS key names, context-free data in the
// digest, the exact signed bytes, and @wharfkit/antelope as the independent oracle for recovery.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import * as wharf from '@wharfkit/antelope';
import { PublicKey, Signature, signingDigest, packContextFreeData } from '../../abi/antelope/index.js';
import { VaultError } from '../../skv/index.js';
import { tempHome, removeHome, openTestVault, packTransaction, transfer, CHAIN_ID } from './helpers.js';

test('two keys sign one transaction; wharfkit recovers each signature to its key', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const second = (await vault.createKey('second')).publicKey;
    const transaction = packTransaction([transfer('7.0000 RSN')]);
    const legacy = PublicKey.from(second).toLegacyString();
    const r = await vault.sign({ chainId: CHAIN_ID, transaction, keys: [pub, legacy] });
    assert.is(r.signatures.length, 2);
    const trx = wharf.Serializer.decode({ data: transaction, type: wharf.Transaction }) as wharf.Transaction;
    const digest = trx.signingDigest(wharf.Checksum256.from(CHAIN_ID));
    assert.is(Buffer.from(r.digest).toString('hex'), digest.hexString);
    assert.is(wharf.Signature.from(r.signatures[0]!).recoverDigest(digest).toString(), pub);
    assert.is(wharf.Signature.from(r.signatures[1]!).recoverDigest(digest).toString(), second);
    for (const s of r.signatures) assert.ok(Signature.from(s).isCanonical);
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('context-free data is part of the digest, and signedBytes is its exact pre-image', async () => {
  const home = tempHome();
  try {
    const { vault, pub } = await openTestVault(home);
    const transaction = packTransaction([transfer('1.0000 RSN')]);
    const cfd = packContextFreeData([new Uint8Array([1, 2, 3])]);
    const r = await vault.sign({ chainId: CHAIN_ID, transaction, contextFreeData: cfd, keys: [pub] });
    assert.equal(new Uint8Array(r.digest), signingDigest(CHAIN_ID, transaction, cfd).array);
    assert.equal(new Uint8Array(createHash('sha256').update(r.signedBytes).digest()), new Uint8Array(r.digest));
    assert.is(Buffer.from(r.signedBytes.subarray(32, 32 + transaction.length)).toString('hex'), Buffer.from(transaction).toString('hex'));
    const plain = await vault.sign({ chainId: CHAIN_ID, transaction, keys: [pub] });
    assert.not.equal(new Uint8Array(plain.digest), new Uint8Array(r.digest));
    assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), pub);
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test('unknown or invalid keys are refused before anything is signed', async () => {
  const home = tempHome();
  try {
    const { vault, verifier } = await openTestVault(home);
    const transaction = packTransaction([transfer('1.0000 RSN')]);
    const other = 'PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63';
    for (const [key, code] of [
      [other, 'UNKNOWN_KEY'],
      ['PUB_K1_nope', 'INVALID_KEY'],
    ] as const) {
      try {
        await vault.sign({ chainId: CHAIN_ID, transaction, keys: [key] });
        assert.unreachable();
      } catch (err) {
        assert.instance(err, VaultError);
        assert.is((err as VaultError).code, code);
      }
    }
    assert.is(verifier.seen.length, 1, 'a malformed key is refused before the user is asked; an unknown one after approval, by the vault');
    await vault.close();
  } finally {
    removeHome(home);
  }
});

test.run();
