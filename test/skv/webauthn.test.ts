// WebAuthn user verification inside the vault worker, spoken to over dMemo as a host would: the
// host can ask for challenges and relay what an authenticator returned, but once a credential is
// registered nothing it can make itself approves a signature, an export or a grant. Every refusal
// has its own code and signs nothing; a refused assertion leaves the vault serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Signature, signingDigest } from '../../abi/antelope/index.js';
import { mintAssertion, exportDigest, grantDigest, Vault, VaultError, WebAuthnVerifier, type WebAuthnPurpose } from '../../skv/index.js';
import { MAX_PENDING_WEBAUTHN_CHALLENGES } from '../../skv/limits.js';
import { BrowserAuthenticator, FLAG_UP, type CeremonyOptions } from '../fixtures/software-authenticator.js';
import { tempHome, removeHome, packTransaction, transfer, CHAIN_ID, PASS, RawVault } from './helpers.js';

const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:8443';

async function registered(raw: RawVault, auth: BrowserAuthenticator, o: CeremonyOptions = {}) {
  const ch = await raw.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: ORIGIN });
  const made = auth.create(ch.challenge, o);
  return raw.call('webauthn_register', {
    rpId: RP_ID,
    origin: ORIGIN,
    nonce: ch.nonce,
    clientDataJSON: made.clientDataJSON,
    attestationObject: made.attestationObject,
  });
}

async function setup() {
  const home = tempHome();
  const raw = new RawVault(home);
  await raw.unlock();
  const { publicKey } = await raw.call('create_key', { label: 't' });
  const auth = new BrowserAuthenticator(RP_ID, ORIGIN);
  await registered(raw, auth);
  const transaction = packTransaction([transfer('1.0000 RSN')]);
  const digest = signingDigest(chainId, transaction).array;
  /** An assertion from the authenticator over a challenge the vault issued for (purpose, app, digest). */
  const assertion = async (
    o: CeremonyOptions & { purpose?: WebAuthnPurpose; app?: string; digest?: Uint8Array; claimApp?: string } = {},
  ) => {
    const purpose = o.purpose ?? 'sign';
    const app = o.app ?? '@user';
    const ch = await raw.call('webauthn_challenge', { purpose, app, digest: o.digest ?? digest });
    const got = auth.get(ch.challenge, o);
    return { scheme: 'webauthn', purpose, app: o.claimApp ?? app, nonce: ch.nonce, ...got };
  };
  const sign = (a?: unknown) => ({ chainId, transaction, keys: [publicKey], app: '@user', ...(a ? { assertion: a } : {}) });
  return {
    raw,
    auth,
    publicKey,
    digest,
    assertion,
    sign,
    done: async () => {
      await raw.close();
      removeHome(home);
    },
  };
}

test('registration: the vault keeps the credential (status counts it) and a valid assertion signs', async () => {
  const s = await setup();
  try {
    const st = await s.raw.call('status');
    assert.is(st.webauthnCredentials, 1);
    const r = await s.raw.call('sign', s.sign(await s.assertion()));
    assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), s.publicKey);
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ highS: true }))), 'OK', 'high S accepted, as authenticators make it');
  } finally {
    await s.done();
  }
});

test('with a credential registered, the host-mintable HMAC assertion no longer approves (WEBAUTHN_REQUIRED); none at all → ASSERTION_REQUIRED', async () => {
  const s = await setup();
  try {
    const hmac = mintAssertion(s.raw.registration!, { purpose: 'sign', app: '@user', digest: s.digest });
    assert.is(await s.raw.code('sign', s.sign(hmac)), 'WEBAUTHN_REQUIRED');
    assert.is(await s.raw.code('sign', s.sign()), 'ASSERTION_REQUIRED');
    const exp = mintAssertion(s.raw.registration!, { purpose: 'export', app: '@user', digest: exportDigest(s.publicKey) });
    assert.is(await s.raw.code('export_key', { key: s.publicKey, passphrase: PASS, assertion: exp }), 'WEBAUTHN_REQUIRED');
  } finally {
    await s.done();
  }
});

