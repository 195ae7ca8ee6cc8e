/**
 * `Vault`: the main thread's typed facade over the dMemo channel to the vault worker. It holds the
 * registered verifier privately and asks it for an assertion before every sign, export and grant,
 * so callers never handle assertions or the verifier secret. It returns public keys, signatures and
 * digests — private key material only from `exportKey`, which needs the passphrase again.
 *
 * One-shot use (CLI): `open` → `unlock` → work → `close` (the worker and its keys end).
 * Long-running use (host): `open` and `unlock` once; the vault locks itself after `autoLockMs` idle
 * and every later request gets LOCKED until `unlock` is called again.
 */
import { PublicKey, signingDigest } from '../abi/antelope/index.js';
import { peerosHome } from '../lib/home.js';
import { VaultError } from './error.js';
import { VaultChannel } from './vault-channel.js';
import type { VaultConfig } from './vault-core.js';
import { exportDigest } from './vault-core.js';
import {
  decodeResponse,
  encodeMessage,
  DMEMO_VERSION,
  type DmemoOp,
  type DmemoResults,
  type KeyInfo,
  type SignResult,
  type StatusResult,
  type WebAuthnChallengeResult,
  type WebAuthnCredentialInfo,
} from './protocol.js';
import type { Verifier, VerificationRequest } from './verifier.js';
import type { Approval } from './assertion.js';
import { registrationDigest } from './webauthn-challenge.js';
import { USER_APP, checkAppName, grantDigest, validateGrant, type SigningGrant } from './signing-grant.js';
import { summarizeTransaction } from './transaction-summary.js';
import { packageSigningDigest } from './package-digest.js';
import {
  DEFAULT_AUTO_LOCK_MS,
  MAX_AUTO_LOCK_MS,
  DEFAULT_ASSERTION_TTL_MS,
  MAX_ASSERTION_TTL_MS,
  DEFAULT_BACKOFF_BASE_MS,
  VAULT_THREADS,
  KEY_LIST_REUSE_SHARE,
} from './limits.js';

export interface VaultOptions {
  /** Data directory; default `peerosHome()` ($PEEROS_HOME or ~/.peeros). */
  home?: string;
  /** Idle time before the vault locks itself; default 15 min, at most 24 h. */
  autoLockMs?: number;
  /** Longest assertion lifetime the vault accepts; default 60 s, at most 5 min. */
  assertionMaxTtlMs?: number;
  /** First backoff delay after a wrong passphrase; default 1 s. */
  backoffBaseMs?: number;
  /** TESTS ONLY: scrypt N = 2^10 instead of 2^15. Never set this for real keystores. */
  insecureTestKdf?: boolean;
  /**
   * The vault's threads: VAULT_THREADS (2, the default: app signatures are made on a signing thread
   * the vault worker owns) or 1 (signed inline; benchmarks compare the two).
   */
  threads?: 1 | 2;
  /** TESTS ONLY: the vault's first signing thread ends itself in the middle of its Nth batch. */
  testSignerExitAtBatch?: number;
}

export interface SignOptions {
  /** 32-byte chain id, bytes or hex. */
  chainId: Uint8Array | string;
  /** The serialized unsigned transaction (packed_trx, uncompressed), bytes or hex. */
  transaction: Uint8Array | string;
  contextFreeData?: Uint8Array | string;
  /** Keys to sign with. */
  keys: string[];
  /** Requesting app; default `@user` (USER_APP: the user directly, not limited by a grant). */
  app?: string;
  /** The installed app's identity (from its install record); must match the identity of its grant. */
  identity?: string;
  /** Lines to show the user instead of the generic decoding (e.g. decoded with the contract ABI). */
  summary?: string[];
}

/** Requests that lock, unlock or change the vault's keys: the facade's copy of the key list is dropped before each. */
const KEY_CHANGING_OPS: ReadonlySet<DmemoOp> = new Set<DmemoOp>(['unlock', 'lock', 'create_key', 'import_key', 'discard_key']);

