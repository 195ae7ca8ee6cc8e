/**
 * dMemo: the only channel to the Secure Key Vault. Versioned msgpack messages, written down here as
 * types. Every request is `{ v, op, ...fields }`; every response is `{ v, ok: true, op, result }` or
 * `{ v, ok: false, error: { code, message, retryAfterMs? } }`. Bytes travel as msgpack `bin`.
 *
 * The vault decodes and validates every field of every request (`decodeRequest`); anything malformed
 * or unknown gets a typed error response (MALFORMED_MESSAGE, UNSUPPORTED_VERSION, UNKNOWN_OPERATION,
 * MESSAGE_TOO_LARGE) and the vault keeps serving. Private keys travel only *into* the vault
 * (`import_key`) and out of it only in the `export_key` result.
 */
import { Packr } from 'msgpackr';
import { VAULT_ERROR_CODES, VaultError, type VaultErrorCode } from './error.js';
import { codeOf, peerMessage, peerText } from '../lib/coded-error.js';
import { ASSERTION_PURPOSES, type Approval } from './assertion.js';
import { WEBAUTHN_PURPOSES, type WebAuthnPurpose } from './webauthn-challenge.js';
import type { SigningGrant } from './signing-grant.js';
import {
  MAX_MESSAGE_BYTES,
  MAX_LABEL_LENGTH,
  MAX_PASSPHRASE_LENGTH,
  MAX_SIGNING_KEYS,
  MAX_IDENTITY_LENGTH,
  MAX_MESSAGE_CONTEXT_LENGTH,
  MESSAGE_CONTEXT_PATTERN,
  MAX_WEBAUTHN_CREDENTIAL_ID_BYTES,
  MAX_WEBAUTHN_FIELD_BYTES,
  MAX_WEBAUTHN_ORIGIN_LENGTH,
} from './limits.js';

export const DMEMO_VERSION = 1;

// ── requests ───────────────────────────────────────────────────────────────────────────────────
export interface UnlockRequest {
  v: 1;
  op: 'unlock';
  passphrase: string /** Create the keystore when none exists (never over a damaged one). */;
  create?: boolean;
}
export interface LockRequest {
  v: 1;
  op: 'lock';
}
export interface StatusRequest {
  v: 1;
  op: 'status';
}
export interface CreateKeyRequest {
  v: 1;
  op: 'create_key';
  label?: string;
}
/** `privateKey`: `PVT_K1_…` or WIF. */
export interface ImportKeyRequest {
  v: 1;
  op: 'import_key';
  privateKey: string;
  label?: string;
}
/**
 * Removes a key created by `create_key` in this unlock session that has not been used since (no
 * signature, export or message): the undo of a key made for something the user then declined
 * (`peeros account create`). Any other key is refused, so a host cannot delete the user's keys.
 */
