/**
 * Peer authentication of a share's sender: the host a recipient dials (the descriptor's `at`)
 * proves that it holds the share core's *secret* key — it is the core's writer, not a relay, a
 * replica or whoever now listens at that address — before the recipient asks it for anything.
 *
 * Hypercore's channel handshake already proves both sides know the core's *public* key, and its
 * signed tree makes every block the writer's; what it does not say is who the serving peer is. Here
 * the server signs, with the core's Ed25519 signing key,
 *
 *     "peeros-share/v1/serve" ‖ 0x00 ‖ core key (32) ‖ Noise handshake hash of this connection
 *
 * and sends `signing public key (32) ‖ signature (64)` as a hypercore extension message on that
 * core's channel. A hypercore's key is the hash of its manifest, which names its signer: the
 * recipient checks that the public key is the one the core key commits to (`Hypercore.key`), then
 * the signature. The handshake hash is
 * unique to one connection and the same on both ends, so a proof cannot be replayed on another
 * connection nor forwarded by a peer in the middle (its two connections have different hashes).
 * The recipient checks it against the core key in the descriptor.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import Hypercore from 'hypercore';

/** The hypercore extension that carries the proof. */
export const SHARE_PROOF_EXTENSION = 'peeros-share/v1/serve-proof';
/** Domain tag of the signed statement; versioned with the share format. */
export const TAG_SHARE_SERVE = 'peeros-share/v1/serve';
/** A proof: the signer's Ed25519 public key (32) and its signature (64); any other length is refused before verifying. */
export const SHARE_PROOF_BYTES = 32 + 64;

/** The statement a serving host signs for one core on one connection. */
export function serveStatement(coreKey: Uint8Array, handshakeHash: Uint8Array): Uint8Array {
  const tag = Buffer.from(TAG_SHARE_SERVE, 'utf8');
  return Buffer.concat([tag, Buffer.of(0), coreKey, handshakeHash]);
}

/**
 * The proof, made with the core's key pair as hypercore keeps it (libsodium's 64-byte secret key:
 * the 32-byte seed, then the public key).
 */
export function signServeProof(
  keyPair: { publicKey: Uint8Array; secretKey: Uint8Array },
  coreKey: Uint8Array,
  handshakeHash: Uint8Array,
): Uint8Array {
  const signature = ed25519.sign(serveStatement(coreKey, handshakeHash), keyPair.secretKey.subarray(0, 32));
  return Buffer.concat([keyPair.publicKey, signature]);
}

/**
 * Whether `proof` (hostile bytes from the peer) names the signer `coreKey` commits to and is its
 * signature of this connection's statement.
 */
export function verifyServeProof(proof: unknown, coreKey: Uint8Array, handshakeHash: Uint8Array | null | undefined): boolean {
  if (!(proof instanceof Uint8Array) || proof.length !== SHARE_PROOF_BYTES || !handshakeHash) return false;
  const publicKey = proof.subarray(0, 32);
  try {
    if (!Buffer.from(coreKey).equals(Hypercore.key(Buffer.from(publicKey)))) return false;
    return ed25519.verify(proof.subarray(32), serveStatement(coreKey, handshakeHash), publicKey);
  } catch {
    return false;
  }
}