function bytesArg(v: Uint8Array | string, field: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(v)) return new Uint8Array(Buffer.from(v, 'hex'));
  throw new VaultError('INVALID_ARGUMENT', `${field}: expected bytes or an even-length hex string`);
}

function inRange(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < min || v > max) throw new VaultError('INVALID_ARGUMENT', `${name}: expected ${min}..${max} ms, got ${v}`);
  return v;
}

export class Vault {
  #channel: VaultChannel;
  #verifier: Verifier | null = null;
  /** Whether the keystore holds a WebAuthn credential (then every approval needs a challenge from the vault). */
  #webauthn = false;
  readonly #autoLockMs: number;
  /** The key list as last read and the version the vault gave it, while no reply since said it changed. */
  #keys: { list: readonly KeyInfo[]; keySet: string } | null = null;
  /** `performance.now()` when the latest request was sent that the vault answered unlocked (a list or a signature). */
  #activeAt = Number.NEGATIVE_INFINITY;
  /** Bumped by every request that may change the keys or the lock, so a list read across one is not kept. */
  #epoch = 0;

  private constructor(channel: VaultChannel, autoLockMs: number) {
    this.#channel = channel;
    this.#autoLockMs = autoLockMs;
  }

  /** Starts the vault worker (locked). */
  static open(opts: VaultOptions = {}): Vault {
    const config: VaultConfig = {
      home: opts.home ?? peerosHome(),
      autoLockMs: inRange('autoLockMs', opts.autoLockMs, DEFAULT_AUTO_LOCK_MS, 10, MAX_AUTO_LOCK_MS),
      assertionMaxTtlMs: inRange('assertionMaxTtlMs', opts.assertionMaxTtlMs, DEFAULT_ASSERTION_TTL_MS, 1, MAX_ASSERTION_TTL_MS),
      backoffBaseMs: inRange('backoffBaseMs', opts.backoffBaseMs, DEFAULT_BACKOFF_BASE_MS, 1, 60_000),
      insecureTestKdf: opts.insecureTestKdf === true,
      threads: opts.threads ?? VAULT_THREADS,
      ...(opts.testSignerExitAtBatch !== undefined ? { testSignerExitAtBatch: opts.testSignerExitAtBatch } : {}),
    };
    if (config.threads !== 1 && config.threads !== 2)
      throw new VaultError('INVALID_ARGUMENT', `threads: expected 1 or 2, got ${opts.threads}`);
    return new Vault(new VaultChannel(config), config.autoLockMs);
  }