export interface DiscardKeyRequest {
  v: 1;
  op: 'discard_key';
  key: string;
}
export interface ListKeysRequest {
  v: 1;
  op: 'list_keys';
}
export interface SignRequest {
  v: 1;
  op: 'sign';
  /** 32 bytes. */
  chainId: Uint8Array;
  /** The serialized unsigned transaction (packed_trx, uncompressed). */
  transaction: Uint8Array;
  /** Packed context-free data; absent or empty when there is none. */
  contextFreeData?: Uint8Array;
  /** Public keys to sign with (`PUB_K1_…` or `EOS…`). */
  keys: string[];
  /** The requesting app, or `@user` (USER_APP, outside the app-id grammar) for the user acting directly. */
  app: string;
  /** The installed app's identity (publisher key or `unverified:<install id>`); must match its grant's. */
  identity?: string;
  assertion: Approval;
}
/** Signs an app package hash with one key, under its own domain tag (skv/package-digest.ts); needs a `package` assertion. */
export interface SignPackageRequest {
  v: 1;
  op: 'sign_package';
  packageHash: Uint8Array;
  key: string;
  assertion: Approval;
}
/** Returns one private key; needs the passphrase again and an `export` assertion. */
export interface ExportKeyRequest {
  v: 1;
  op: 'export_key';
  key: string;
  passphrase: string;
  assertion: Approval;
}
/** Sets (replaces) the signing grant of one app; needs a `grant` assertion for `grantDigest(grant)`. */
export interface SetGrantRequest {
  v: 1;
  op: 'set_grant';
  grant: SigningGrant;
  assertion: Approval;
}
/** Removes the signing grant of one app (with `identity`: only a grant of that identity); narrowing rights needs no assertion. */
export interface RevokeGrantRequest {
  v: 1;
  op: 'revoke_grant';
  app: string;
  identity?: string;
}
/** Seals a message for `peer` with the key agreed between `key` (ours) and `peer` (ECDH); for an app with a signing grant. */
export interface SealMessageRequest {
  v: 1;
  op: 'seal_message';
  key: string;
  peer: string;
  plaintext: Uint8Array;
  app: string;
  identity?: string;
  /** The contract account the message is sealed for ('' or absent: none); it opens only with the same. */
  context?: string;
}
/** Opens a message sealed between `key` (ours) and `peer`. */
export interface OpenMessageRequest {
  v: 1;
  op: 'open_message';
  key: string;
  peer: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  app: string;
  identity?: string;
  /** The contract account the message was sealed for ('' or absent: none). */
  context?: string;
}
/**
 * Issues a WebAuthn challenge (docs/vault.md, skv/webauthn-challenge.ts) for one request: `digest`
 * and `app` for `sign`, `export`, `grant`, `package`; `rpId` and `origin` for `register` (the vault
 * computes that digest itself). The nonce is single use and lives WEBAUTHN_CHALLENGE_TTL_MS.
 */
export interface WebAuthnChallengeRequest {
  v: 1;
  op: 'webauthn_challenge';
  purpose: WebAuthnPurpose;
  app?: string;
  /** For `sign`: the identity the sign request will carry (committed to by the challenge). */
  identity?: string;
  digest?: Uint8Array;
  rpId?: string;
  origin?: string;
}
/**
 * Registers a WebAuthn credential from what `navigator.credentials.create` returned for a
 * `register` challenge (attestation `none`, ES256, user verification). While one is registered,
 * another (a backup authenticator) needs `assertion` from a registered one, approving a
 * registration for this rp id and origin (else WEBAUTHN_ALREADY_REGISTERED); at most
 * MAX_WEBAUTHN_CREDENTIALS.
 */
export interface WebAuthnRegisterRequest {
  v: 1;
  op: 'webauthn_register';
  rpId: string;
  origin: string;
  nonce: Uint8Array;
  clientDataJSON: Uint8Array;
  attestationObject: Uint8Array;
  /** With a credential registered: a `register` assertion from it over registrationDigest(rpId, origin). */
  assertion?: Approval;
}

/**
 * Gives back an issued WebAuthn challenge that no assertion will answer (the host refused the
 * request before any dialog, or its dialog failed), so refusals do not hold the pending slots
 * (MAX_PENDING_WEBAUTHN_CHALLENGES) until they expire. The nonce can then never be spent.
 */
export interface WebAuthnReleaseRequest {
  v: 1;
  op: 'webauthn_release';
  nonce: Uint8Array;
}

export type DmemoRequest =
  | UnlockRequest
  | LockRequest
  | StatusRequest
  | CreateKeyRequest
  | ImportKeyRequest
  | DiscardKeyRequest
  | ListKeysRequest
  | SignRequest
  | ExportKeyRequest
  | SetGrantRequest
  | RevokeGrantRequest
  | SealMessageRequest
  | OpenMessageRequest
  | SignPackageRequest
  | WebAuthnChallengeRequest
  | WebAuthnRegisterRequest
  | WebAuthnReleaseRequest;
export type DmemoOp = DmemoRequest['op'];

