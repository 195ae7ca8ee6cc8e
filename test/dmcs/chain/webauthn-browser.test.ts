// A real browser's passkey signs a transfer the node accepts: Debian's Chromium, driven by
// playwright-core over CDP with a virtual authenticator (ctap2, internal, user verification on),
// registers a P-256 credential on https://peeros.test (served by the test through request
// interception, so no certificate or DNS is needed), the account's active key becomes that
// credential's PUB_WA_ key, and `navigator.credentials.get` with the transfer digest as challenge
// yields the assertion that, as a SIG_WA_, moves tokens on the embedded node and reads back from
// the block with wharfkit. Runs when Chromium (PEEROS_CHROMIUM, else Debian's path) and
// playwright-core are present (test/fixtures/chromium.ts); prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserPresence, type Signature, signatureFromAssertion, webAuthnKeyFromSpki, type PublicKey } from '../../../abi/antelope/index.js';
import { startPasskeyTokenChain, type PasskeyTokenChain } from './passkey-token-chain.js';
import { chromium, openPasskeyPage, type PasskeyBrowser, type PasskeyPage } from '../../fixtures/chromium.js';

const RP_ID = 'peeros.test';

/** What the test page runs (plain browser script; the project compiles without DOM types). */
const PAGE = `<!doctype html><title>PeerOS passkey test</title><script>
const enc = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
const dec = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
async function register(rpId) {
  const cred = await navigator.credentials.create({ publicKey: {
    rp: { id: rpId, name: 'PeerOS' },
    user: { id: new Uint8Array([1, 2, 3, 4]), name: 'alice', displayName: 'alice' },
    challenge: crypto.getRandomValues(new Uint8Array(32)),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' } } });
  return { id: enc(cred.rawId), spki: enc(cred.response.getPublicKey()) };
}
async function assertWith(id, challenge, rpId) {
  const got = await navigator.credentials.get({ publicKey: { challenge: dec(challenge), rpId,
    allowCredentials: [{ type: 'public-key', id: dec(id) }], userVerification: 'required' } });
  const r = got.response;
  return { authenticatorData: enc(r.authenticatorData), clientDataJSON: enc(r.clientDataJSON), signature: enc(r.signature) };
}
</script>`;

const browserOrWhy = chromium<PasskeyBrowser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('a Chromium passkey signs a transfer the node accepts');
} else {
  let chain: PasskeyTokenChain;
  let browser: PasskeyBrowser;
  let page: PasskeyPage;

  test.before(async () => {
    chain = await startPasskeyTokenChain();
    browser = await browserOrWhy.launch();
    page = await openPasskeyPage(browser, `https://${RP_ID}`, PAGE);
  });
  test.after(async () => {
    await browser?.close();
    await chain?.dn.close();
  });

  const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

  test('a Chromium passkey signs a transfer the node accepts', async () => {
    const reg = await page.evaluate<{ id: string; spki: string }>(`register(${JSON.stringify(RP_ID)})`);
    const key: PublicKey = webAuthnKeyFromSpki(b64(reg.spki), RP_ID, UserPresence.VERIFIED);
    await chain.setActiveKey(key);

    // the browser is asynchronous, the signer callback is not: get the assertion first, then hand it over
    let assertion: Signature | undefined;
    const sign = async (digest: Uint8Array) => {
      const challenge = Buffer.from(digest).toString('base64');
      const a = await page.evaluate<{ authenticatorData: string; clientDataJSON: string; signature: string }>(
        `assertWith(${JSON.stringify(reg.id)}, ${JSON.stringify(challenge)}, ${JSON.stringify(RP_ID)})`,
      );
      assertion = signatureFromAssertion(
        { authenticatorData: b64(a.authenticatorData), clientDataJSON: b64(a.clientDataJSON), signature: b64(a.signature) },
        key,
      );
      return assertion;
    };
    const res = await chain.pushTransferAsync('signed in Chromium', sign);
    assert.is(res.processed.receipt.status, 'executed');
    assert.is(await chain.balance('alice'), '99.0000 RSN');
    const wa = assertion!.webauthn!;
    const client = JSON.parse(new TextDecoder().decode(wa.clientJson)) as { type: string; origin: string };
    assert.is(client.type, 'webauthn.get');
    assert.is(client.origin, `https://${RP_ID}`);
    assert.is(wa.authData[32]! & 0x05, 0x05, 'UP and UV set by the virtual authenticator');

    const { num } = await chain.dn.node.produceBlock();
    const block = await chain.dn.client.v1.chain.get_block(num);
    const trx = block.transactions.find((t) => String(t.id) === String(res.transaction_id));
    assert.ok(trx, 'the transfer is in the block');
    const sigs = (trx!.trx as unknown as { signatures: unknown[] }).signatures.map(String);
    assert.equal(sigs, [assertion!.toString()]);
  });
}

test.run();