  async #call<O extends DmemoOp>(op: O, fields: Record<string, unknown> = {}): Promise<DmemoResults[O]> {
    if (KEY_CHANGING_OPS.has(op)) this.#forgetKeys();
    try {
      const res = await this.#channel.call(encodeMessage({ v: DMEMO_VERSION, op, ...fields }));
      return decodeResponse(res, op);
    } catch (err) {
      this.#forgetKeys(); // locked, a worker that failed, a refusal: the next list is read again
      throw err;
    }
  }

  #forgetKeys(): void {
    this.#keys = null;
    this.#epoch++;
  }

  /**
   * Whether the vault cannot have locked itself since it last answered unlocked: its idle time runs
   * from the latest request it received, and one sent less than KEY_LIST_REUSE_SHARE of the auto-lock
   * time ago came after that request at the earliest.
   */
  #unlockedStill(): boolean {
    return performance.now() - this.#activeAt < this.#autoLockMs * KEY_LIST_REUSE_SHARE;
  }

  /**
   * Opens the keystore with the passphrase and registers `verifier` for this session. With
   * `create: true` a missing keystore is created (a damaged one is never replaced).
   */
  async unlock(
    passphrase: string,
    opts: { verifier: Verifier; create?: boolean },
  ): Promise<{ keyCount: number; created: boolean; autoLockMs: number; webauthn: WebAuthnCredentialInfo[] }> {
    if (typeof passphrase !== 'string') throw new VaultError('INVALID_ARGUMENT', 'passphrase: expected a string');
    if (!opts?.verifier)
      throw new VaultError('INVALID_ARGUMENT', 'unlock needs a verifier (TerminalVerifier, or AutoApproveVerifier in tests)');
    this.#verifier?.unregister();
    this.#verifier = null;
    const r = await this.#call('unlock', { passphrase, ...(opts.create ? { create: true } : {}) });
    opts.verifier.register(r.verifier);
    r.verifier.secret.fill(0);
    this.#verifier = opts.verifier;
    this.#webauthn = r.webauthn.length > 0;
    return { keyCount: r.keyCount, created: r.created, autoLockMs: r.autoLockMs, webauthn: r.webauthn };
  }

  async lock(): Promise<boolean> {
    this.#verifier?.unregister();
    this.#verifier = null;
    return (await this.#call('lock')).wasUnlocked;
  }

  status(): Promise<StatusResult> {
    return this.#call('status');
  }

  createKey(label?: string): Promise<KeyInfo> {
    return this.#call('create_key', label === undefined ? {} : { label });
  }

  /** `privateKey`: `PVT_K1_…` or WIF. It goes into the vault worker and is not kept here. */
  importKey(privateKey: string, label?: string): Promise<KeyInfo> {
    return this.#call('import_key', { privateKey, ...(label === undefined ? {} : { label }) });
  }

  /** Removes a key `createKey` made in this unlock session and nothing used since (see DiscardKeyRequest). */
  async discardKey(publicKey: string): Promise<string> {
    return (await this.#call('discard_key', { key: publicKey })).publicKey;
  }

  /**
   * The vault's public keys. With `recent`, the list this facade read last, as long as nothing since
   * can have changed it: every signature's reply carries the version of the vault's key list and a
   * different one drops the copy, as does any other request (lock, unlock, key changes) and any
   * failure, and the copy is kept only while the vault cannot have locked itself by idleness. The
   * transaction service reads the keys this way on every push: it saves a dMemo round trip, and a
   * vault that locked or changed its keys still refuses before a user verification is asked (see
   * docs/vault.md, "The key list").
   */
  async listKeys(opts: { recent?: boolean } = {}): Promise<KeyInfo[]> {
    const kept = this.#keys;
    if (opts.recent && kept && this.#unlockedStill()) return [...kept.list];
    const epoch = this.#epoch;
    const sent = performance.now();
    const r = await this.#call('list_keys');
    if (epoch === this.#epoch) {
      this.#keys = { list: r.keys, keySet: r.keySet };
      this.#activeAt = Math.max(this.#activeAt, sent);
    }
    return r.keys;
  }

  /** Runs the vault's half of an approved request and tells the verifier how the vault answered. */
  async #settle<T>(request: VerificationRequest, act: () => Promise<T>): Promise<T> {
    const verifier = this.#verifier;
    try {
      const r = await act();
      verifier?.settled?.(request, null);
      return r;
    } catch (err) {
      verifier?.settled?.(request, err instanceof VaultError ? err.code : 'error');
      throw err;
    }
  }

  /** Asks the registered verifier; with a WebAuthn credential registered, first fetches the vault's challenge for this request. */
  async #verify(request: VerificationRequest): Promise<Approval> {
    const verifier = this.#verifier;
    if (!verifier) throw VaultError.locked('asking for user verification');
    if (!this.#webauthn) return verifier.verify(request);
    const webauthn = await this.#call('webauthn_challenge', {
      purpose: request.purpose,
      app: request.app,
      ...(request.identity !== undefined ? { identity: request.identity } : {}),
      digest: request.digest,
    });
    try {
      return await verifier.verify({ ...request, webauthn }); // a person will read the summary: decoding it now costs nothing extra
    } catch (err) {
      // refused without an assertion: its challenge would hold a pending slot until it expires, and
      // an app looping on refused requests would fill them all (VAULT_BUSY for the user's own)
      await this.#call('webauthn_release', { nonce: webauthn.nonce }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Step 1 of registering a WebAuthn credential: the challenge to pass to
   * `navigator.credentials.create` (rp id `rpId`, from a page at `origin`).
   */
  webAuthnRegistrationChallenge(rpId: string, origin: string): Promise<WebAuthnChallengeResult> {
    return this.#call('webauthn_challenge', { purpose: 'register', rpId, origin });
  }

  /**
   * Step 2: the vault verifies what `navigator.credentials.create` returned and stores the
   * credential; from then on only its assertions approve signatures, exports and grant changes.
   */
  async registerWebAuthn(o: {
    rpId: string;
    origin: string;
    nonce: Uint8Array;
    clientDataJSON: Uint8Array;
    attestationObject: Uint8Array;
  }): Promise<WebAuthnCredentialInfo> {
    // another authenticator: a registered one approves it first
    let assertion: Approval | undefined;
    if (this.#webauthn) {
      const verifier = this.#verifier;
      if (!verifier) throw VaultError.locked('asking for user verification');
      const webauthn = await this.#call('webauthn_challenge', { purpose: 'register', rpId: o.rpId, origin: o.origin });
      assertion = await verifier.verify({
        purpose: 'register',
        app: USER_APP,
        digest: registrationDigest(o.rpId, o.origin),
        summary: [`register another authenticator for ${o.rpId} (${o.origin})`],
        webauthn,
      });
    }
    const r = await this.#call('webauthn_register', {
      ...(assertion ? { assertion } : {}),
      rpId: o.rpId,
      origin: o.origin,
      nonce: o.nonce,
      clientDataJSON: o.clientDataJSON,
      attestationObject: o.attestationObject,
    });
    this.#webauthn = true;
    return r;
  }

  /** Asks the verifier, then has the vault sign; returns signatures, digest and the signed bytes. */
  async sign(o: SignOptions): Promise<SignResult> {
    const chainId = bytesArg(o.chainId, 'chainId');
    const transaction = bytesArg(o.transaction, 'transaction');
    const cfd = o.contextFreeData === undefined ? undefined : bytesArg(o.contextFreeData, 'contextFreeData');
    if (chainId.length !== 32) throw new VaultError('INVALID_ARGUMENT', `chainId: expected 32 bytes, got ${chainId.length}`);
    const app = checkAppName(o.app ?? USER_APP); // before it is shown to the user
    if (!Array.isArray(o.keys) || o.keys.length === 0) throw new VaultError('INVALID_ARGUMENT', 'keys: expected at least one public key');
    const keys = o.keys.map((k) => {
      try {
        return PublicKey.from(k).toString();
      } catch {
        throw new VaultError('INVALID_KEY', `${JSON.stringify(String(k).slice(0, 80))} is not a public key (expected PUB_K1_… or EOS…)`);
      }
    });
    const digest = signingDigest(chainId, transaction, cfd).array;
    // decoded only if the verifier looks (an auto-approving one does not)
    let lines: string[] | undefined;
    const summary = () => (lines ??= [...(o.summary ?? summarizeTransaction(chainId, transaction)), `keys: ${keys.join(', ')}`]);
    const request: VerificationRequest = {
      purpose: 'sign',
      app,
      ...(o.identity !== undefined ? { identity: o.identity } : {}),
      digest,
      transaction: { chainId, bytes: transaction, ...(cfd ? { contextFreeData: cfd } : {}) },
      get summary() {
        return summary();
      },
    };
    const assertion = await this.#verify(request);
    return this.#settle(request, async () => {
      const sent = performance.now();
      const r = await this.#call('sign', {
        chainId,
        transaction,
        ...(cfd ? { contextFreeData: cfd } : {}),
        keys,
        app,
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
        assertion,
      });
      const { keySet, ...result } = r;
      if (keySet === this.#keys?.keySet) this.#activeAt = Math.max(this.#activeAt, sent);
      else this.#forgetKeys();
      return result;
    });
  }

  /**
   * Signs an app package hash with `key` after the user approves it; the vault signs
   * packageSigningDigest(packageHash), never usable as a transaction signature.
   */
  async signPackage(o: { packageHash: Uint8Array; key: string; summary: string[] }): Promise<{ signature: string; digest: Uint8Array }> {
    const digest = packageSigningDigest(o.packageHash);
    let key: string;
    try {
      key = PublicKey.from(o.key).toString();
    } catch {
      throw new VaultError('INVALID_KEY', `${JSON.stringify(String(o.key).slice(0, 80))} is not a public key (expected PUB_K1_… or EOS…)`);
    }
    const request: VerificationRequest = { purpose: 'package', app: USER_APP, digest, summary: [...o.summary, `publisher key: ${key}`] };
    const assertion = await this.#verify(request);
    return this.#settle(request, () => this.#call('sign_package', { packageHash: o.packageHash, key, assertion }));
  }

  /** The private key in `PVT_K1_…` form: needs the passphrase again and the user's approval. */
  async exportKey(publicKey: string, passphrase: string): Promise<string> {
    let digest: Uint8Array;
    try {
      digest = exportDigest(publicKey);
    } catch {
      throw new VaultError('INVALID_KEY', `${JSON.stringify(String(publicKey).slice(0, 80))} is not a public key`);
    }
    const request: VerificationRequest = { purpose: 'export', app: USER_APP, digest, summary: [`export private key of ${publicKey}`] };
    const assertion = await this.#verify(request);
    return (await this.#settle(request, () => this.#call('export_key', { key: publicKey, passphrase, assertion }))).privateKey;
  }

  /** Sets (replaces) one app's signing grant, after the user approves it. */
  async setGrant(grant: SigningGrant): Promise<void> {
    const g = validateGrant(grant);
    const summary = [
      `app '${g.app}' may sign on chains ${g.chainIds.map((c) => `${c.slice(0, 12)}…`).join(', ')}`,
      ...Object.entries(g.contracts).map(([c, a]) => `  ${c}: ${a.join(', ')}`),
      ...(g.maxAmountPerTx ? [`  at most ${g.maxAmountPerTx} per transaction`] : []),
      ...(g.maxAmountPerDay ? [`  at most ${g.maxAmountPerDay} per day`] : []),
      ...(g.maxSignaturesPerDay ? [`  at most ${g.maxSignaturesPerDay} signatures per day`] : []),
      ...(g.identity ? [`  only for the app of identity ${g.identity}`] : []),
    ];
    const request: VerificationRequest = { purpose: 'grant', app: g.app, digest: grantDigest(g), summary };
    const assertion = await this.#verify(request);
    await this.#settle(request, () => this.#call('set_grant', { grant: g, assertion }));
  }

  /**
   * Removes one app's signing grant (narrowing rights needs no approval); with `identity`, only a
   * grant given to that identity (or to none). True when there was one.
   */
  async revokeGrant(app: string, identity?: string): Promise<boolean> {
    return (await this.#call('revoke_grant', { app, ...(identity !== undefined ? { identity } : {}) })).revoked;
  }

  /**
   * Seals `plaintext` for `peer` with the key agreed (ECDH, inside the vault) between our `key` and
   * `peer`, bound to `context` (the contract account it is for; '' for none): it opens only with the same.
   */
  sealMessage(o: {
    key: string;
    peer: string;
    plaintext: Uint8Array;
    app?: string;
    identity?: string;
    context: string;
  }): Promise<{ nonce: Uint8Array; ciphertext: Uint8Array }> {
    return this.#call('seal_message', {
      key: o.key,
      peer: o.peer,
      plaintext: o.plaintext,
      app: o.app ?? USER_APP,
      ...(o.identity !== undefined ? { identity: o.identity } : {}),
      context: o.context,
    });
  }

  /** Opens a message sealed between our `key` and `peer` for `context` (the contract account; '' for none). */
  async openMessage(o: {
    key: string;
    peer: string;
    nonce: Uint8Array;
    ciphertext: Uint8Array;
    app?: string;
    identity?: string;
    context: string;
  }): Promise<Uint8Array> {
    return (
      await this.#call('open_message', {
        key: o.key,
        peer: o.peer,
        nonce: o.nonce,
        ciphertext: o.ciphertext,
        app: o.app ?? USER_APP,
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
        context: o.context,
      })
    ).plaintext;
  }

  /** Stops the worker: keys, verifier secret and session end with it. */
  async close(): Promise<void> {
    this.#verifier?.unregister();
    this.#verifier = null;
    await this.#channel.close();
  }
}
