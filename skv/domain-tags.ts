/**
 * Domain-separation tags of the vault, in one place: every key derived from the passphrase, every
 * MAC and every AEAD additional-data string starts with one of these, so no value made for one
 * purpose can be replayed as another. Changing a tag is a format change (bump the version).
 */
export const TAG_KEYSTORE_ENC = 'peeros-skv/v1/keystore-enc'; // HKDF info: AES-256-GCM key for private keys
export const TAG_KEYSTORE_MAC = 'peeros-skv/v1/keystore-mac'; // HKDF info: HMAC key over the keystore body
export const TAG_PASSPHRASE_CHECK = 'peeros-skv/v1/passphrase-check'; // HKDF info: check value of the passphrase
export const TAG_SPEND_MAC = 'peeros-skv/v1/spend-mac'; // HKDF info: HMAC key over the daily spend ledger
export const TAG_KEY_AAD = 'peeros-skv/v1/private-key'; // AES-GCM additional data prefix of each sealed key
export const TAG_ASSERTION = 'peeros-skv/v1/assertion'; // HMAC prefix of a user-verification assertion
export const TAG_EXPORT_DIGEST = 'peeros-skv/v1/export'; // digest approved by the user to export one key
export const TAG_GRANT_DIGEST = 'peeros-skv/v1/grant'; // digest approved by the user to set an app's grant
export const TAG_MESSAGE_KEY = 'peeros-skv/v1/message-key'; // sha256 prefix: ECDH x coordinate → message key
export const TAG_MESSAGE_AAD = 'peeros-skv/v1/message'; // AES-GCM additional data prefix of a sealed message
export const TAG_APP_PACKAGE = 'peeros-skv/v1/app-package'; // sha256 prefix: an app package hash a publisher signs
export const TAG_WEBAUTHN_CHALLENGE = 'peeros-skv/v1/webauthn-challenge'; // sha256 prefix: the challenge a WebAuthn assertion signs
export const TAG_WEBAUTHN_REGISTER = 'peeros-skv/v1/webauthn-register'; // sha256 prefix: the digest a registration commits to (rp id, origin)