test('tampered: one byte of authenticator data, of client data, of the signature → WEBAUTHN_SIGNATURE', async () => {
  const s = await setup();
  try {
    const a1 = await s.assertion();
    a1.authenticatorData[36]! ^= 1; // the counter's low byte: still a valid shape
    assert.is(await s.raw.code('sign', s.sign(a1)), 'WEBAUTHN_SIGNATURE');
    const a2 = await s.assertion();
    const json = new TextDecoder().decode(a2.clientDataJSON).replace('crossOrigin', 'crossOrigiN');
    a2.clientDataJSON = new TextEncoder().encode(json); // still JSON, same type, challenge and origin
    assert.is(await s.raw.code('sign', s.sign(a2)), 'WEBAUTHN_SIGNATURE');
    const a3 = await s.assertion();
    a3.signature[a3.signature.length - 1]! ^= 1;
    assert.is(await s.raw.code('sign', s.sign(a3)), 'WEBAUTHN_SIGNATURE');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion())), 'OK', 'the vault keeps serving');
  } finally {
    await s.done();
  }
});

test('replayed: an assertion signs once (ASSERTION_REPLAYED), even unchanged with the counter left as it was', async () => {
  const s = await setup();
  try {
    const a = await s.assertion();
    assert.is(await s.raw.code('sign', s.sign(a)), 'OK');
    assert.is(await s.raw.code('sign', s.sign(a)), 'ASSERTION_REPLAYED');
  } finally {
    await s.done();
  }
});

test('bound to the request: another digest, another app (even if the host relabels it), another purpose → ASSERTION_MISMATCH', async () => {
  const s = await setup();
  try {
    const other = signingDigest(chainId, packTransaction([transfer('9.0000 RSN')])).array;
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ digest: other }))), 'ASSERTION_MISMATCH');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ app: 'dpay', claimApp: '@user' }))), 'ASSERTION_MISMATCH');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ app: 'dpay' }))), 'ASSERTION_MISMATCH');
    const forExport = await s.assertion({ purpose: 'export', digest: s.digest });
    assert.is(await s.raw.code('sign', s.sign({ ...forExport, purpose: 'sign' })), 'ASSERTION_MISMATCH');
  } finally {
    await s.done();
  }
});

test('an app signature is bound to the installed app identity the challenge named (another identity → ASSERTION_MISMATCH)', async () => {
  const s = await setup();
  try {
    const grant = { app: 'dpay', identity: 'unverified:0123456789abcdef', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] } };
    await s.raw.call('set_grant', { grant, assertion: await s.assertion({ purpose: 'grant', app: 'dpay', digest: grantDigest(grant) }) });
    const appSign = async (challengeIdentity: string, requestIdentity: string) => {
      const ch = await s.raw.call('webauthn_challenge', { purpose: 'sign', app: 'dpay', identity: challengeIdentity, digest: s.digest });
      const assertion = { scheme: 'webauthn', purpose: 'sign', app: 'dpay', nonce: ch.nonce, ...s.auth.get(ch.challenge) };
      return s.raw.code('sign', { ...s.sign(assertion), app: 'dpay', identity: requestIdentity });
    };
    assert.is(await appSign('unverified:ffffffffffffffff', grant.identity), 'ASSERTION_MISMATCH');
    assert.is(await appSign(grant.identity, grant.identity), 'OK');
  } finally {
    await s.done();
  }
});

test('the sign counter must increase, and the vault remembers it across unlocks (WEBAUTHN_COUNTER)', async () => {
  const s = await setup();
  try {
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ signCount: 5 }))), 'OK');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ signCount: 3 }))), 'WEBAUTHN_COUNTER');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ signCount: 5 }))), 'WEBAUTHN_COUNTER');
    await s.raw.call('lock');
    await s.raw.unlock(false);
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ signCount: 5 }))), 'WEBAUTHN_COUNTER');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ signCount: 6 }))), 'OK');
  } finally {
    await s.done();
  }
});