// ── results ────────────────────────────────────────────────────────────────────────────────────
export interface KeyInfo {
  publicKey: string;
  legacyKey: string;
  label: string;
  created: string;
}
export interface UnlockResult {
  keyCount: number;
  created: boolean;
  autoLockMs: number;
  /** Registration for the verifier (handed on once, never logged). */
  verifier: { scheme: 'hmac-sha256'; secret: Uint8Array; session: string };
  /** Registered WebAuthn credentials: when any, only their assertions approve (the HMAC secret no longer does). */
  webauthn: WebAuthnCredentialInfo[];
}
export interface WebAuthnCredentialInfo {
  /** Credential id (`rawId`). */
  id: Uint8Array;
  rpId: string;
  origin: string;
  signCount: number;
}
export interface WebAuthnChallengeResult {
  purpose: WebAuthnPurpose;
  app: string;
  /** The 32 bytes to pass as `publicKey.challenge`. */
  challenge: Uint8Array;
  /** Hand back with the assertion. */
  nonce: Uint8Array;
  expiresAt: number;
  /** Credentials that may answer (`allowCredentials`); empty for `register` with none registered. */
  credentials: WebAuthnCredentialInfo[];
}
export interface LockResult {
  wasUnlocked: boolean;
}
export interface StatusResult {
  unlocked: boolean;
  keystore: 'missing' | 'present' | 'corrupt';
  formatVersion?: number;
  /** Unlocked: keys held; locked: entries in the file (unauthenticated until unlock). */
  keyCount?: number;
  /** Unix ms at which the vault locks itself if idle. */
  autoLockAt?: number;
  autoLockMs: number;
  failures: number;
  retryAfterMs: number;
  grants?: string[];
  /** WebAuthn credentials registered in the keystore. */
  webauthnCredentials?: number;
  /** When and why this worker last locked: `request`, `unlock` (re-unlocked), `idle-timer` or `idle-at-request`. */
  lastLockAt?: number;
  lastLockReason?: 'request' | 'unlock' | 'idle-timer' | 'idle-at-request';
}
export interface SignResult {
  signatures: string[];
  /** The signing digest sha256(chainId ‖ transaction ‖ cfd hash or 32 zero bytes). */
  digest: Uint8Array;
  /** The exact bytes whose sha256 was signed. */
  signedBytes: Uint8Array;
}
/** The `sign` reply on the wire: the result, and the version of the vault's key list when it answered (ListKeysResult.keySet). */
export interface SignReply extends SignResult {
  keySet: string;
}
export interface ListKeysResult {
  keys: KeyInfo[];
  /**
   * The version of this list: another reply with the same version comes from the same worker with
   * no lock, unlock or keystore change between them (the host's copy of the list is still right).
   */
  keySet: string;
}
export interface ExportKeyResult {
  privateKey: string;
}
export interface SetGrantResult {
  app: string;
}
export interface RevokeGrantResult {
  app: string;
  revoked: boolean;
}
export interface SealMessageResult {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}
export interface OpenMessageResult {
  plaintext: Uint8Array;
}
export interface SignPackageResult {
  signature: string;
  /** packageSigningDigest(packageHash): what was signed. */
  digest: Uint8Array;
}

export interface DmemoResults {
  unlock: UnlockResult;
  lock: LockResult;
  status: StatusResult;
  create_key: KeyInfo;
  import_key: KeyInfo;
  discard_key: { publicKey: string };
  list_keys: ListKeysResult;
  sign: SignReply;
  export_key: ExportKeyResult;
  set_grant: SetGrantResult;
  revoke_grant: RevokeGrantResult;
  seal_message: SealMessageResult;
  open_message: OpenMessageResult;
  sign_package: SignPackageResult;
  webauthn_challenge: WebAuthnChallengeResult;
  webauthn_register: WebAuthnCredentialInfo;
  /** Whether the nonce was pending (false: unknown, spent or expired already). */
  webauthn_release: { released: boolean };
}

export interface DmemoErrorBody {
  code: VaultErrorCode;
  message: string;
  retryAfterMs?: number;
}
export type DmemoResponse<O extends DmemoOp = DmemoOp> =
  | { v: 1; ok: true; op: O; result: DmemoResults[O] }
  | { v: 1; ok: false; error: DmemoErrorBody };

// ── codec ──────────────────────────────────────────────────────────────────────────────────────
const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encodeMessage(value: unknown): Uint8Array {
  return packr.pack(value);
}

