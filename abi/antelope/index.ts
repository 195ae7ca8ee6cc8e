/**
 * The Antelope protocol core: pure codecs, no I/O. Everything public is re-exported here;
 * import from this module, not from the individual files.
 */
export { AntelopeError, ANTELOPE_ERROR_CODES, ANTELOPE_ISA_CODES, describe, type AntelopeErrorCode } from './error.js';
export { hexToBytes, bytesToHex, concatBytes, bytesEqual } from './bytes.js';
export { BinaryWriter, encodeWith } from './binary-writer.js';
export { BinaryReader } from './binary-reader.js';
export { sha256, sha256Into, sha512, ripemd160, sha256Parts } from './hash.js';
export { base58Encode, base58Decode } from './base58.js';
export { Checksum160, Checksum256, Checksum512, type Checksum160Type, type Checksum256Type, type Checksum512Type } from './checksum.js';
export { Name, ACCOUNT_NAME_PATTERN, isCanonicalName, type NameType } from './name.js';
export { KeyType } from './key-type.js';
export { PublicKey, type PublicKeyType } from './public-key.js';
export { PrivateKey, type PrivateKeyType } from './private-key.js';
export { loadNativeSecp256k1, signCanonical, signK1Native, type NativeSecp256k1 } from './native-secp256k1.js';
export { Signature, isCanonical, type SignatureType, type DigestType } from './signature.js';
export { UserPresence, MAX_RPID_BYTES, type WebAuthnKeyParts } from './webauthn-key.js';
export { MAX_WEBAUTHN_VARIABLE_BYTES, type WebAuthnSignatureParts } from './webauthn-signature.js';
export { recoverWebAuthnKey, parseClientData, rpidOfOrigin } from './webauthn-recovery.js';
export { signatureFromAssertion, webAuthnKeyFromSpki, type WebAuthnAssertion } from './webauthn-assertion.js';
export { SymbolCode, AssetSymbol, MAX_PRECISION, type SymbolCodeType, type AssetSymbolType } from './symbol.js';
export { Asset, MAX_ASSET_AMOUNT, type AssetType } from './asset.js';
export { ExtendedAsset, type ExtendedAssetType } from './extended-asset.js';
export { TimePoint, type TimePointType } from './time-point.js';
export { TimePointSec, type TimePointSecType } from './time-point-sec.js';
export { BlockTimestamp, BLOCK_INTERVAL_MS, BLOCK_TIMESTAMP_EPOCH_MS, type BlockTimestampType } from './block-timestamp.js';
export {
  Abi,
  DEFAULT_ABI_VERSION,
  type AbiDef,
  type AbiDefInput,
  type AbiType,
  type AbiTypeDef,
  type AbiField,
  type AbiStruct,
  type AbiAction,
  type AbiTable,
  type AbiClause,
  type AbiErrorMessage,
  type AbiExtension,
  type AbiVariant,
  type AbiActionResult,
} from './abi-def.js';
export { BUILTIN_TYPES, type BuiltinCodec } from './builtin-types.js';
export { AbiSerializer, TypeCodec, type AbiSerializerOptions, MAX_DECODE_DEPTH, MAX_ZERO_SIZE_ELEMENTS } from './abi-serializer.js';
export { PermissionLevel, type PermissionLevelType } from './permission-level.js';
export { Action, type ActionType, type ActionFields } from './action.js';
export {
  TransactionHeader,
  MAX_TRANSACTION_LIFETIME_SEC,
  type TransactionHeaderFields,
  type TransactionHeaderType,
  type TransactionHeaderValues,
} from './transaction-header.js';
export {
  Transaction,
  signingDigest,
  signingPreimage,
  packContextFreeData,
  type TransactionType,
  type TransactionFields,
  type TransactionExtension,
} from './transaction.js';
export {
  PackedTransaction,
  MAX_DECOMPRESSED_SIZE,
  DEFAULT_PACKED_TRANSACTION_LIMITS,
  compressionFrom,
  type CompressionType,
  type PackedTransactionJSON,
  type PackedTransactionInput,
  type PackedTransactionLimits,
  type PackedTransactionBody,
  type UnpackedTransaction,
} from './packed-transaction.js';
export {
  EOSIO_ABI,
  NATIVE_ACTIONS,
  eosioSerializer,
  type NativeAction,
  type PermissionLevelJSON,
  type KeyWeight,
  type PermissionLevelWeight,
  type WaitWeight,
  type Authority,
  type NewAccount,
  type SetCode,
  type SetAbi,
  type UpdateAuth,
  type DeleteAuth,
  type LinkAuth,
  type UnlinkAuth,
  type CancelDelay,
} from './eosio-abi.js';
export { BlockId, type BlockIdType, type Tapos } from './block-id.js';
export { isChainId, normalizeChainId } from './chain-id.js';
export { keyIdOf, keyIdOfText, publicKeyOfId, keyIdToString, KEY_TEXTS_REMEMBERED, KEY_TEXT_REMEMBERED_MAX_CHARS } from './key-id.js';
export { isValidAuthority } from './authority-validity.js';
export { AuthorityChecker, MAX_AUTHORITY_DEPTH, type PermissionLookup } from './authority-checker.js';
export { canonicalPairHash, legacyMerkleRoot, legacyMerkleRootOfFlat } from './merkle.js';
export { IncrementalMerkle, type IncrementalMerkleJSON } from './incremental-merkle.js';
export {
  ProducerSchedule,
  ProducerKey,
  MAX_PRODUCERS,
  PRODUCER_REPETITIONS,
  type ProducerScheduleJSON,
  type ProducerKeyJSON,
  type ProducerScheduleType,
  type ProducerKeyType,
} from './producer-schedule.js';
export {
  GenesisState,
  DEFAULT_CHAIN_CONFIG,
  validateChainConfig,
  type ChainConfigV0,
  type GenesisStateJSON,
} from './genesis-state.js';
export { legacyBlockSigningDigest } from './block-signing-digest.js';
