/**
 * Public-key recovery from transaction signatures, the node's hottest path (one per signature per
 * transaction). K1: two implementations with the same contract: native libsecp256k1 through the
 * `secp256k1` npm addon when it can be loaded (≈ 20× faster), else @noble/curves through the
 * protocol core; both refuse non-canonical signatures first, as Leap does. WA (WebAuthn): Leap's
 * client-data checks then P-256 recovery (`recoverWebAuthnKeyId`), the same in both; no canonical
 * rule. R1 is refused, as before. Returns key ids (see authority.ts), which is all the authority
 * checker needs.
 */
import {
  AntelopeError,
  type PublicKey,
  type Signature,
  KeyType,
  MAX_WEBAUTHN_VARIABLE_BYTES,
  isCanonical,
  loadNativeSecp256k1,
  type NativeSecp256k1,
} from '../../abi/antelope/index.js';
import { keyIdOf } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import { bytesToHex } from '../../abi/antelope/index.js';

export interface KeyRecovery {
  readonly name: 'native-libsecp256k1' | 'noble';
  /** The key id that signed `digest`, or throws `ChainError` for an unusable signature. */
  recover(sig: Signature, digest: Uint8Array): string;
}

/**
 * The public key that made `sig` over `digest`, as Leap's crypto API recovers it: K1 and R1 without
 * the canonical rule (Leap's `recover_key` intrinsic passes `check_canonical = false`), WebAuthn
 * with the size limit and Leap's client-data checks. The one call for intrinsics; failures are
 * `ChainError`s named as Leap names them: `sig_variable_size_limit_exception` over the size limit,
 * `assert_exception` for a failed client-data check ("Wrong webauthn challenge", "webauthn origin
 * must begin with https://", …), `unspecified_exception` when no key can be reconstructed.
 */
export function recoverPublicKey(sig: Signature, digest: Uint8Array): PublicKey {
  if (sig.variableSize > MAX_WEBAUTHN_VARIABLE_BYTES)
    throw new ChainError(
      'sig_variable_size_limit_exception',
      `signature variable length component size (${sig.variableSize}) greater than subjective maximum (${MAX_WEBAUTHN_VARIABLE_BYTES})`,
    );
  try {
    return sig.recover(digest);
  } catch (e) {
    const message = (e as Error).message;
    if (!(e instanceof AntelopeError) || sig.type !== KeyType.WA) throw new ChainError('unspecified_exception', message);
    // a failed client-data check is Leap's FC_ASSERT; no reconstructable key is its generic failure
    throw new ChainError(e.code === 'RECOVER_FAILED' ? 'unspecified_exception' : 'assert_exception', message);
  }
}

/** The key id of the WebAuthn key that made `sig` over `digest` (`recoverPublicKey`'s errors). */
export function recoverWebAuthnKeyId(sig: Signature, digest: Uint8Array): string {
  return keyIdOf(recoverPublicKey(sig, digest));
}

function check(sig: Signature): void {
  if (sig.type !== KeyType.K1)
    throw new ChainError('unsatisfied_authorization', `only K1 and WA signatures are supported, got key type ${sig.type}`);
  if (!isCanonical(sig.data)) throw new ChainError('transaction_exception', `signature is not canonical: ${sig.toString()}`);
  const h = sig.data[0]!;
  if (h < 27 || h > 34) throw new ChainError('transaction_exception', `signature recovery header must be 27..34, got ${h}`);
}

export const nobleRecovery: KeyRecovery = {
  name: 'noble',
  recover(sig, digest) {
    if (sig.type === KeyType.WA) return recoverWebAuthnKeyId(sig, digest);
    check(sig);
    try {
      return keyIdOf(sig.recover(digest));
    } catch (e) {
      throw new ChainError(
        'transaction_exception',
        `cannot recover a public key from signature ${sig.toString()}: ${(e as Error).message}`,
      );
    }
  },
};

/** The native addon's one home is abi/antelope/native-secp256k1.ts (the vault signs with it too). */
export { loadNativeSecp256k1 };

export function nativeRecovery(lib: NativeSecp256k1): KeyRecovery {
  const out = new Uint8Array(34); // K1 type byte 0 ‖ 33-byte compressed point
  return {
    name: 'native-libsecp256k1',
    recover(sig, digest) {
      if (sig.type === KeyType.WA) return recoverWebAuthnKeyId(sig, digest);
      check(sig);
      let pub: Uint8Array;
      try {
        pub = lib.ecdsaRecover(sig.data.subarray(1, 65), (sig.data[0]! - 27) & 3, digest, true);
      } catch (e) {
        throw new ChainError(
          'transaction_exception',
          `cannot recover a public key from signature ${sig.toString()}: ${(e as Error).message}`,
        );
      }
      out[0] = 0;
      out.set(pub, 1);
      return bytesToHex(out);
    },
  };
}

/** The fastest available implementation: native when loadable, else noble. */
export function defaultKeyRecovery(): KeyRecovery {
  const lib = loadNativeSecp256k1();
  return lib ? nativeRecovery(lib) : nobleRecovery;
}