const OPS: Record<DmemoOp, (m: Record<string, unknown>) => void> = {
  unlock: (m) => {
    str(m, 'passphrase', false, MAX_PASSPHRASE_LENGTH);
    bool(m, 'create', true);
  },
  lock: () => {},
  status: () => {},
  create_key: (m) => {
    str(m, 'label', true, MAX_LABEL_LENGTH);
  },
  import_key: (m) => {
    str(m, 'privateKey', false, 256);
    str(m, 'label', true, MAX_LABEL_LENGTH);
  },
  discard_key: (m) => {
    str(m, 'key', false, 256);
  },
  list_keys: () => {},
  sign: (m) => {
    bytes(m, 'chainId', false, 32, 32);
    bytes(m, 'transaction', false, 1, MAX_MESSAGE_BYTES);
    bytes(m, 'contextFreeData', true, 0, MAX_MESSAGE_BYTES);
    strArray(m, 'keys');
    str(m, 'app', false, 64);
    str(m, 'identity', true, MAX_IDENTITY_LENGTH);
    assertion(m);
  },
  sign_package: (m) => {
    bytes(m, 'packageHash', false, 32, 32);
    str(m, 'key', false, 256);
    assertion(m);
  },
  export_key: (m) => {
    str(m, 'key', false, 256);
    str(m, 'passphrase', false, MAX_PASSPHRASE_LENGTH);
    assertion(m);
  },
  set_grant: (m) => {
    if (typeof m.grant !== 'object' || m.grant === null || Array.isArray(m.grant)) throw malformed('grant', 'an object');
    assertion(m);
  },
  revoke_grant: (m) => {
    str(m, 'app', false, 64);
    str(m, 'identity', true, MAX_IDENTITY_LENGTH);
  },
  seal_message: (m) => {
    str(m, 'key', false, 256);
    str(m, 'peer', false, 256);
    bytes(m, 'plaintext', false, 0, 4096);
    str(m, 'app', false, 64);
    str(m, 'identity', true, MAX_IDENTITY_LENGTH);
    messageContext(m);
  },
  open_message: (m) => {
    str(m, 'key', false, 256);
    str(m, 'peer', false, 256);
    bytes(m, 'nonce', false, 12, 12);
    bytes(m, 'ciphertext', false, 16, 4096 + 16);
    str(m, 'app', false, 64);
    str(m, 'identity', true, MAX_IDENTITY_LENGTH);
    messageContext(m);
  },
  webauthn_challenge: (m) => {
    if (!WEBAUTHN_PURPOSES.includes(m.purpose as never)) throw malformed('purpose', `one of ${WEBAUTHN_PURPOSES.join(', ')}`);
    str(m, 'app', true, 64);
    str(m, 'identity', true, MAX_IDENTITY_LENGTH);
    bytes(m, 'digest', true, 32, 32);
    str(m, 'rpId', true, 253);
    str(m, 'origin', true, MAX_WEBAUTHN_ORIGIN_LENGTH);
  },
  webauthn_register: (m) => {
    str(m, 'rpId', false, 253);
    str(m, 'origin', false, MAX_WEBAUTHN_ORIGIN_LENGTH);
    bytes(m, 'nonce', false, 16, 16);
    bytes(m, 'clientDataJSON', false, 1, MAX_WEBAUTHN_FIELD_BYTES);
    bytes(m, 'attestationObject', false, 1, MAX_WEBAUTHN_FIELD_BYTES);
    assertion(m);
  },
  webauthn_release: (m) => bytes(m, 'nonce', false, 16, 16),
};

const FIELDS: Record<DmemoOp, string[]> = {
  unlock: ['passphrase', 'create'],
  lock: [],
  status: [],
  create_key: ['label'],
  import_key: ['privateKey', 'label'],
  discard_key: ['key'],
  list_keys: [],
  sign: ['chainId', 'transaction', 'contextFreeData', 'keys', 'app', 'identity', 'assertion'],
  sign_package: ['packageHash', 'key', 'assertion'],
  export_key: ['key', 'passphrase', 'assertion'],
  set_grant: ['grant', 'assertion'],
  revoke_grant: ['app', 'identity'],
  seal_message: ['key', 'peer', 'plaintext', 'app', 'identity', 'context'],
  open_message: ['key', 'peer', 'nonce', 'ciphertext', 'app', 'identity', 'context'],
  webauthn_challenge: ['purpose', 'app', 'identity', 'digest', 'rpId', 'origin'],
  webauthn_register: ['rpId', 'origin', 'nonce', 'clientDataJSON', 'attestationObject', 'assertion'],
  webauthn_release: ['nonce'],
};