test('origin, rp id, flags and type are checked: WEBAUTHN_ORIGIN, WEBAUTHN_RP_ID, WEBAUTHN_FLAGS, WEBAUTHN_CLIENT_DATA', async () => {
  const s = await setup();
  try {
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ origin: 'http://localhost:9999' }))), 'WEBAUTHN_ORIGIN');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ origin: 'https://evil.example' }))), 'WEBAUTHN_ORIGIN');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ rpidHash: new Uint8Array(32) }))), 'WEBAUTHN_RP_ID');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ flags: FLAG_UP }))), 'WEBAUTHN_FLAGS', 'UV missing');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ flags: 0x04 }))), 'WEBAUTHN_FLAGS', 'UP missing');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion({ type: 'webauthn.create' }))), 'WEBAUTHN_CLIENT_DATA');
  } finally {
    await s.done();
  }
});

test("a credential registered for http://localhost (the console's) answers from any port of localhost, and from no other origin", async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const { publicKey } = await raw.call('create_key', { label: 't' });
    const auth = new BrowserAuthenticator(RP_ID, 'http://localhost:41999');
    const ch = await raw.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: 'http://localhost' });
    const made = auth.create(ch.challenge);
    const info = await raw.call('webauthn_register', {
      rpId: RP_ID,
      origin: 'http://localhost',
      nonce: ch.nonce,
      clientDataJSON: made.clientDataJSON,
      attestationObject: made.attestationObject,
    });
    assert.is(info.origin, 'http://localhost', 'kept without the port of the page that registered it');
    const transaction = packTransaction([transfer('1.0000 RSN')]);
    const digest = signingDigest(chainId, transaction).array;
    const signWith = async (origin: string) => {
      const c = await raw.call('webauthn_challenge', { purpose: 'sign', app: '@user', digest });
      const got = auth.get(c.challenge, { origin });
      const assertion = { scheme: 'webauthn', purpose: 'sign', app: '@user', nonce: c.nonce, ...got };
      return raw.code('sign', { chainId, transaction, keys: [publicKey], app: '@user', assertion });
    };
    assert.is(await signWith('http://localhost:41999'), 'OK');
    assert.is(await signWith('http://localhost:5173'), 'OK', 'the console on another launch, another port');
    for (const origin of [
      'http://127.0.0.1:41999',
      'https://localhost:41999',
      'http://localhost.evil.example:1',
      'http://localhost:1/x',
      'http://evil.example',
    ])
      assert.is(await signWith(origin), 'WEBAUTHN_ORIGIN', origin);
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('a challenge the vault never issued, or issued in an earlier unlock session, is refused (WEBAUTHN_CHALLENGE_UNKNOWN)', async () => {
  const s = await setup();
  try {
    const forged = await s.assertion();
    forged.nonce = new Uint8Array(16);
    assert.is(await s.raw.code('sign', s.sign(forged)), 'WEBAUTHN_CHALLENGE_UNKNOWN');
    const stale = await s.assertion();
    await s.raw.unlock(false); // a new session
    assert.is(await s.raw.code('sign', s.sign(stale)), 'WEBAUTHN_CHALLENGE_UNKNOWN');
  } finally {
    await s.done();
  }
});

test('malformed WebAuthn fields are MALFORMED_MESSAGE before any check; challenges are capped (VAULT_BUSY)', async () => {
  const s = await setup();
  try {
    const a = await s.assertion();
    assert.is(await s.raw.code('sign', s.sign({ ...a, signature: new Uint8Array(200) })), 'MALFORMED_MESSAGE');
    assert.is(await s.raw.code('sign', s.sign({ ...a, extra: 1 })), 'MALFORMED_MESSAGE');
    assert.is(await s.raw.code('sign', s.sign({ ...a, authenticatorData: new Uint8Array(36) })), 'MALFORMED_MESSAGE');
    assert.is(await s.raw.code('sign', s.sign({ ...a, purpose: 'everything' })), 'MALFORMED_MESSAGE');
    assert.is(await s.raw.code('webauthn_challenge', { purpose: 'sign', app: '@user' }), 'INVALID_ARGUMENT', 'no digest');
    assert.is(
      await s.raw.code('webauthn_challenge', { purpose: 'register', rpId: 'localhost', origin: 'http://evil.example' }),
      'INVALID_ARGUMENT',
    );
    let code = 'OK';
    for (let i = 0; i < 300 && code === 'OK'; i++)
      code = await s.raw.code('webauthn_challenge', { purpose: 'sign', app: '@user', digest: s.digest });
    assert.is(code, 'VAULT_BUSY');
    assert.is(await s.raw.code('sign', s.sign(a)), 'OK', 'an issued challenge still answers');
  } finally {
    await s.done();
  }
});

