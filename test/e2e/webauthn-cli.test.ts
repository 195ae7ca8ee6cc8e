// Once a WebAuthn credential is registered in the vault, the CLI's own approvals (terminal, `--yes`)
// approve nothing: `peeros sign --yes` and `peeros key export --yes`, spawned as a user runs them
// (real scrypt parameters), exit non-zero with WEBAUTHN_REQUIRED and print no signature or key —
// the host process holds the HMAC secret, and the vault no longer takes its word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vault, WebAuthnVerifier } from '../../skv/index.js';
import { BrowserAuthenticator } from '../fixtures/software-authenticator.js';
import { packTransaction, transfer, CHAIN_ID } from '../skv/helpers.js';
import { runCli } from './measured-cli.js';

const PASS = 'webauthn cli passphrase';

test('with a credential registered, peeros sign --yes and key export --yes are refused (WEBAUTHN_REQUIRED)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'peeros-e2e-webauthn-'));
  try {
    const auth = new BrowserAuthenticator('localhost', 'http://localhost:8443');
    const vault = Vault.open({ home });
    let pub: string;
    try {
      await vault.unlock(PASS, { verifier: new WebAuthnVerifier(async (r) => auth.get(r.webauthn.challenge)), create: true });
      pub = (await vault.createKey('cli')).publicKey;
      const ch = await vault.webAuthnRegistrationChallenge('localhost', 'http://localhost:8443');
      await vault.registerWebAuthn({ rpId: 'localhost', origin: 'http://localhost:8443', nonce: ch.nonce, ...auth.create(ch.challenge) });
    } finally {
      await vault.close();
    }
    const env = { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS };
    const packed = Buffer.from(packTransaction([transfer('1.0000 RSN')])).toString('hex');
    const sign = await runCli(['sign', '--chain-id', CHAIN_ID, '--packed', packed, '--key', pub, '--yes'], env, 120_000);
    assert.is.not(sign.code, 0);
    assert.match(sign.err, /WEBAUTHN_REQUIRED|WebAuthn credential is registered/);
    assert.not.match(sign.out, /SIG_K1_/);
    const exp = await runCli(['key', 'export', pub, '--yes'], env, 120_000);
    assert.is.not(exp.code, 0);
    assert.match(exp.err, /WEBAUTHN_REQUIRED|WebAuthn credential is registered/);
    assert.not.match(`${exp.out}${exp.err}`, /PVT_K1_/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