function malformed(field: string, expected: string): VaultError {
  return new VaultError('MALFORMED_MESSAGE', `dMemo message field '${field}': expected ${expected}`);
}
function str(m: Record<string, unknown>, k: string, optional: boolean, max: number): void {
  const v = m[k];
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || v.length > max) throw malformed(k, `a string of at most ${max} characters`);
}
function messageContext(m: Record<string, unknown>): void {
  const v = m.context;
  if (v === undefined) return;
  if (typeof v !== 'string' || v.length > MAX_MESSAGE_CONTEXT_LENGTH || !MESSAGE_CONTEXT_PATTERN.test(v))
    throw malformed('context', `an account name (at most ${MAX_MESSAGE_CONTEXT_LENGTH} of a-z, 1-5, '.') or ''`);
}
function bool(m: Record<string, unknown>, k: string, optional: boolean): void {
  const v = m[k];
  if (v === undefined && optional) return;
  if (typeof v !== 'boolean') throw malformed(k, 'a boolean');
}
function bytes(m: Record<string, unknown>, k: string, optional: boolean, min: number, max: number, at = m, path = k): void {
  const v = at[k];
  if (v === undefined && optional) return;
  if (!(v instanceof Uint8Array) || v.length < min || v.length > max) {
    throw malformed(path, min === max ? `${min} bytes (msgpack bin)` : `${min}..${max} bytes (msgpack bin)`);
  }
}
function strArray(m: Record<string, unknown>, k: string): void {
  const v = m[k];
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_SIGNING_KEYS || !v.every((s) => typeof s === 'string' && s.length <= 256)) {
    throw malformed(k, `a non-empty array of at most ${MAX_SIGNING_KEYS} public key strings`);
  }
}
function assertion(m: Record<string, unknown>): void {
  const a = m.assertion;
  if (a === undefined) return; // the vault answers ASSERTION_REQUIRED, which says more
  if (typeof a !== 'object' || a === null || Array.isArray(a)) throw malformed('assertion', 'an object');
  const o = a as Record<string, unknown>;
  if (typeof o.scheme !== 'string') throw malformed('assertion.scheme', 'a string');
  if (o.scheme === 'webauthn') return webAuthnAssertion(o);
  if (!ASSERTION_PURPOSES.includes(o.purpose as never)) throw malformed('assertion.purpose', `one of ${ASSERTION_PURPOSES.join(', ')}`);
  if (typeof o.app !== 'string' || o.app.length > 64) throw malformed('assertion.app', 'an app id');
  if (typeof o.session !== 'string' || o.session.length > 64) throw malformed('assertion.session', 'a session id');
  if (typeof o.expiresAt !== 'number' || !Number.isSafeInteger(o.expiresAt) || o.expiresAt < 0)
    throw malformed('assertion.expiresAt', 'unix milliseconds');
  bytes(o, 'digest', false, 32, 32, o, 'assertion.digest');
  bytes(o, 'nonce', false, 16, 16, o, 'assertion.nonce');
  bytes(o, 'mac', false, 32, 32, o, 'assertion.mac');
}

const WEBAUTHN_ASSERTION_FIELDS = ['scheme', 'purpose', 'app', 'nonce', 'credentialId', 'authenticatorData', 'clientDataJSON', 'signature'];

function webAuthnAssertion(o: Record<string, unknown>): void {
  for (const k of Object.keys(o))
    if (!WEBAUTHN_ASSERTION_FIELDS.includes(k)) throw malformed(`assertion.${k.slice(0, 40)}`, 'no such field in a webauthn assertion');
  if (!WEBAUTHN_PURPOSES.includes(o.purpose as never)) throw malformed('assertion.purpose', `one of ${WEBAUTHN_PURPOSES.join(', ')}`);
  if (typeof o.app !== 'string' || o.app.length > 64) throw malformed('assertion.app', 'an app id');
  bytes(o, 'nonce', false, 16, 16, o, 'assertion.nonce');
  bytes(o, 'credentialId', false, 1, MAX_WEBAUTHN_CREDENTIAL_ID_BYTES, o, 'assertion.credentialId');
  bytes(o, 'authenticatorData', false, 37, MAX_WEBAUTHN_FIELD_BYTES, o, 'assertion.authenticatorData');
  bytes(o, 'clientDataJSON', false, 1, MAX_WEBAUTHN_FIELD_BYTES, o, 'assertion.clientDataJSON');
  // a DER ECDSA P-256 signature is at most 72 bytes
  bytes(o, 'signature', false, 8, 80, o, 'assertion.signature');
}