test('registration refusals: wrong type, UV missing, wrong challenge, attestation other than none, a second credential', async () => {
  const home = tempHome();
  const raw = new RawVault(home);
  try {
    await raw.unlock();
    const auth = new BrowserAuthenticator(RP_ID, ORIGIN);
    const code = async (o: CeremonyOptions, edit?: (f: Record<string, unknown>) => void) => {
      try {
        const ch = await raw.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: ORIGIN });
        const made = auth.create(ch.challenge, o);
        const fields: Record<string, unknown> = { rpId: RP_ID, origin: ORIGIN, nonce: ch.nonce, ...made };
        delete fields.credentialId;
        edit?.(fields);
        await raw.call('webauthn_register', fields);
        return 'OK';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    assert.is(await code({ type: 'webauthn.get' }), 'WEBAUTHN_CLIENT_DATA');
    assert.is(await code({ flags: FLAG_UP | 0x40 }), 'WEBAUTHN_FLAGS');
    assert.is(await code({ origin: 'http://localhost:1' }), 'WEBAUTHN_ORIGIN');
    assert.is(await code({ editJson: (j) => j.replace(/"challenge":"[^"]*"/, `"challenge":"${'A'.repeat(43)}"`) }), 'ASSERTION_MISMATCH');
    assert.is(
      await code({}, (f) => {
        const att = f.attestationObject as Uint8Array;
        const at = Buffer.from(att).indexOf('none');
        f.attestationObject = Buffer.concat([att.subarray(0, at - 1), Buffer.from([0x66]), Buffer.from('packed'), att.subarray(at + 4)]);
      }),
      'WEBAUTHN_ATTESTATION',
    );
    assert.is(await code({}, (f) => (f.attestationObject = Uint8Array.from([0x9f, 0xff]))), 'WEBAUTHN_ATTESTATION', 'indefinite CBOR');
    assert.is((await raw.call('status')).webauthnCredentials, 0, 'nothing registered by a refusal');
    assert.is(await code({}), 'OK');
    assert.is(await code({}), 'WEBAUTHN_ALREADY_REGISTERED');
  } finally {
    await raw.close();
    removeHome(home);
  }
});

test('a second authenticator (a backup) registers only with an assertion from the registered one; then either approves', async () => {
  const s = await setup();
  try {
    const backup = new BrowserAuthenticator(RP_ID, ORIGIN);
    const attempt = async (approver: BrowserAuthenticator | null) => {
      const ch = await s.raw.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: ORIGIN });
      const made = backup.create(ch.challenge);
      const fields: Record<string, unknown> = {
        rpId: RP_ID,
        origin: ORIGIN,
        nonce: ch.nonce,
        clientDataJSON: made.clientDataJSON,
        attestationObject: made.attestationObject,
      };
      if (approver) {
        const ok = await s.raw.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: ORIGIN });
        fields.assertion = { scheme: 'webauthn', purpose: 'register', app: '@user', nonce: ok.nonce, ...approver.get(ok.challenge) };
      }
      return s.raw.code('webauthn_register', fields);
    };
    assert.is(await attempt(null), 'WEBAUTHN_ALREADY_REGISTERED');
    assert.is(await attempt(backup), 'WEBAUTHN_UNKNOWN_CREDENTIAL', 'the newcomer cannot approve itself');
    assert.is(await attempt(s.auth), 'OK');
    assert.is((await s.raw.call('status')).webauthnCredentials, 2);
    const ch = await s.raw.call('webauthn_challenge', { purpose: 'sign', app: '@user', digest: s.digest });
    const byBackup = { scheme: 'webauthn', purpose: 'sign', app: '@user', nonce: ch.nonce, ...backup.get(ch.challenge) };
    assert.is(await s.raw.code('sign', s.sign(byBackup)), 'OK');
    assert.is(await s.raw.code('sign', s.sign(await s.assertion())), 'OK');
  } finally {
    await s.done();
  }
});

