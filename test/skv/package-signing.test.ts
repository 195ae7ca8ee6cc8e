// The vault's `sign_package` op (issue 8 class 7) spoken as raw dMemo, the way a compromised host
// could: it needs a `package` approval bound to the tagged package digest; an approval for a
// transaction (same bytes as digest, other purpose) does not pass; the result never verifies as a
// transaction signature. And the identity binding of grants (class 6): a grant of one identity
// never serves a request of another, a targeted revoke leaves other identities' grants alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mintAssertion, packageSigningDigest, USER_APP } from '../../skv/index.js';
import { PublicKey, Signature, signingPreimage } from '../../abi/antelope/index.js';
import { sha256 } from '../../abi/antelope/hash.js';
import { RawVault, tempHome, removeHome, packTransaction, transfer, CHAIN_ID } from './helpers.js';

test('sign_package: package approval required, other purposes refused, signature over the tagged digest only', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const packageHash = new Uint8Array(randomBytes(32));
    const digest = packageSigningDigest(packageHash);
    assert.is(await raw.code('sign_package', { packageHash, key: publicKey }), 'ASSERTION_REQUIRED');
    for (const purpose of ['sign', 'grant', 'export'] as const) {
      const a = mintAssertion(raw.registration!, { purpose, app: USER_APP, digest });
      assert.is(await raw.code('sign_package', { packageHash, key: publicKey, assertion: a }), 'ASSERTION_MISMATCH', purpose);
    }
    // an approval of the bare hash (not the tagged digest) does not pass either
    const bare = mintAssertion(raw.registration!, { purpose: 'package', app: USER_APP, digest: packageHash });
    assert.is(await raw.code('sign_package', { packageHash, key: publicKey, assertion: bare }), 'ASSERTION_MISMATCH');
    assert.is(
      await raw.code('sign_package', { packageHash: packageHash.slice(0, 31), key: publicKey, assertion: bare }),
      'MALFORMED_MESSAGE',
    );
    const ok = mintAssertion(raw.registration!, { purpose: 'package', app: USER_APP, digest });
    const r = await raw.call('sign_package', { packageHash, key: publicKey, assertion: ok });
    assert.equal(Array.from(r.digest), Array.from(digest));
    assert.ok(Signature.from(r.signature).verify(digest, PublicKey.from(publicKey)));
    assert.not.ok(Signature.from(r.signature).verify(packageHash, PublicKey.from(publicKey)));
    // a package approval never signs a transaction (its digest is of another preimage and purpose)
    const trx = packTransaction([transfer('1.0000 RSN')]);
    const txDigest = sha256(signingPreimage(Buffer.from(CHAIN_ID, 'hex'), trx));
    const wrong = mintAssertion(raw.registration!, { purpose: 'package', app: USER_APP, digest: txDigest });
    assert.is(
      await raw.code('sign', {
        chainId: Buffer.from(CHAIN_ID, 'hex'),
        transaction: trx,
        keys: [publicKey],
        app: USER_APP,
        assertion: wrong,
      }),
      'ASSERTION_MISMATCH',
    );
    assert.is(await raw.code('sign_package', { packageHash, key: publicKey, assertion: ok }), 'ASSERTION_REPLAYED');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('grants bound to an identity: another identity (or none) is SCOPE_DENIED; a targeted revoke spares other identities', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', {});
    const { grantDigest } = await import('../../skv/index.js');
    const grant = { app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] }, identity: 'PUB_K1_ownerkey' };
    await raw.call('set_grant', {
      grant,
      assertion: mintAssertion(raw.registration!, { purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }),
    });
    const chainId = Buffer.from(CHAIN_ID, 'hex');
    const signAs = (identity?: string) => {
      const transaction = packTransaction([transfer('1.0000 RSN', 'dpay.token', `m${Math.random()}`)]);
      const assertion = mintAssertion(raw.registration!, {
        purpose: 'sign',
        app: 'dpay',
        digest: sha256(signingPreimage(chainId, transaction)),
      });
      return raw.code('sign', { chainId, transaction, keys: [publicKey], app: 'dpay', ...(identity ? { identity } : {}), assertion });
    };
    assert.is(await signAs('PUB_K1_ownerkey'), 'OK');
    assert.is(await signAs('unverified:0123456789abcdef0123456789abcdef'), 'SCOPE_DENIED');
    assert.is(await signAs(undefined), 'SCOPE_DENIED');
    const sealAs = (identity: string, context: string) =>
      raw.code('seal_message', { key: publicKey, peer: publicKey, plaintext: new Uint8Array([1]), app: 'dpay', identity, context });
    assert.is(await sealAs('unverified:00', 'dpay.token'), 'SCOPE_DENIED');
    assert.is(await sealAs('PUB_K1_ownerkey', 'dpay.token'), 'OK');
    // an app's messages belong to the contracts its grant names: another contract's, or none (the
    // host's own seal-to-self context), are refused by the vault itself, whatever the host asks
    for (const context of ['dmessenger', '']) assert.is(await sealAs('PUB_K1_ownerkey', context), 'SCOPE_DENIED', `context '${context}'`);
    assert.is((await raw.call('revoke_grant', { app: 'dpay', identity: 'unverified:00' })).revoked, false);
    assert.is(await signAs('PUB_K1_ownerkey'), 'OK');
    assert.is((await raw.call('revoke_grant', { app: 'dpay', identity: 'PUB_K1_ownerkey' })).revoked, true);
    assert.is(await signAs('PUB_K1_ownerkey'), 'SCOPE_DENIED');
    assert.is(await raw.code('revoke_grant', { app: 'dpay', identity: 'x'.repeat(129) }), 'MALFORMED_MESSAGE');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test.run();
