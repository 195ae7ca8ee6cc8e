// Antelope WebAuthn keys and signatures (`PUB_WA_`, `SIG_WA_`): string and binary forms agree with
// @wharfkit/antelope and Leap's unit-test vector; recovery follows Leap's libfc checks (type, challenge,
// https origin, rp id hash, flags as presence, high-S accepted) and refuses everything else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as W from '@wharfkit/antelope';
import {
  AntelopeError,
  BinaryReader,
  KeyType,
  PublicKey,
  Signature,
  UserPresence,
  bytesToHex,
  encodeWith,
  keyIdOf,
  publicKeyOfId,
  sha256,
} from '../../abi/antelope/index.js';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { signatureFromAssertion, webAuthnKeyFromSpki } from '../../abi/antelope/index.js';
import { FLAG_UP, FLAG_UV, SoftwareAuthenticator } from '../fixtures/software-authenticator.js';
import { vectors } from './vector-file.js';

interface LeapVector {
  digest: string;
  signature: string;
  public_key: string;
  presence: number;
  rpid: string;
}
const LEAP = vectors<{ recover: LeapVector[] }>('leap-webauthn.json').recover;
const LEAP_SIG = LEAP[0]!.signature;
const LEAP_KEY = LEAP[0]!.public_key;

const digestOf = (s: string) => sha256(new TextEncoder().encode(s));
const wharfBytes = (v: W.PublicKey | W.Signature) => bytesToHex(W.Serializer.encode({ object: v }).array);
const ourBytes = (v: PublicKey | Signature) => bytesToHex(encodeWith((w) => v.encode(w)));

