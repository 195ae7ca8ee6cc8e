/**
 * What WebAuthn user verification costs inside the vault (issue 10), one run of `peeros bench`.
 * Three vaults in temporary homes (real scrypt parameters), spoken to over dMemo as the host does;
 * each figure is the p50 of a `sign` request as `@user` for a pre-built transaction, with its
 * approval made before timing (the authenticator's ceremony and the challenge round trip excluded):
 *
 * - `vault.webauthn.hmac-sign.p50` (µs/op) — the baseline: a vault with no credential, an HMAC
 *   assertion minted by the verifier (the plain sign round trip).
 * - `vault.webauthn.sign.p50` (µs/op) — a vault with a registered credential, an assertion from a
 *   software authenticator whose counter stays 0 (as synced passkeys report): the worker parses the
 *   client data, recomputes the challenge, checks rp id hash and flags and verifies the P-256
 *   signature; nothing is written.
 * - `vault.webauthn.sign-counted.p50` (µs/op) — the same with a counting authenticator: the new
 *   counter is persisted (an fsynced keystore write under the vault lock) before the signature returns.
 * - `vault.webauthn.verify/hmac` (x) — `sign` / `hmac-sign`, run by run: the verification's share.
 * - `vault.webauthn.counted/hmac` (x) — `sign-counted` / `hmac-sign`, run by run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { BinaryWriter, Name, signingDigest } from '../abi/antelope/index.js';
import { decodeResponse, encodeMessage, mintAssertion, type DmemoOp, type DmemoResults, type VerifierRegistration } from '../skv/index.js';
import { VaultChannel } from '../skv/vault-channel.js';
import { summarize, percentile, type BenchResult } from './result.js';

const CHAIN_ID = new Uint8Array(Buffer.from('aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906', 'hex'));
const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:8443';
const SAMPLES = 200; // per run: under the vault's cap on pending challenges (256)

class Channel {
  readonly channel: VaultChannel;
  registration: VerifierRegistration | null = null;
  constructor(home: string) {
    this.channel = new VaultChannel({ home, autoLockMs: 600_000, assertionMaxTtlMs: 300_000, backoffBaseMs: 1000, insecureTestKdf: false });
  }
  async call<O extends DmemoOp>(op: O, fields: Record<string, unknown> = {}): Promise<DmemoResults[O]> {
    return decodeResponse(await this.channel.call(encodeMessage({ v: 1, op, ...fields })), op);
  }
}

/** A software authenticator: one ES256 credential, attestation `none`. */
class Authenticator {
  readonly id = p256.utils.randomSecretKey().slice(0, 16);
  readonly secret = p256.utils.randomSecretKey();
  constructor(readonly counting: boolean) {}
  count = 0;

  authData(extra: Uint8Array = new Uint8Array(0)): Uint8Array {
    const a = new Uint8Array(37 + extra.length);
    a.set(sha256(new TextEncoder().encode(RP_ID)));
    a[32] = 0x01 | 0x04 | (extra.length ? 0x40 : 0);
    new DataView(a.buffer).setUint32(33, this.counting && extra.length === 0 ? ++this.count : 0);
    a.set(extra, 37);
    return a;
  }
  clientData(type: string, challenge: Uint8Array): Uint8Array {
    return new TextEncoder().encode(
      JSON.stringify({ type, challenge: Buffer.from(challenge).toString('base64url'), origin: ORIGIN, crossOrigin: false }),
    );
  }
  /** The attestation object, CBOR written out: {"fmt": "none", "attStmt": {}, "authData": bytes}. */
  attestation(): Uint8Array {
    const pub = p256.getPublicKey(this.secret, false);
    const cose = Buffer.concat([
      Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
      pub.subarray(1, 33),
      Buffer.from([0x22, 0x58, 0x20]),
      pub.subarray(33, 65),
    ]);
    const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([0, this.id.length]), this.id, cose]);
    const authData = this.authData(attested);
    return Buffer.concat([
      Buffer.from([0xa3, 0x63]),
      Buffer.from('fmt'),
      Buffer.from([0x64]),
      Buffer.from('none'),
      Buffer.from([0x67]),
      Buffer.from('attStmt'),
      Buffer.from([0xa0, 0x68]),
      Buffer.from('authData'),
      Buffer.from([0x59, authData.length >> 8, authData.length & 0xff]),
      authData,
    ]);
  }
  assertion(challenge: Uint8Array, nonce: Uint8Array) {
    const authenticatorData = this.authData();
    const clientDataJSON = this.clientData('webauthn.get', challenge);
    const signed = sha256(Buffer.concat([authenticatorData, sha256(clientDataJSON)]));
    const signature = p256.sign(signed, this.secret, { prehash: false, format: 'der' });
    return {
      scheme: 'webauthn',
      purpose: 'sign',
      app: '@user',
      nonce,
      credentialId: this.id,
      authenticatorData,
      clientDataJSON,
      signature,
    };
  }
}

