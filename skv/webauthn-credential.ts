/**
 * WebAuthn credentials held by the vault, and their registration from what the browser returned to
 * `navigator.credentials.create` (relayed by the host): the client data JSON and the attestation
 * object. The vault checks, itself: client data type `webauthn.create`, the challenge it issued for
 * this registration (committing to the rp id and origin), the origin; the authenticator data's rp id
 * hash, flags UP, UV and AT; then reads the attested credential data (AAGUID, credential id, COSE
 * key) and keeps an ES256 key on P-256 only. Attestation format `none` only: the vault does not
 * judge authenticator makers, and a statement it does not verify would promise nothing.
 * Stored in the authenticated keystore body (see keystore-format.ts).
 * Spec: https://www.w3.org/TR/webauthn-2/#sctn-registering-a-new-credential
 */
import { p256 } from '@noble/curves/nist.js';
import { parseClientData } from '../abi/antelope/webauthn-recovery.js';
import { readCbor, readCborExact, CborError, type CborValue } from '../lib/cbor-reader.js';
import { VaultError } from './error.js';
import { MAX_WEBAUTHN_CREDENTIAL_ID_BYTES, MAX_WEBAUTHN_ORIGIN_LENGTH } from './limits.js';
import { createHash } from 'node:crypto';

/** One registered credential, as stored in the keystore body (JSON). */
export interface StoredCredential {
  /** Credential id, base64url. */
  id: string;
  /** Uncompressed P-256 point (65 bytes: 04 ‖ x ‖ y), hex. */
  publicKey: string;
  rpId: string;
  /** The only origin whose assertions count, e.g. `http://localhost:8443`. */
  origin: string;
  /** Last sign counter seen (0: the authenticator does not count). */
  signCount: number;
  /** Always true: an assertion without UV is refused. */
  userVerification: true;
  /** ISO-8601 time of registration. */
  created: string;
}

export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;
/** rpIdHash (32) ‖ flags (1) ‖ signCount (4). */
export const AUTH_DATA_HEADER = 37;

const ORIGIN_RE = /^(https:\/\/([a-z0-9.-]+)(:[0-9]{1,5})?|http:\/\/(localhost)(:[0-9]{1,5})?)$/;
const RP_ID_RE = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Checks an rp id and origin pair: the origin is `https://host[:port]` (or `http://localhost[:port]`,
 * the one insecure origin browsers treat as secure) and its host is the rp id or under it.
 */
export function checkRpOrigin(rpId: string, origin: string): void {
  if (!RP_ID_RE.test(rpId)) throw new VaultError('INVALID_ARGUMENT', `rp id ${JSON.stringify(rpId.slice(0, 80))}: expected a DNS name`);
  const m = origin.length <= MAX_WEBAUTHN_ORIGIN_LENGTH ? ORIGIN_RE.exec(origin) : null;
  if (!m)
    throw new VaultError(
      'INVALID_ARGUMENT',
      `origin ${JSON.stringify(origin.slice(0, 80))}: expected https://HOST[:PORT] or http://localhost[:PORT]`,
    );
  const host = m[2] ?? m[4] ?? '';
  if (host !== rpId && !host.endsWith(`.${rpId}`))
    throw new VaultError('INVALID_ARGUMENT', `origin ${origin} is not on rp id ${rpId} (its host must be the rp id or under it)`);
}

export function sha256Text(s: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(s, 'utf8').digest());
}

export function timingEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/**
 * The origin a credential registered for the console is kept with: `http://localhost` without a
 * port. `peeros console` listens on a free port chosen at each launch, and a browser scopes a
 * credential by rp id (`localhost`), not by port; so a credential stored with this origin answers
 * from `http://localhost:PORT` for any PORT, and from no other host or scheme.
 */
export const LOCALHOST_ANY_PORT = 'http://localhost';
const LOCALHOST_WITH_PORT = /^http:\/\/localhost:[0-9]{1,5}$/;

/** Whether client data `got` comes from the `registered` origin (see LOCALHOST_ANY_PORT). */
export function originMatches(registered: string, got: string): boolean {
  return got === registered || (registered === LOCALHOST_ANY_PORT && LOCALHOST_WITH_PORT.test(got));
}

/** The client data's three fields, read as Leap reads them (parsed, never matched to a template). */
export function clientDataOf(json: Uint8Array): { type: string; challenge: string; origin: string } {
  try {
    return parseClientData(json);
  } catch {
    throw new VaultError('WEBAUTHN_CLIENT_DATA', 'the WebAuthn client data is not a JSON object with string type, challenge and origin');
  }
}

