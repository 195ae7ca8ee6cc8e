/**
 * `public_key` and `signature`: a varuint32 key type (0 K1, 1 R1, 2 WebAuthn) and its data, kept as
 * the bytes that follow the type: 33 (K1/R1 key), 65 (K1/R1 signature), and for WebAuthn the
 * key's presence byte and relying-party id, or the signature's authenticator data and client JSON.
 */
export const KEY_TYPE_K1: u32 = 0;
export const KEY_TYPE_R1: u32 = 1;
export const KEY_TYPE_WA: u32 = 2;

export class PublicKey {
  constructor(public type: u32 = KEY_TYPE_K1, public data: Uint8Array = new Uint8Array(33)) {}
}

export class Signature {
  constructor(public type: u32 = KEY_TYPE_K1, public data: Uint8Array = new Uint8Array(65)) {}
}