function transaction(i: number): Uint8Array {
  const w = new BinaryWriter();
  w.u32(1_900_000_000);
  w.u16(1);
  w.u32(2);
  w.varuint32(0);
  w.u8(0);
  w.varuint32(0);
  w.varuint32(0);
  w.varuint32(1);
  Name.from('eosio.token').encode(w);
  Name.from('transfer').encode(w);
  w.varuint32(1);
  Name.from('alice').encode(w);
  Name.from('active').encode(w);
  w.bytes(Uint8Array.from([i & 0xff, i >> 8]));
  w.varuint32(0);
  return w.finish();
}

async function openVault(home: string, auth: Authenticator | null): Promise<{ vault: Channel; key: string }> {
  const vault = new Channel(home);
  vault.registration = (await vault.call('unlock', { passphrase: 'bench passphrase', create: true })).verifier;
  const { publicKey } = await vault.call('create_key', { label: 'bench' });
  if (auth) {
    const ch = await vault.call('webauthn_challenge', { purpose: 'register', rpId: RP_ID, origin: ORIGIN });
    await vault.call('webauthn_register', {
      rpId: RP_ID,
      origin: ORIGIN,
      nonce: ch.nonce,
      clientDataJSON: auth.clientData('webauthn.create', ch.challenge),
      attestationObject: auth.attestation(),
    });
  }
  return { vault, key: publicKey };
}

/** p50 of `SAMPLES` sign requests whose approvals `approve` made before the clock starts. */
async function signP50(
  v: { vault: Channel; key: string },
  txs: Uint8Array[],
  approve: (digest: Uint8Array) => Promise<unknown>,
  samples: number,
): Promise<number> {
  const approvals: unknown[] = [];
  for (let i = 0; i < samples; i++) approvals.push(await approve(signingDigest(CHAIN_ID, txs[i % txs.length]!).array));
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    await v.vault.call('sign', {
      chainId: CHAIN_ID,
      transaction: txs[i % txs.length]!,
      keys: [v.key],
      app: '@user',
      assertion: approvals[i],
    });
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return percentile(lat, 50);
}

export async function benchVaultWebAuthn(opts: { runs: number; samples?: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const samples = Math.min(SAMPLES, opts.samples ?? SAMPLES);
  const homes = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'peeros-bench-webauthn-')));
  const opened: Channel[] = [];
  try {
    const zero = new Authenticator(false);
    const counting = new Authenticator(true);
    const hmac = await openVault(homes[0]!, null);
    const wa = await openVault(homes[1]!, zero);
    const counted = await openVault(homes[2]!, counting);
    opened.push(hmac.vault, wa.vault, counted.vault);
    const txs = Array.from({ length: 64 }, (_, i) => transaction(i));
    const viaAuthenticator = (v: Channel, a: Authenticator) => async (digest: Uint8Array) => {
      const ch = await v.call('webauthn_challenge', { purpose: 'sign', app: '@user', digest });
      return a.assertion(ch.challenge, ch.nonce);
    };
    const viaHmac = async (digest: Uint8Array) =>
      mintAssertion(hmac.vault.registration!, { purpose: 'sign', app: '@user', digest, ttlMs: 300_000 });
    const base: number[] = [],
      verify: number[] = [],
      persist: number[] = [],
      verifyRatio: number[] = [],
      persistRatio: number[] = [];
    for (let r = -1; r < runs; r++) {
      // run -1 warms up
      const b = await signP50(hmac, txs, viaHmac, samples);
      const w = await signP50(wa, txs, viaAuthenticator(wa.vault, zero), samples);
      const c = await signP50(counted, txs, viaAuthenticator(counted.vault, counting), samples);
      if (r < 0) continue;
      base.push(b);
      verify.push(w);
      persist.push(c);
      verifyRatio.push(w / b);
      persistRatio.push(c / b);
    }
    return [
      summarize('vault.webauthn.hmac-sign.p50', 'µs/op', base),
      summarize('vault.webauthn.sign.p50', 'µs/op', verify),
      summarize('vault.webauthn.sign-counted.p50', 'µs/op', persist),
      summarize('vault.webauthn.verify/hmac', 'x', verifyRatio),
      summarize('vault.webauthn.counted/hmac', 'x', persistRatio),
    ];
  } finally {
    await Promise.all(opened.map((c) => c.channel.close()));
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
}
