/**
 * Target `webauthn-attestation`: what the vault reads from a relayed WebAuthn registration —
 * `registerCredential` (skv/webauthn-credential.ts): the attestation object through the bounded
 * CBOR reader (lib/cbor-reader.ts), format `none`, authenticator data (rp id hash, UP/UV/AT, the
 * attested credential data, the COSE key, extensions) and the P-256 point check.
 * Generators: one valid attestation object (ES256 key, attestation `none`, built here byte by byte)
 * mutated as bytes; client data fixed and valid, so every refusal is about the attestation.
 * Oracles: only VaultError; an accepted object is one CBOR item whose authData ends in the
 * credential's key, and the stored key is a P-256 point.
 */
import { createHash } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { VaultError } from '../../skv/error.js';
import { registerCredential } from '../../skv/webauthn-credential.js';
import { readCborExact } from '../../lib/cbor-reader.js';
import { mutate } from '../mutate.js';
import { accepts, oracle, type FuzzTarget } from '../target.js';

const RP_ID = 'localhost';
const ORIGIN = 'http://localhost:8443';
const CHALLENGE = new Uint8Array(32).fill(9);

function seedAttestation(): Uint8Array {
  const secret = new Uint8Array(32).fill(7);
  const pub = p256.getPublicKey(secret, false);
  const cose = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    pub.subarray(1, 33),
    Buffer.from([0x22, 0x58, 0x20]),
    pub.subarray(33, 65),
  ]);
  const id = Buffer.alloc(16, 3);
  const authData = Buffer.concat([
    createHash('sha256').update(RP_ID).digest(),
    Buffer.from([0x45, 0, 0, 0, 0]), // UP | UV | AT, counter 0
    Buffer.alloc(16), // AAGUID
    Buffer.from([0, id.length]),
    id,
    cose,
  ]);
  return Buffer.concat([
    Buffer.from([0xa3, 0x63]),
    Buffer.from('fmt'),
    Buffer.from([0x64]),
    Buffer.from('none'),
    Buffer.from([0x67]),
    Buffer.from('attStmt'),
    Buffer.from([0xa0, 0x68]),
    Buffer.from('authData'),
    Buffer.from([0x58, authData.length]),
    authData,
  ]);
}

export const webauthnAttestation: FuzzTarget = {
  name: 'webauthn-attestation',
  about: 'skv/webauthn-credential registerCredential (lib/cbor-reader, attestation none, authenticator data, COSE key)',
  maxInputMs: 1000,
  smokeInputs: 1000,
  async open() {
    const seed = new Uint8Array(seedAttestation());
    const clientDataJSON = new TextEncoder().encode(
      JSON.stringify({ type: 'webauthn.create', challenge: Buffer.from(CHALLENGE).toString('base64url'), origin: ORIGIN }),
    );
    const now = new Date(0);
    return {
      generate: (r) => mutate(r, [seed]),
      run(input) {
        let stored: ReturnType<typeof registerCredential> | undefined;
        const ok = accepts(
          (e) => e instanceof VaultError,
          () => {
            stored = registerCredential({
              rpId: RP_ID,
              origin: ORIGIN,
              challenge: CHALLENGE,
              clientDataJSON,
              attestationObject: input,
              now,
            });
          },
        );
        if (!ok) return false;
        const doc = readCborExact(input);
        oracle(doc instanceof Map && doc.get('fmt') === 'none', 'webauthn-attestation: accepted a document that is not a none attestation');
        p256.Point.fromHex(stored!.publicKey).assertValidity();
        return true;
      },
    };
  },
};
