/**
 * Target `share-proof`: what a peer that claims to serve a share sends to prove it is the share's
 * sender (runtime/fs/share-proof.ts `verifyServeProof`): the extension message's bytes, against a
 * fixed core key and this connection's handshake hash.
 *
 * Input: 64 bytes of handshake hash, then the proof bytes. Generators: the writer's valid proof for
 * that hash, mutated (bit flips, cuts, growth, splices with a stranger's proof or the writer's proof
 * of another hash), a stranger's proof, and random bytes. Oracles: verifying never throws; an
 * accepted proof is exactly `SHARE_PROOF_BYTES` long and names the writer's public key (the key the
 * core key commits to), and its signature part verifies with that key over this connection's
 * statement — so nothing a peer without the writer's key can make is accepted.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import Hypercore from 'hypercore';
import { SHARE_PROOF_BYTES, serveStatement, signServeProof, verifyServeProof } from '../../runtime/fs/share-proof.js';
import { mutate } from '../mutate.js';
import type { Prng } from '../prng.js';
import { oracle, type FuzzTarget } from '../target.js';

const HASH_BYTES = 64;
const pair = (seed: Uint8Array) => {
  const publicKey = ed25519.getPublicKey(seed);
  return { publicKey, secretKey: Buffer.concat([seed, publicKey]) };
};
const WRITER = pair(new Uint8Array(32).fill(7));
const STRANGER = pair(new Uint8Array(32).fill(9));
const CORE = Hypercore.key(Buffer.from(WRITER.publicKey));

function generate(r: Prng): Uint8Array {
  const hash = r.bytes(HASH_BYTES);
  const valid = signServeProof(WRITER, CORE, hash);
  const seeds = [valid, signServeProof(STRANGER, CORE, hash), signServeProof(WRITER, CORE, r.bytes(HASH_BYTES))];
  const pick = r.int(4);
  const proof = pick === 0 ? valid : pick === 1 ? seeds[1]! : pick === 2 ? r.bytes(r.int(2 * SHARE_PROOF_BYTES)) : mutate(r, seeds);
  return Buffer.concat([hash, proof]);
}

export const shareProof: FuzzTarget = {
  name: 'share-proof',
  about: "runtime/fs share-proof verifyServeProof (a serving peer's proof that it holds the share core's key)",
  maxInputMs: 1000,
  smokeInputs: 400,
  async open() {
    return {
      generate,
      run(input) {
        const hash = input.subarray(0, HASH_BYTES);
        const proof = input.subarray(HASH_BYTES);
        if (hash.length < HASH_BYTES) return false;
        if (!verifyServeProof(proof, CORE, hash)) return false;
        oracle(proof.length === SHARE_PROOF_BYTES, `share-proof: accepted a proof of ${proof.length} bytes`);
        oracle(
          Buffer.from(proof.subarray(0, 32)).equals(WRITER.publicKey),
          "share-proof: accepted a proof naming another key than the core's writer",
        );
        oracle(
          ed25519.verify(proof.subarray(32), serveStatement(CORE, hash), WRITER.publicKey),
          "share-proof: accepted a signature the writer's key does not verify",
        );
        return true;
      },
    };
  },
};