function refused(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, AntelopeError);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected a refusal matching ${message}`);
}

test("Leap's vectors: each SIG_WA_ recovers to Leap's PUB_WA_ key with its presence and rp id", () => {
  for (const v of LEAP) {
    const sig = Signature.from(v.signature);
    assert.is(sig.type, KeyType.WA);
    const key = sig.recover(v.digest);
    assert.is(key.toString(), v.public_key);
    assert.is(key.webauthn?.presence, v.presence);
    assert.is(key.webauthn?.rpid, v.rpid);
    assert.ok(sig.verify(v.digest, v.public_key));
    assert.not.ok(sig.verify(sha256(new Uint8Array(1)), v.public_key));
  }
});

test('string and binary forms round-trip and match @wharfkit/antelope byte for byte', () => {
  const cases: Array<[PublicKey, Signature]> = [[PublicKey.from(LEAP_KEY), Signature.from(LEAP_SIG)]];
  for (let i = 0; i < 8; i++) {
    const a = new SoftwareAuthenticator({ rpid: `app${i}.peeros.test`, presence: (i % 3) as UserPresence });
    cases.push([a.publicKey, a.sign(digestOf(`trx ${i}`), { flags: i % 3 === 2 ? FLAG_UP | FLAG_UV : i % 3 === 1 ? FLAG_UP : 0 })]);
  }
  for (const [key, sig] of cases) {
    const wk = W.PublicKey.from(key.toString());
    const ws = W.Signature.from(sig.toString());
    assert.is(wk.toString(), key.toString());
    assert.is(ws.toString(), sig.toString());
    assert.is(ourBytes(key), wharfBytes(wk));
    assert.is(ourBytes(sig), wharfBytes(ws));
    assert.ok(PublicKey.decode(new BinaryReader(W.Serializer.encode({ object: wk }).array)).equals(key));
    assert.ok(Signature.decode(new BinaryReader(W.Serializer.encode({ object: ws }).array)).equals(sig));
    assert.ok(PublicKey.from(key.toString()).equals(key));
    assert.ok(Signature.from(sig.toString()).equals(sig));
  }
});

test('a software authenticator assertion recovers to its key; high-S and extra client-data members are accepted', () => {
  const a = new SoftwareAuthenticator();
  const d = digestOf('transfer');
  for (const opts of [
    {},
    { highS: true },
    { extraJson: ',"other_keys_can_be_added_here":"do not compare clientDataJSON against a template"' },
    { origin: 'https://peeros.test:8443' },
  ]) {
    const sig = a.sign(d, opts);
    assert.ok(sig.recover(d).equals(a.publicKey), JSON.stringify(opts));
    assert.ok(sig.verify(d, a.publicKey));
  }
  // members in another order, with whitespace: parsed, not matched
  const json = `{ "challenge" : "${Buffer.from(d).toString('base64url')}", "origin":"https://peeros.test", "type":"webauthn.get", "tokenBinding": {"status":"absent", "x":[1,{"y":null}]} }`;
  const auth = new Uint8Array(37);
  auth.set(sha256(new TextEncoder().encode('peeros.test')));
  auth[32] = FLAG_UP | FLAG_UV;
  assert.ok(a.signParts(auth, new TextEncoder().encode(json)).recover(d).equals(a.publicKey));
});

test('flags set the recovered presence: a signature without UP/UV does not satisfy a key that demands them', () => {
  const a = new SoftwareAuthenticator({ presence: UserPresence.VERIFIED });
  const d = digestOf('flags');
  assert.is(a.sign(d, { flags: FLAG_UP }).recover(d).webauthn?.presence, UserPresence.PRESENT);
  assert.is(a.sign(d, { flags: 0 }).recover(d).webauthn?.presence, UserPresence.NONE);
  assert.not.ok(a.sign(d, { flags: FLAG_UP }).verify(d, a.publicKey));
  assert.not.ok(a.sign(d, { flags: 0 }).verify(d, a.publicKey));
  assert.ok(a.sign(d, { flags: FLAG_UV }).verify(d, a.publicKey));
});

test("refusals carry Leap's reasons: type, challenge, https origin, rp id hash, auth data size, header, JSON shape", () => {
  const a = new SoftwareAuthenticator();
  const d = digestOf('refusals');
  refused(() => a.sign(d, { type: 'webauthn.create' }).recover(d), /webauthn signature type not an assertion/);
  refused(() => a.sign(digestOf('another')).recover(d), /Wrong webauthn challenge/);
  refused(() => a.sign(d, { challenge: '' }).recover(d), /Wrong webauthn challenge/);
  refused(() => a.sign(d, { origin: 'http://peeros.test' }).recover(d), /origin must begin with https:\/\//);
  refused(() => a.sign(d, { origin: 'https://evil.example' }).recover(d), /rpid hash doesn't match origin/);
  refused(() => a.sign(d, { rpidHash: sha256(new TextEncoder().encode('evil.example')) }).recover(d), /rpid hash doesn't match origin/);
  refused(() => a.signParts(new Uint8Array(36), new TextEncoder().encode('{}')).recover(d), /webauthn signature type not an assertion/);
  const sig = a.sign(d);
  const short = Signature.fromWebAuthn({ ...sig.webauthn!, authData: sig.webauthn!.authData.subarray(0, 36) });
  refused(() => short.recover(d), /auth_data not as large as required/);
  const k1Header = sig.webauthn!.compact.slice();
  k1Header[0] = k1Header[0]! - 4;
  refused(() => Signature.fromWebAuthn({ ...sig.webauthn!, compact: k1Header }).recover(d), /unable to reconstruct public key/);
  // the last three are JSON.parse-valid but refused by Leap's rapidjson: lone surrogate, number beyond a double
  for (const bad of [
    '[]',
    '"x"',
    '{"type":1}',
    '{"challenge":{}}',
    '{"origin":["https://x"]}',
    '{',
    '{} {}',
    '{"x":"\\ud800"}',
    '{"\\udc00":1}',
    '{"n":1e400}',
  ]) {
    refused(
      () => Signature.fromWebAuthn({ ...sig.webauthn!, clientJson: new TextEncoder().encode(bad) }).recover(d),
      /Failed to parse client data JSON/,
    );
  }
  assert.not.ok(Signature.fromWebAuthn({ ...sig.webauthn!, clientJson: new TextEncoder().encode('{}') }).verify(d, a.publicKey));
});

test('a client JSON changed after signing recovers some other key, never the signer', () => {
  const a = new SoftwareAuthenticator();
  const d = digestOf('tamper');
  const sig = a.sign(d);
  const json = new TextDecoder().decode(sig.webauthn!.clientJson).replace('"crossOrigin":false', '"crossOrigin":true');
  const tampered = Signature.fromWebAuthn({ ...sig.webauthn!, clientJson: new TextEncoder().encode(json) });
  assert.not.ok(tampered.verify(d, a.publicKey));
});

test('malformed WA keys and signatures are refused with typed errors', () => {
  const k = PublicKey.from(LEAP_KEY);
  const wa = k.webauthn!;
  refused(() => PublicKey.fromWebAuthn({ ...wa, rpid: '' }), /rp id/);
  refused(() => PublicKey.fromWebAuthn({ ...wa, rpid: 'x'.repeat(256) }), /rp id/);
  const data = k.data.slice();
  data[33] = 3;
  refused(() => new PublicKey(KeyType.WA, data), /user presence 0, 1 or 2, got 3/);
  refused(() => new PublicKey(KeyType.WA, new Uint8Array([...k.data, 0])), /trailing/);
  refused(() => PublicKey.from(`${LEAP_KEY.slice(0, -1)}N`), /checksum|base58/);
  refused(() => PublicKey.from(`PUB_WA_${'2'.repeat(600)}`), /at most 512 characters/);
  refused(() => Signature.from(`SIG_WA_${'2'.repeat(30000)}`), /at most \d+ characters/);
  refused(() => new Signature(KeyType.WA, new Uint8Array(65)), /webauthn signature/);
  refused(() => k.toLegacyString(), /legacy format exists only for K1/);
});

test('WA key ids invert and sort in Leap order (point, presence, then rp id as a byte string)', () => {
  const point = PublicKey.from(LEAP_KEY).point;
  const mk = (rpid: string, presence = UserPresence.NONE) => PublicKey.fromWebAuthn({ point, presence, rpid });
  for (const key of [mk('b.com'), mk('aa.com', UserPresence.VERIFIED), PublicKey.from(LEAP_KEY)]) {
    assert.ok(publicKeyOfId(keyIdOf(key)).equals(key));
  }
  assert.ok(keyIdOf(mk('aa.com')) < keyIdOf(mk('b.com')), 'shorter rp id that sorts first by bytes');
  assert.ok(keyIdOf(mk('zz.com', UserPresence.NONE)) < keyIdOf(mk('aa.com', UserPresence.PRESENT)));
});

test("a browser-shaped assertion (SPKI key, DER signature made by OpenSSL) becomes a SIG_WA_ that recovers to the credential's PUB_WA_", () => {
  const d = digestOf('assertion');
  for (let i = 0; i < 6; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = webAuthnKeyFromSpki(
      new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      'peeros.test',
      UserPresence.VERIFIED,
    );
    const authenticatorData = new Uint8Array(37);
    authenticatorData.set(sha256(new TextEncoder().encode('peeros.test')));
    authenticatorData[32] = FLAG_UP | FLAG_UV;
    const clientDataJSON = new TextEncoder().encode(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: Buffer.from(d).toString('base64url'),
        origin: 'https://peeros.test',
        crossOrigin: false,
      }),
    );
    const der = cryptoSign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), privateKey);
    const sig = signatureFromAssertion({ authenticatorData, clientDataJSON, signature: new Uint8Array(der) }, key);
    assert.ok(sig.recover(d).equals(key));
    const other = new SoftwareAuthenticator().publicKey;
    refused(
      () => signatureFromAssertion({ authenticatorData, clientDataJSON, signature: new Uint8Array(der) }, other),
      /not the credential's/,
    );
  }
  refused(() => webAuthnKeyFromSpki(new Uint8Array(91), 'peeros.test', UserPresence.VERIFIED), /SPKI/);
});

test.run();