test('through the Vault facade: WebAuthnVerifier relays the ceremony; sign, export and grant all go through the authenticator', async () => {
  const home = tempHome();
  const auth = new BrowserAuthenticator(RP_ID, ORIGIN);
  const purposes: string[] = [];
  const verifier = new WebAuthnVerifier(async (r) => {
    purposes.push(r.purpose);
    return auth.get(r.webauthn.challenge);
  });
  const vault = Vault.open({ home, insecureTestKdf: true });
  try {
    await vault.unlock(PASS, { verifier, create: true });
    const { publicKey } = await vault.createKey('k');
    const ch = await vault.webAuthnRegistrationChallenge(RP_ID, ORIGIN);
    const made = auth.create(ch.challenge);
    const info = await vault.registerWebAuthn({ rpId: RP_ID, origin: ORIGIN, nonce: ch.nonce, ...made });
    assert.equal(new Uint8Array(info.id), auth.credentialId);
    const r = await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [publicKey] });
    assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), publicKey);
    await vault.setGrant({ app: 'dpay', chainIds: [CHAIN_ID], contracts: { 'dpay.token': ['transfer'] } });
    assert.match(await vault.exportKey(publicKey, PASS), /^PVT_K1_/);
    const backup = new BrowserAuthenticator(RP_ID, ORIGIN);
    const ch2 = await vault.webAuthnRegistrationChallenge(RP_ID, ORIGIN);
    await vault.registerWebAuthn({ rpId: RP_ID, origin: ORIGIN, nonce: ch2.nonce, ...backup.create(ch2.challenge) });
    assert.equal(purposes, ['sign', 'grant', 'export', 'register']);
    // a new session learns from unlock that a credential is registered
    await vault.lock();
    const again = await vault.unlock(PASS, { verifier });
    assert.is(again.webauthn.length, 2);
    await vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('2.0000 RSN')]), keys: [publicKey] });
    assert.is(auth.counter, 5);
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test('requests the verifier refuses give their challenges back: an app looping on refusals cannot fill the pending slots', async () => {
  const home = tempHome();
  const auth = new BrowserAuthenticator(RP_ID, ORIGIN);
  let refuse = true;
  const verifier = new WebAuthnVerifier(async (r) => {
    // the console's dialog cap, or a dialog it could not build: refused before any ceremony
    if (refuse) throw new VaultError('NOT_APPROVED', 'refused');
    return auth.get(r.webauthn.challenge);
  });
  const vault = Vault.open({ home, insecureTestKdf: true });
  try {
    await vault.unlock(PASS, { verifier, create: true });
    const { publicKey } = await vault.createKey('k');
    const ch = await vault.webAuthnRegistrationChallenge(RP_ID, ORIGIN);
    await vault.registerWebAuthn({ rpId: RP_ID, origin: ORIGIN, nonce: ch.nonce, ...auth.create(ch.challenge) });
    const sign = () => vault.sign({ chainId: CHAIN_ID, transaction: packTransaction([transfer('1.0000 RSN')]), keys: [publicKey] });
    for (let i = 0; i < MAX_PENDING_WEBAUTHN_CHALLENGES + 44; i++) {
      const code = await sign().then(
        () => 'OK',
        (e: VaultError) => e.code,
      );
      assert.is(code, 'NOT_APPROVED', `refusal ${i}`);
    }
    refuse = false;
    const r = await sign();
    assert.is(Signature.from(r.signatures[0]!).recover(r.digest).toString(), publicKey, "the user's own request still gets a challenge");
  } finally {
    await vault.close();
    removeHome(home);
  }
});

test('a released challenge can never be spent', async () => {
  const s = await setup();
  try {
    const a = await s.assertion();
    assert.equal(await s.raw.call('webauthn_release', { nonce: a.nonce }), { released: true });
    assert.equal(await s.raw.call('webauthn_release', { nonce: a.nonce }), { released: false });
    assert.is(await s.raw.code('sign', s.sign(a)), 'ASSERTION_REPLAYED');
    assert.is(await s.raw.code('webauthn_release', { nonce: new Uint8Array(3) }), 'MALFORMED_MESSAGE');
  } finally {
    await s.done();
  }
});

test.run();