/** Decodes and validates one request; throws a typed `VaultError` for anything else. */
export function decodeRequest(data: unknown): DmemoRequest {
  if (!(data instanceof Uint8Array)) throw new VaultError('MALFORMED_MESSAGE', 'a dMemo message must be msgpack bytes (Uint8Array)');
  if (data.length > MAX_MESSAGE_BYTES)
    throw new VaultError('MESSAGE_TOO_LARGE', `dMemo message of ${data.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let m: unknown;
  try {
    m = packr.unpack(data);
  } catch {
    throw new VaultError('MALFORMED_MESSAGE', 'the dMemo message is not valid msgpack');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m) || m instanceof Uint8Array)
    throw new VaultError('MALFORMED_MESSAGE', 'a dMemo message must be a msgpack map');
  const msg = m as Record<string, unknown>;
  if (msg.v !== DMEMO_VERSION) {
    throw new VaultError(
      'UNSUPPORTED_VERSION',
      `dMemo version ${JSON.stringify(msg.v) ?? 'missing'} is not supported; this vault speaks version ${DMEMO_VERSION}`,
    );
  }
  const op = msg.op;
  if (typeof op !== 'string' || !Object.hasOwn(OPS, op)) {
    throw new VaultError(
      'UNKNOWN_OPERATION',
      `unknown dMemo operation ${typeof op === 'string' ? JSON.stringify(op.slice(0, 40)) : typeof op}; known: ${Object.keys(OPS).join(', ')}`,
    );
  }
  const allowed = FIELDS[op as DmemoOp];
  for (const k of Object.keys(msg)) {
    if (k !== 'v' && k !== 'op' && k !== 'id' && !allowed.includes(k))
      throw new VaultError('MALFORMED_MESSAGE', `dMemo '${op}' message has an unknown field ${JSON.stringify(k.slice(0, 40))}`);
  }
  OPS[op as DmemoOp](msg);
  return msg as unknown as DmemoRequest;
}

export function encodeResult<O extends DmemoOp>(op: O, result: DmemoResults[O]): Uint8Array {
  return encodeMessage({ v: DMEMO_VERSION, ok: true, op, result });
}

export function encodeError(err: VaultError): Uint8Array {
  const error: DmemoErrorBody = { code: err.code, message: err.message };
  if (err.retryAfterMs !== undefined) error.retryAfterMs = err.retryAfterMs;
  return encodeMessage({ v: DMEMO_VERSION, ok: false, error });
}

/**
 * The error body of a response rebuilt as a VaultError: its code must be one of the vault's (an
 * unknown one is the vault speaking out of protocol: INTERNAL), the message is bounded.
 */
export function vaultErrorFrom(body: unknown): VaultError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = codeOf(VAULT_ERROR_CODES, b.code);
  const message = peerMessage(b.message ?? '');
  if (code === undefined) {
    const unknown = JSON.stringify(peerText(b.code).slice(0, 40));
    return new VaultError('INTERNAL', `the vault answered with an unknown error code ${unknown}: ${message}`);
  }
  const retry = b.retryAfterMs;
  return new VaultError(code, message, typeof retry === 'number' && Number.isFinite(retry) && retry >= 0 ? retry : undefined);
}

/** Decodes a response; a failed one becomes a thrown `VaultError` with the vault's code. */
export function decodeResponse<O extends DmemoOp>(data: Uint8Array, op: O): DmemoResults[O] {
  const r = packr.unpack(data) as DmemoResponse<O>;
  if (!r || r.v !== DMEMO_VERSION) throw new VaultError('MALFORMED_MESSAGE', 'the vault answered with an unknown dMemo version');
  if (!r.ok) throw vaultErrorFrom(r.error);
  if (r.op !== op) throw new VaultError('MALFORMED_MESSAGE', `the vault answered '${r.op}' to '${op}'`);
  return r.result;
}
