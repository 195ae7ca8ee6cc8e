// A real browser's authenticator approves signatures inside the vault: Debian's Chromium, driven by
// playwright-core over CDP with a virtual authenticator (ctap2, internal, user verification on),
// registers a credential over the registration challenge the vault issued (page at
// https://peeros.test, served through request interception), the vault worker verifies the
// attestation and keeps the credential, then the browser asserts over the challenge the vault issued
// for a transaction and the vault signs it. An assertion the browser made for one request does not
// approve the next one. Runs when Chromium (PEEROS_CHROMIUM, else Debian's path) and playwright-core
// are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Signature } from '../../abi/antelope/index.js';
import { Vault, VaultError, WebAuthnVerifier, type WebAuthnCeremonyResult } from '../../skv/index.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID, PASS } from './helpers.js';
import { chromium, openPasskeyPage, type PasskeyBrowser, type PasskeyPage } from '../fixtures/chromium.js';

const RP_ID = 'peeros.test';
const ORIGIN = `https://${RP_ID}`;

/** What the test page runs (plain browser script; the project compiles without DOM types). */
const PAGE = `<!doctype html><title>PeerOS vault WebAuthn test</title><script>
const enc = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
const dec = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
async function register(challenge, rpId) {
  const cred = await navigator.credentials.create({ publicKey: {
    rp: { id: rpId, name: 'PeerOS' },
    user: { id: new Uint8Array([1, 2, 3, 4]), name: 'alice', displayName: 'alice' },
    challenge: dec(challenge), attestation: 'none',
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' } } });
  return { id: enc(cred.rawId), clientDataJSON: enc(cred.response.clientDataJSON), attestationObject: enc(cred.response.attestationObject) };
}
async function assertWith(id, challenge, rpId) {
  const got = await navigator.credentials.get({ publicKey: { challenge: dec(challenge), rpId,
    allowCredentials: [{ type: 'public-key', id: dec(id) }], userVerification: 'required' } });
  const r = got.response;
  return { id: enc(got.rawId), authenticatorData: enc(r.authenticatorData), clientDataJSON: enc(r.clientDataJSON), signature: enc(r.signature) };
}
</script>`;

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

const browserOrWhy = chromium<PasskeyBrowser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('a Chromium authenticator registers with the vault and approves a signature the vault verifies');
} else {
  let browser: PasskeyBrowser;
  let page: PasskeyPage;

  test.before(async () => {
    browser = await browserOrWhy.launch();
    page = await openPasskeyPage(browser, ORIGIN, PAGE);
  });
  test.after(async () => {
    await browser?.close();
  });

  test('a Chromium authenticator registers with the vault and approves a signature the vault verifies', async () => {
    const home = tempHome();
    let credentialId = '';
    let last: WebAuthnCeremonyResult | undefined;
    let replay = false;
    const verifier = new WebAuthnVerifier(async (r) => {
      if (replay && last) return last; // a host handing back the browser's previous assertion
      const a = await page.evaluate<{ id: string; authenticatorData: string; clientDataJSON: string; signature: string }>(
        `assertWith(${JSON.stringify(credentialId)}, ${JSON.stringify(toB64(r.webauthn.challenge))}, ${JSON.stringify(RP_ID)})`,
      );
      last = {
        credentialId: b64(a.id),
        authenticatorData: b64(a.authenticatorData),
        clientDataJSON: b64(a.clientDataJSON),
        signature: b64(a.signature),
      };
      return last;
    });
    const vault = Vault.open({ home, insecureTestKdf: true });
    try {
      await vault.unlock(PASS, { verifier, create: true });
      const { publicKey } = await vault.createKey('passkey-approved');

      const ch = await vault.webAuthnRegistrationChallenge(RP_ID, ORIGIN);
      const reg = await page.evaluate<{ id: string; clientDataJSON: string; attestationObject: string }>(
        `register(${JSON.stringify(toB64(ch.challenge))}, ${JSON.stringify(RP_ID)})`,
      );
      credentialId = reg.id;
      const info = await vault.registerWebAuthn({
        rpId: RP_ID,
        origin: ORIGIN,
        nonce: ch.nonce,
        clientDataJSON: b64(reg.clientDataJSON),
        attestationObject: b64(reg.attestationObject),
      });
      assert.is(toB64(info.id), reg.id);

      const r = await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [publicKey] });
      assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), publicKey);
      const client = JSON.parse(new TextDecoder().decode(last!.clientDataJSON)) as { type: string; origin: string };
      assert.is(client.type, 'webauthn.get');
      assert.is(client.origin, ORIGIN);

      replay = true;
      const refused = await vault
        .sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('2.0000 RSN')]), keys: [publicKey] })
        .catch((e: unknown) => e);
      assert.instance(refused, VaultError);
      assert.is((refused as VaultError).code, 'ASSERTION_MISMATCH', 'the old assertion does not approve a new request');
      replay = false;
      await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('3.0000 RSN')]), keys: [publicKey] });
    } finally {
      await vault.close();
      removeHome(home);
    }
  });
}

test.run();