/** Base64url text to bytes, strictly (no padding, no other characters). */
export function base64urlStrict(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/** Checks the client data of a ceremony against what the vault expects; the errors name what differs. */
export function checkClientData(json: Uint8Array, type: 'webauthn.create' | 'webauthn.get', challenge: Uint8Array, origin: string): void {
  const c = clientDataOf(json);
  if (c.type !== type)
    throw new VaultError('WEBAUTHN_CLIENT_DATA', `WebAuthn client data type ${JSON.stringify(c.type.slice(0, 40))}, expected ${type}`);
  if (!originMatches(origin, c.origin))
    throw new VaultError(
      'WEBAUTHN_ORIGIN',
      `WebAuthn client data origin ${JSON.stringify(c.origin.slice(0, 80))} is not the registered origin ${origin}`,
    );
  const got = base64urlStrict(c.challenge);
  if (!got || !timingEqual(got, challenge))
    throw new VaultError(
      'ASSERTION_MISMATCH',
      'the WebAuthn challenge does not commit to this request (another digest, app, purpose, session or nonce); approve this exact request',
    );
}

/** Checks the rp id hash and the UP and UV flags of authenticator data; returns flags and counter. */
export function checkAuthenticatorData(authData: Uint8Array, rpId: string): { flags: number; signCount: number } {
  if (authData.length < AUTH_DATA_HEADER)
    throw new VaultError('WEBAUTHN_RP_ID', `WebAuthn authenticator data of ${authData.length} bytes is shorter than ${AUTH_DATA_HEADER}`);
  if (!timingEqual(authData.subarray(0, 32), sha256Text(rpId)))
    throw new VaultError('WEBAUTHN_RP_ID', `the WebAuthn authenticator data is not for rp id ${rpId}`);
  const flags = authData[32]!;
  if (!(flags & FLAG_UP)) throw new VaultError('WEBAUTHN_FLAGS', 'the authenticator did not see the user present (flag UP not set)');
  if (!(flags & FLAG_UV))
    throw new VaultError('WEBAUTHN_FLAGS', 'the authenticator did not verify the user (flag UV not set); user verification is required');
  const signCount = new DataView(authData.buffer, authData.byteOffset, authData.byteLength).getUint32(33);
  return { flags, signCount };
}

const attestationError = (why: string) => new VaultError('WEBAUTHN_ATTESTATION', `WebAuthn attestation: ${why}`);

function cborOrFail<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CborError) throw attestationError(`${what}: ${e.message}`);
    throw e;
  }
}

/** The uncompressed P-256 point of an ES256 COSE key ({1: 2, 3: -7, -1: 1, -2: x, -3: y}). */
function p256FromCose(key: CborValue): Uint8Array {
  if (!(key instanceof Map)) throw attestationError('the credential public key is not a COSE map');
  const x = key.get(-2);
  const y = key.get(-3);
  if (key.get(1) !== 2 || key.get(3) !== -7 || key.get(-1) !== 1)
    throw attestationError('the credential key is not ES256 on P-256 (COSE kty 2, alg -7, crv 1); register with pubKeyCredParams alg -7');
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32)
    throw attestationError('the COSE key coordinates are not 32 bytes each');
  const point = new Uint8Array(65);
  point[0] = 4;
  point.set(x, 1);
  point.set(y, 33);
  try {
    p256.Point.fromBytes(point).assertValidity();
  } catch {
    throw attestationError('the COSE key is not a point on P-256');
  }
  return point;
}

export interface RegistrationInput {
  rpId: string;
  origin: string;
  /** The challenge the vault issued for this registration. */
  challenge: Uint8Array;
  clientDataJSON: Uint8Array;
  attestationObject: Uint8Array;
  now: Date;
}

/** Verifies a registration ceremony and returns the credential to store. */
export function registerCredential(r: RegistrationInput): StoredCredential {
  checkRpOrigin(r.rpId, r.origin);
  checkClientData(r.clientDataJSON, 'webauthn.create', r.challenge, r.origin);
  const att = cborOrFail(() => readCborExact(r.attestationObject), 'attestation object');
  if (!(att instanceof Map)) throw attestationError('the attestation object is not a CBOR map');
  const fmt = att.get('fmt');
  const attStmt = att.get('attStmt');
  const authData = att.get('authData');
  if (fmt !== 'none')
    throw attestationError(`format ${JSON.stringify(String(fmt).slice(0, 20))} is not accepted; ask for attestation 'none'`);
  if (!(attStmt instanceof Map) || attStmt.size !== 0) throw attestationError("format 'none' must carry an empty attStmt");
  if (!(authData instanceof Uint8Array)) throw attestationError('authData is not a byte string');
  const { flags, signCount } = checkAuthenticatorData(authData, r.rpId);
  if (!(flags & FLAG_AT)) throw attestationError('the authenticator data carries no attested credential (flag AT)');
  // attested credential data: aaguid (16) ‖ credential id length (2) ‖ credential id ‖ COSE key
  let pos = AUTH_DATA_HEADER + 16;
  if (authData.length < pos + 2) throw attestationError('attested credential data is truncated');
  const idLength = (authData[pos]! << 8) | authData[pos + 1]!;
  pos += 2;
  if (idLength < 1 || idLength > MAX_WEBAUTHN_CREDENTIAL_ID_BYTES || authData.length < pos + idLength)
    throw attestationError(`credential id length ${idLength} is out of range or truncated`);
  const id = authData.subarray(pos, pos + idLength);
  pos += idLength;
  const { value: coseKey, end } = cborOrFail(() => readCbor(authData, pos), 'credential public key');
  if (end !== authData.length) {
    if (!(flags & FLAG_ED)) throw attestationError('bytes follow the credential public key but no extensions are flagged (ED)');
    const ext = cborOrFail(() => readCbor(authData, end), 'extensions');
    if (!(ext.value instanceof Map) || ext.end !== authData.length)
      throw attestationError('extensions are not one CBOR map ending the data');
  }
  const point = p256FromCose(coseKey);
  return {
    id: Buffer.from(id).toString('base64url'),
    publicKey: Buffer.from(point).toString('hex'),
    rpId: r.rpId,
    origin: r.origin,
    signCount,
    userVerification: true,
    created: r.now.toISOString(),
  };
}

/** Structural check of a stored credential (keystore parsing). */
export function isStoredCredential(c: unknown): c is StoredCredential {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Partial<StoredCredential>;
  return (
    typeof o.id === 'string' &&
    /^[A-Za-z0-9_-]{1,1400}$/.test(o.id) &&
    typeof o.publicKey === 'string' &&
    /^04[0-9a-f]{128}$/.test(o.publicKey) &&
    typeof o.rpId === 'string' &&
    typeof o.origin === 'string' &&
    Number.isSafeInteger(o.signCount) &&
    (o.signCount as number) >= 0 &&
    o.userVerification === true &&
    typeof o.created === 'string'
  );
}
