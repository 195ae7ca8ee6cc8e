// bench/vault-webauthn.ts runs its three vaults end to end (a credential registered, assertions
// verified, counters persisted) and names every figure under `vault.webauthn.`, ratios in x.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchVaultWebAuthn } from '../../bench/vault-webauthn.js';

test('the WebAuthn bench signs through each vault and reports the ratio to the plain sign round trip', async () => {
  const results = await benchVaultWebAuthn({ runs: 1, samples: 3 });
  assert.equal(
    results.map((r) => `${r.name} ${r.unit}`),
    [
      'vault.webauthn.hmac-sign.p50 µs/op',
      'vault.webauthn.sign.p50 µs/op',
      'vault.webauthn.sign-counted.p50 µs/op',
      'vault.webauthn.verify/hmac x',
      'vault.webauthn.counted/hmac x',
    ],
  );
  assert.ok(results.every((r) => r.median > 0 && r.runs === 1));
});

test.run();
