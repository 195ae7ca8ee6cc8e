/**
 * The vault's state machine, living only inside the worker thread: locked, or unlocked holding the
 * decrypted keys, the derived keystore keys, the verifier secret of this unlock session and the
 * spent-assertion ledger. Every dMemo request passes through `handle`, which first enforces the
 * auto-lock deadline by wall clock; a timer enforces it too while no request comes.
 */
import { randomBytes, createHash } from 'node:crypto';
import { PrivateKey, PublicKey, signCanonical, signingDigest, signingPreimage } from '../abi/antelope/index.js';
import { fileStamp } from '../lib/file-stamp.js';
import { fileLockUnbrokenSince, type FileLockHold, type FileLockMark } from '../lib/file-lock.js';
import { VaultError } from './error.js';
import type {
  DmemoRequest,
  DmemoResults,
  KeyInfo,
  SignRequest,
  ExportKeyRequest,
  SetGrantRequest,
  UnlockRequest,
  StatusResult,
  WebAuthnChallengeRequest,
  WebAuthnRegisterRequest,
  WebAuthnCredentialInfo,
} from './protocol.js';
import { deriveKeys, newScryptParams, checkScryptParams, wipeKeys, type DerivedKeys } from './kdf.js';
import {
  parseKeystore,
  authenticateKeystore,
  serializeKeystore,
  newKeystoreBody,
  sealPrivateKey,
  openPrivateKey,
  type ParsedKeystore,
  type KeystoreBody,
  type SealedKey,
} from './keystore-format.js';
import { vaultPaths, ensureVaultDir, readKeystoreFile, writeKeystoreFile, type VaultPaths } from './keystore-file.js';
import { UnlockBackoff } from './unlock-backoff.js';
import { NonceLedger, checkAssertion, type Approval } from './assertion.js';
import { ChallengeLedger, registrationDigest, webAuthnChallenge, type WebAuthnPurpose } from './webauthn-challenge.js';
import { checkRpOrigin, registerCredential, type StoredCredential } from './webauthn-credential.js';
import { verifyWebAuthnAssertion } from './webauthn-verification.js';
import { USER_APP, checkAppName, validateGrant, grantDigest, grantMatches } from './signing-grant.js';
import { packageSigningDigest } from './package-digest.js';
import { checkScope } from './signing-scope.js';
import { SpendLedger } from './spend-ledger.js';
import { withVaultLock } from './vault-lock.js';
import { TAG_EXPORT_DIGEST } from './domain-tags.js';
import { sealMessage, openMessage } from './message-seal.js';
import { MAX_KEYS, MAX_LABEL_LENGTH, MAX_SIGN_BATCH, MAX_WEBAUTHN_CREDENTIALS, SIGNER_MIN_JOBS, VAULT_THREADS } from './limits.js';
import { GroupCommit, type Committed } from '../lib/group-commit.js';
import { VaultSigner, type SignJob } from './vault-signer.js';
import type { DailySpend } from './signing-scope.js';

/** Fixed for the life of a worker (passed as its `workerData`); dMemo cannot change it. */
export interface VaultConfig {
  home: string;
  autoLockMs: number;
  assertionMaxTtlMs: number;
  backoffBaseMs: number;
  /** Tests only: scrypt N = 2^10 for new keystores, and accept it when opening. */
  insecureTestKdf: boolean;
  /** 1: sign inline in the vault worker; 2 (VAULT_THREADS, the default): app signatures on a signing thread. */
  threads?: number;
  /** Tests only: the first signing thread ends itself in the middle of its Nth batch (skv/signer-thread.ts). */
  testSignerExitAtBatch?: number;
  /** Tests only: the vault worker ends itself at its Nth request, before answering it (skv/worker.ts). */
  testWorkerExitAtRequest?: number;
}

interface Unlocked {
  derived: DerivedKeys;
  parsed: ParsedKeystore;
  keys: Map<string, PrivateKey>;
  /** Keys `create_key` made in this session and nothing has used since: the only ones `discard_key` removes. */
  unused: Set<string>;
  secret: Buffer;
  session: string;
  /** Identity of the keystore file this state was read from (inode, size, mtime): another process's write changes it. */
  stamp: string;
  /** The vault lock's hold under which `stamp` was last confirmed or written: while this worker keeps the lock since, nobody else wrote. */
  mark: FileLockMark | undefined;
  /** The spend ledger as this session last read or wrote it (`SpendLedger.fresh` reads it again when the file changed). */
  ledger: SpendLedger;
  /** Wall clock (advances while the machine sleeps) and monotonic clock (immune to clock changes). */
  lastActivity: number;
  lastActivityMono: number;
}

/** An app's sign request past its assertion check, waiting for the grant check, the signature and the ledger write. */
interface AppSign {
  s: Unlocked;
  app: string;
  identity: string | undefined;
  chainId: Uint8Array;
  transaction: Uint8Array;
  digest: Uint8Array;
  /** Public key (the vault's name for it) and private key. */
  keys: [string, PrivateKey][];
}

/** Why the vault last locked: told to, re-unlocked, or idle (seen by the timer or at a request). */
export type LockReason = 'request' | 'unlock' | 'idle-timer' | 'idle-at-request';

export function exportDigest(publicKey: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(TAG_EXPORT_DIGEST).update('\0').update(PublicKey.from(publicKey).toString()).digest());
}

export class VaultCore {
  private readonly paths: VaultPaths;
  private readonly backoff: UnlockBackoff;
  private readonly nonces = new NonceLedger();
  private readonly challenges = new ChallengeLedger();
  private state: Unlocked | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastLock: { at: number; reason: LockReason } | null = null;
  /** This worker's name in key-set versions: a new worker (a restarted vault) never repeats one. */
  private readonly keySetId = randomBytes(8).toString('hex');
  /** Bumped whenever the keys `list_keys` answers may have changed: lock, unlock, a keystore write or reread. */
  private keySetGeneration = 0;
  /** App signatures waiting for, or riding on, the next spend-ledger write (group commit). */
  // gathered per event-loop turn: the requests the main thread posted together arrive as separate messages
  private readonly appSigns = new GroupCommit<AppSign, string[]>((batch) => this.signBatch(batch), {
    maxBatch: MAX_SIGN_BATCH,
    gather: 'turn',
  });
  /** The second vault thread, signing app batches while this one writes their ledger record; null: one thread. */
  private readonly signer: VaultSigner | null;

  constructor(private readonly config: VaultConfig) {
    this.paths = vaultPaths(config.home);
    this.backoff = new UnlockBackoff(this.paths.backoff, config.backoffBaseMs);
    const threads = config.threads ?? VAULT_THREADS;
    this.signer =
      threads > 1 ? new VaultSigner(config.testSignerExitAtBatch !== undefined ? { exitAtBatch: config.testSignerExitAtBatch } : {}) : null;
  }

  /**
   * `admitted` is called when an app's sign request has passed its checks in arrival order and
   * waits only for its group's ledger write (the worker may take the next request then); other
   * requests finish before the next one starts.
   */
  async handle(req: DmemoRequest, admitted?: () => void): Promise<DmemoResults[DmemoRequest['op']]> {
    const now = Date.now();
    this.enforceAutoLock(now);
    switch (req.op) {
      case 'status':
        return this.status(now);
      case 'unlock':
        return this.unlock(req);
      case 'lock': {
        const was = this.state !== null;
        this.lock();
        return { wasUnlocked: was };
      }
    }
    const s = this.requireUnlocked(req.op, now);
    switch (req.op) {
      case 'list_keys':
        await this.refresh(s); // a key another process imported is listed (and usable) at once: one stat when none did
        return { keys: s.parsed.body.keys.map((k) => keyInfo(k.publicKey, k.label, k.created)), keySet: this.keySet() };
      case 'create_key': {
        const info = await this.addKey(s, PrivateKey.generate(wipedRandom), req.label);
        s.unused.add(info.publicKey);
        return info;
      }
      case 'discard_key':
        return this.discardKey(s, req.key);
      case 'import_key': {
        let key: PrivateKey;
        try {
          key = PrivateKey.from(req.privateKey);
        } catch {
          throw new VaultError('INVALID_KEY', 'the key to import is not a valid private key (expected PVT_K1_… or WIF)');
        }
        return this.addKey(s, key, req.label);
      }
      case 'sign':
        return this.sign(s, req, now, admitted);
      case 'sign_package': {
        const [, priv] = this.resolveKey(s, req.key);
        const digest = packageSigningDigest(req.packageHash);
        await this.approve(s, req.assertion, 'package', USER_APP, digest, now);
        return { signature: signCanonical(priv, digest).toString(), digest };
      }
      case 'export_key':
        return this.exportKey(s, req, now);
      case 'webauthn_challenge':
        return this.issueChallenge(s, req, now);
      case 'webauthn_register':
        return this.registerWebAuthn(s, req, now);
      case 'webauthn_release':
        return { released: this.challenges.release(req.nonce) };
      case 'set_grant':
        return this.setGrant(s, req, now);
      case 'seal_message':
      case 'open_message': {
        // Messages move no value and are not transactions: no assertion; but deny by default — only
        // the user, and an app for the contracts its signing grant names (a message's context), may
        // use the keys for messages: an app cannot open what was sealed for another app's contract,
        // whatever the host asks.
        const app = checkAppName(req.app);
        if (app !== USER_APP) {
          await this.refresh(s);
          const context = req.context ?? '';
          const mine = s.parsed.body.grants.filter((g) => g.app === app && grantMatches(g, req.identity));
          if (mine.length === 0)
            throw new VaultError(
              'SCOPE_DENIED',
              `app '${app}' has no signing grant in this vault for its identity, so it may not use its keys for messages`,
            );
          if (!mine.some((g) => context !== '' && Object.hasOwn(g.contracts, context)))
            throw new VaultError(
              'SCOPE_DENIED',
              `app '${app}' may use its keys only for messages of the contracts its signing grant names, not ${JSON.stringify(context)}`,
            );
        }
        const [, priv] = this.resolveKey(s, req.key);
        let peer: PublicKey;
        try {
          peer = PublicKey.from(req.peer);
        } catch {
          throw new VaultError('INVALID_KEY', `peer ${JSON.stringify(req.peer.slice(0, 80))} is not a public key`);
        }
        return req.op === 'seal_message'
          ? sealMessage(priv, peer, req.plaintext, req.context ?? '')
          : { plaintext: openMessage(priv, peer, req.nonce, req.ciphertext, req.context ?? '') };
      }
      case 'revoke_grant': {
        const app = checkAppName(req.app);
        // with an identity: only that app's grant goes (a newer app of the same name keeps its own)
        const goes = (g: { app: string; identity?: string }) =>
          g.app === app && !(req.identity !== undefined && g.identity !== undefined && g.identity !== req.identity);
        let revoked = false;
        await this.persist(s, (body) => {
          const grants = body.grants.filter((g) => !goes(g));
          revoked = grants.length !== body.grants.length;
          return revoked ? { ...body, grants } : body;
        });
        return { app, revoked };
      }
    }
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────
  /** Idle time by whichever clock says more: a suspended machine or a clock set back cannot keep it open. */
  private idleMs(s: Unlocked, now: number): number {
    return Math.max(now - s.lastActivity, performance.now() - s.lastActivityMono);
  }

  private enforceAutoLock(now: number): void {
    if (this.state && this.idleMs(this.state, now) >= this.config.autoLockMs) this.lock('idle-at-request');
  }

  private requireUnlocked(op: string, now: number): Unlocked {
    const s = this.state;
    if (!s) throw VaultError.locked(op === 'sign' ? 'signing' : `'${op}'`);
    s.lastActivity = now;
    s.lastActivityMono = performance.now();
    return s;
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    const s = this.state;
    if (!s) {
      this.timer = null;
      return;
    }
    const due = this.config.autoLockMs - this.idleMs(s, Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.state) return;
      if (this.idleMs(this.state, Date.now()) >= this.config.autoLockMs) this.lock('idle-timer');
      else this.armTimer();
    }, Math.max(0, due) + 5);
    this.timer.unref();
  }

  lock(reason: LockReason = 'request'): void {
    const s = this.state;
    this.state = null;
    if (s) {
      this.lastLock = { at: Date.now(), reason };
      this.keySetGeneration++;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.nonces.clear();
    this.challenges.clear();
    void this.signer?.close(); // its keys are wiped and the thread ends; batches in flight fail LOCKED
    if (!s) return;
    for (const k of s.keys.values()) k.clear();
    s.keys.clear();
    s.secret.fill(0);
    wipeKeys(s.derived);
  }

  private async loadParsed(): Promise<ParsedKeystore | null> {
    const data = await readKeystoreFile(this.paths.keystore);
    return data ? parseKeystore(data) : null;
  }

  private async status(now: number): Promise<StatusResult> {
    const bo = await this.backoff.read(now);
    const out: StatusResult = {
      unlocked: this.state !== null,
      keystore: 'missing',
      autoLockMs: this.config.autoLockMs,
      failures: bo.failures,
      retryAfterMs: Math.max(0, bo.nextAllowedAt - now),
    };
    if (this.lastLock) {
      out.lastLockAt = this.lastLock.at;
      out.lastLockReason = this.lastLock.reason;
    }
    if (this.state) {
      // what other processes wrote since (a grant `app remove` revoked, a key imported): a
      // long-lived vault (the console's) reported the grants it read at its unlock. A keystore
      // replaced or rewritten under another passphrase is refused by the next operation, not here.
      await this.refresh(this.state).catch((err: unknown) => {
        if (!(err instanceof VaultError)) throw err;
      });
      out.keystore = 'present';
      out.formatVersion = this.state.parsed.body.version;
      out.keyCount = this.state.keys.size;
      out.autoLockAt = this.state.lastActivity + this.config.autoLockMs;
      out.grants = this.state.parsed.body.grants.map((g) => g.app);
      out.webauthnCredentials = (this.state.parsed.body.webauthn ?? []).length;
      return out;
    }
    try {
      const p = await this.loadParsed();
      if (p) {
        out.keystore = 'present';
        out.formatVersion = p.body.version;
        out.keyCount = p.body.keys.length;
        out.webauthnCredentials = (p.body.webauthn ?? []).length;
      }
    } catch (err) {
      if (!(err instanceof VaultError)) throw err;
      out.keystore = 'corrupt';
    }
    return out;
  }

  private async unlock(req: UnlockRequest): Promise<DmemoResults['unlock']> {
    this.lock('unlock'); // a new unlock is a new session: earlier verifier secret and assertions die here
    ensureVaultDir(this.paths);
    // one attempt at a time across processes: each sees the backoff the previous one recorded,
    // and two creators cannot both write a keystore
    return withVaultLock(this.paths, (hold) => this.unlockHeld(req, Date.now(), hold));
  }

  private async unlockHeld(req: UnlockRequest, now: number, hold: FileLockHold): Promise<DmemoResults['unlock']> {
    let parsed = await this.loadParsed();
    let created = false;
    let derived: DerivedKeys;
    if (!parsed) {
      if (!req.create)
        throw new VaultError(
          'NO_KEYSTORE',
          `no keystore at ${this.paths.keystore}; create one with 'peeros key create' (or import a key with 'peeros key import')`,
        );
      if (req.passphrase.length < 1) throw new VaultError('INVALID_ARGUMENT', 'the new keystore needs a non-empty passphrase');
      const kdf = newScryptParams(this.config.insecureTestKdf);
      derived = await deriveKeys(req.passphrase, kdf);
      const body = newKeystoreBody(kdf, derived);
      const text = serializeKeystore(body, derived);
      // a concurrent creator may have won the race: never overwrite an existing keystore
      if (await readKeystoreFile(this.paths.keystore)) {
        wipeKeys(derived);
        throw new VaultError('KEYSTORE_EXISTS', 'a keystore appeared while creating one; unlock it instead');
      }
      await writeKeystoreFile(this.paths.keystore, text);
      parsed = parseKeystore(new TextEncoder().encode(text));
      created = true;
    } else {
      await this.backoff.check(now);
      checkScryptParams(parsed.body.kdf, this.config.insecureTestKdf);
      derived = await deriveKeys(req.passphrase, parsed.body.kdf);
      try {
        authenticateKeystore(parsed, derived);
      } catch (err) {
        wipeKeys(derived);
        if (err instanceof VaultError && err.code === 'WRONG_PASSPHRASE') await this.backoff.recordFailure(Date.now());
        throw err;
      }
      await this.backoff.reset();
    }
    const keys = new Map<string, PrivateKey>();
    let stamp: string;
    let ledger: SpendLedger;
    try {
      for (const entry of parsed.body.keys) keys.set(entry.publicKey, openKey(derived, parsed.body.id, entry));
      // checked now so a tampered ledger is reported at unlock; every capped signature checks it again
      ledger = await SpendLedger.load(this.paths.spend, derived.spendMac, parsed.body.id, hold);
      stamp = fileStamp(this.paths.keystore);
    } catch (err) {
      for (const k of keys.values()) k.clear();
      wipeKeys(derived);
      throw err;
    }
    const secret = randomBytes(32);
    const session = randomBytes(8).toString('hex');
    this.state = {
      derived,
      parsed,
      keys,
      unused: new Set(),
      secret,
      session,
      stamp,
      mark: hold.mark,
      ledger,
      lastActivity: Date.now(),
      lastActivityMono: performance.now(),
    };
    this.keySetGeneration++;
    this.armTimer();
    return {
      keyCount: keys.size,
      created,
      autoLockMs: this.config.autoLockMs,
      verifier: { scheme: 'hmac-sha256', secret: new Uint8Array(secret), session },
      webauthn: (parsed.body.webauthn ?? []).map((c) => this.credentialInfo(c)),
    };
  }

  // ── keystore changes ───────────────────────────────────────────────────────────────────────
  /**
   * Adopts what another process wrote to the keystore since this vault read it (keys, grants), so a
   * grant revoked elsewhere stops here too. Cheap when nothing changed: one stat; none while this
   * worker kept the vault lock without a break since it last read or wrote the keystore (every
   * writer holds the lock). `hold`: the hold this runs under, if any.
   */
  private async refresh(s: Unlocked, hold?: FileLockHold): Promise<void> {
    if (hold ? hold.unbrokenSince(s.mark) : fileLockUnbrokenSince(this.paths.lock, s.mark)) {
      if (hold) s.mark = hold.mark;
      return;
    }
    s.mark = undefined; // confirmed again below, under a hold
    let stamp = '';
    try {
      stamp = fileStamp(this.paths.keystore);
    } catch {
      /* removed: read below says so */
    }
    if (stamp === s.stamp) {
      s.mark = hold?.mark;
      return;
    }
    const changed = (why: string) =>
      new VaultError(
        'KEYSTORE_CHANGED',
        `the keystore file was ${why} since this vault unlocked it (by another peeros process); nothing was signed or written — lock and unlock again`,
      );
    const data = await readKeystoreFile(this.paths.keystore);
    if (!data) throw changed('removed');
    const parsed = parseKeystore(data);
    if (parsed.checksum !== s.parsed.checksum) {
      if (parsed.body.id !== s.parsed.body.id) throw changed('replaced by another keystore');
      try {
        authenticateKeystore(parsed, s.derived);
      } catch {
        throw changed('rewritten under another passphrase');
      }
      for (const entry of parsed.body.keys)
        if (!s.keys.has(entry.publicKey)) s.keys.set(entry.publicKey, openKey(s.derived, parsed.body.id, entry));
      s.parsed = parsed;
      this.keySetGeneration++;
    }
    s.stamp = stamp;
    s.mark = hold?.mark;
  }

  /** Read (with what other processes wrote) → change → write, under the vault lock: no update is lost. */
  private async persist(s: Unlocked, change: (body: KeystoreBody) => KeystoreBody): Promise<void> {
    await withVaultLock(this.paths, async (hold) => {
      await this.refresh(s, hold);
      const text = serializeKeystore(change(s.parsed.body), s.derived);
      s.mark = undefined; // unknown until written and stat'ed
      await writeKeystoreFile(this.paths.keystore, text);
      s.parsed = parseKeystore(new TextEncoder().encode(text));
      s.stamp = fileStamp(this.paths.keystore);
      s.mark = hold.mark;
      this.keySetGeneration++;
    });
  }

  /**
   * The version of the key list this vault answers: equal in two replies only if no lock, unlock or
   * keystore change came between them in this worker. The host keeps its copy of the list while the
   * signatures' replies carry the version it was read at (skv/vault.ts, `listKeys({ recent })`).
   */
  private keySet(): string {
    return `${this.keySetId}.${this.keySetGeneration}`;
  }

  private async addKey(s: Unlocked, key: PrivateKey, label = ''): Promise<KeyInfo> {
    if (label.length > MAX_LABEL_LENGTH) throw new VaultError('INVALID_ARGUMENT', `label: at most ${MAX_LABEL_LENGTH} characters`);
    const pub = key.toPublic().toString();
    const sealed = sealPrivateKey(s.derived, s.parsed.body.id, pub, label, key.data);
    try {
      await this.persist(s, (body) => {
        if (body.keys.some((k) => k.publicKey === pub)) throw new VaultError('DUPLICATE_KEY', `the vault already holds ${pub}`);
        if (body.keys.length >= MAX_KEYS) throw new VaultError('INVALID_ARGUMENT', `the keystore is full (${MAX_KEYS} keys)`);
        return { ...body, keys: [...body.keys, sealed] };
      });
    } catch (err) {
      key.clear();
      throw err;
    }
    s.keys.set(pub, key);
    return keyInfo(pub, sealed.label, sealed.created);
  }

  private async discardKey(s: Unlocked, key: string): Promise<DmemoResults['discard_key']> {
    let pub: string;
    try {
      pub = PublicKey.from(key).toString();
    } catch {
      throw new VaultError('INVALID_KEY', `${JSON.stringify(key.slice(0, 80))} is not a public key (expected PUB_K1_… or EOS…)`);
    }
    if (!s.unused.has(pub))
      throw new VaultError('SCOPE_DENIED', `${pub} is not a key created in this session and never used; only such a key can be discarded`);
    await this.persist(s, (body) => ({ ...body, keys: body.keys.filter((k) => k.publicKey !== pub) }));
    s.keys.get(pub)?.clear();
    s.keys.delete(pub);
    s.unused.delete(pub);
    this.signer?.forget(pub);
    return { publicKey: pub };
  }

  private async setGrant(s: Unlocked, req: SetGrantRequest, now: number): Promise<DmemoResults['set_grant']> {
    const grant = validateGrant(req.grant);
    await this.approve(s, req.assertion, 'grant', grant.app, grantDigest(grant), now);
    await this.persist(s, (body) => ({ ...body, grants: [...body.grants.filter((g) => g.app !== grant.app), grant] }));
    return { app: grant.app };
  }

  // ── signing and export ─────────────────────────────────────────────────────────────────────
  private assertionCheck(s: Unlocked, purpose: 'sign' | 'export' | 'grant' | 'package', app: string, digest: Uint8Array, now: number) {
    return {
      purpose,
      app,
      digest,
      secret: s.secret,
      session: s.session,
      maxTtlMs: this.config.assertionMaxTtlMs,
      now,
      nonces: this.nonces,
    };
  }

  /**
   * The user's approval of one request. With a WebAuthn credential registered, only an assertion
   * from it counts (verified here; the new sign counter is persisted before the caller acts); without
   * one, the HMAC assertion of the verifier registered at unlock.
   */
  private async approve(
    s: Unlocked,
    a: Approval | undefined,
    purpose: 'sign' | 'export' | 'grant' | 'package',
    app: string,
    digest: Uint8Array,
    now: number,
    identity = '',
  ): Promise<void> {
    await this.refresh(s); // a credential registered by another process binds this one too
    if (this.state !== s) throw VaultError.locked(purpose === 'sign' ? 'signing' : purpose); // locked meanwhile: that session is over
    const credentials = s.parsed.body.webauthn ?? [];
    if (credentials.length === 0) {
      if (a?.scheme === 'webauthn')
        throw new VaultError('WEBAUTHN_UNKNOWN_CREDENTIAL', 'no WebAuthn credential is registered in this vault; register one first');
      checkAssertion(a, this.assertionCheck(s, purpose, app, digest, now));
      return;
    }
    if (!a) throw new VaultError('ASSERTION_REQUIRED', `a WebAuthn assertion from the registered authenticator is required to ${purpose}`);
    if (a.scheme !== 'webauthn')
      throw new VaultError(
        'WEBAUTHN_REQUIRED',
        `a WebAuthn credential is registered: only an assertion from it approves '${purpose}', not an ${JSON.stringify(String(a.scheme).slice(0, 20))} assertion`,
      );
    const { credential, signCount } = verifyWebAuthnAssertion(a, {
      purpose,
      app,
      identity,
      digest,
      session: s.session,
      credentials,
      challenges: this.challenges,
      now,
    });
    if (signCount !== credential.signCount) await this.setSignCount(s, credential.id, signCount);
  }

  private async setSignCount(s: Unlocked, id: string, signCount: number): Promise<void> {
    await this.persist(s, (body) => {
      const stored = body.webauthn?.find((c) => c.id === id);
      // another process may have moved it on meanwhile: the counter never goes back
      if (!stored || stored.signCount >= signCount)
        throw new VaultError('WEBAUTHN_COUNTER', `the authenticator's sign counter ${signCount} did not increase past the stored one`);
      return { ...body, webauthn: body.webauthn!.map((c) => (c.id === id ? { ...c, signCount } : c)) };
    });
  }

  private credentialInfo(c: StoredCredential): WebAuthnCredentialInfo {
    return { id: new Uint8Array(Buffer.from(c.id, 'base64url')), rpId: c.rpId, origin: c.origin, signCount: c.signCount };
  }

  private async issueChallenge(s: Unlocked, req: WebAuthnChallengeRequest, now: number): Promise<DmemoResults['webauthn_challenge']> {
    await this.refresh(s);
    let app: string;
    let digest: Uint8Array;
    if (req.purpose === 'register') {
      if (req.rpId === undefined || req.origin === undefined || req.digest !== undefined || (req.app ?? USER_APP) !== USER_APP)
        throw new VaultError('INVALID_ARGUMENT', "a 'register' challenge takes rpId and origin (no digest, no app)");
      checkRpOrigin(req.rpId, req.origin);
      app = USER_APP;
      digest = registrationDigest(req.rpId, req.origin);
    } else {
      if (req.digest === undefined || req.app === undefined || req.rpId !== undefined || req.origin !== undefined)
        throw new VaultError('INVALID_ARGUMENT', `a '${req.purpose}' challenge takes app and digest (no rpId, no origin)`);
      app = checkAppName(req.app);
      digest = req.digest;
    }
    if (req.identity !== undefined && req.purpose !== 'sign')
      throw new VaultError('INVALID_ARGUMENT', "only a 'sign' challenge takes an identity");
    const identity = req.identity ?? '';
    const { nonce, expiresAt } = this.challenges.issue(now);
    const challenge = webAuthnChallenge({ purpose: req.purpose as WebAuthnPurpose, app, identity, session: s.session, digest, nonce });
    return {
      purpose: req.purpose,
      app,
      challenge,
      nonce,
      expiresAt,
      credentials: (s.parsed.body.webauthn ?? []).map((c) => this.credentialInfo(c)),
    };
  }

  private async registerWebAuthn(s: Unlocked, req: WebAuthnRegisterRequest, now: number): Promise<DmemoResults['webauthn_register']> {
    await this.refresh(s);
    checkRpOrigin(req.rpId, req.origin);
    const registered = s.parsed.body.webauthn ?? [];
    if (registered.length > 0) {
      // another authenticator: a registered one approves it, for this rp id and origin
      if (req.assertion?.scheme !== 'webauthn')
        throw new VaultError(
          'WEBAUTHN_ALREADY_REGISTERED',
          'a WebAuthn credential is already registered in this vault; registering another needs an assertion from it',
        );
      if (registered.length >= MAX_WEBAUTHN_CREDENTIALS)
        throw new VaultError('INVALID_ARGUMENT', `the keystore already holds ${MAX_WEBAUTHN_CREDENTIALS} WebAuthn credentials`);
      const { credential, signCount } = verifyWebAuthnAssertion(req.assertion, {
        purpose: 'register',
        app: USER_APP,
        identity: '',
        digest: registrationDigest(req.rpId, req.origin),
        session: s.session,
        credentials: registered,
        challenges: this.challenges,
        now,
      });
      if (signCount !== credential.signCount) await this.setSignCount(s, credential.id, signCount);
    }
    this.challenges.spend(req.nonce, now);
    const challenge = webAuthnChallenge({
      purpose: 'register',
      app: USER_APP,
      identity: '',
      session: s.session,
      digest: registrationDigest(req.rpId, req.origin),
      nonce: req.nonce,
    });
    const credential = registerCredential({
      rpId: req.rpId,
      origin: req.origin,
      challenge,
      clientDataJSON: req.clientDataJSON,
      attestationObject: req.attestationObject,
      now: new Date(now),
    });
    await this.persist(s, (body) => {
      const current = body.webauthn ?? [];
      if (current.length !== registered.length)
        throw new VaultError('WEBAUTHN_ALREADY_REGISTERED', 'a WebAuthn credential was registered meanwhile by another process; try again');
      if (current.some((c) => c.id === credential.id))
        throw new VaultError('WEBAUTHN_ALREADY_REGISTERED', 'this authenticator credential is already registered');
      return { ...body, webauthn: [...current, credential] };
    });
    return this.credentialInfo(credential);
  }

  private resolveKey(s: Unlocked, key: string): [string, PrivateKey] {
    let pub: string;
    try {
      pub = PublicKey.from(key).toString();
    } catch {
      throw new VaultError('INVALID_KEY', `${JSON.stringify(key.slice(0, 80))} is not a public key (expected PUB_K1_… or EOS…)`);
    }
    const priv = s.keys.get(pub);
    if (!priv) throw new VaultError('UNKNOWN_KEY', `the vault holds no private key for ${pub}; see 'peeros key list'`);
    s.unused.delete(pub); // used from now on: never discardable
    return [pub, priv];
  }

  private async sign(s: Unlocked, req: SignRequest, now: number, admitted?: () => void): Promise<DmemoResults['sign']> {
    const app = checkAppName(req.app);
    const signedBytes = signingPreimage(req.chainId, req.transaction, req.contextFreeData);
    const digest = signingDigest(req.chainId, req.transaction, req.contextFreeData).array;
    const keys = req.keys.map((k) => this.resolveKey(s, k));
    await this.approve(s, req.assertion, 'sign', app, digest, now, req.identity);
    if (app === USER_APP)
      return { signatures: keys.map(([, k]) => signCanonical(k, digest).toString()), digest, signedBytes, keySet: this.keySet() };
    // An app: its grant and today's spend as every process left them, checked and counted under the
    // vault lock, so two processes under one daily cap cannot both spend it; concurrent requests
    // share the lock and the ledger write, and none is answered before that write is synced.
    const signed = this.appSigns.submit({
      s,
      app,
      identity: req.identity,
      chainId: req.chainId,
      transaction: req.transaction,
      digest,
      keys,
    });
    admitted?.();
    const signatures = await signed;
    return { signatures, digest, signedBytes, keySet: this.keySet() };
  }

  /**
   * One hold of the vault lock for a batch of app signatures, in arrival order, and one ledger write.
   * With a signing thread, the requests that pass are signed there while this thread writes their
   * ledger record; none is answered before both are done. If the signing thread fails, their spend
   * is taken back out of the ledger (a second record, still under the lock) and they fail: the
   * ledger counts exactly the signatures answered (a crash between the two writes over-counts, the
   * safe side).
   */
  private async signBatch(batch: readonly AppSign[]): Promise<Committed<string[]>[]> {
    const s = this.state;
    const signer = this.signer;
    return withVaultLock(this.paths, async (hold) => {
      if (s) await this.refresh(s, hold);
      // as every process left it: re-read when another wrote it since (one stat when none did, none under an unbroken lease)
      const ledger = s ? (s.ledger = await s.ledger.fresh(hold)) : undefined;
      let spent = false;
      /** Each app's spend before this batch, to take the batch back out if the signing thread fails. */
      const before = new Map<string, DailySpend | undefined>();
      const passed: number[] = [];
      const answers = batch.map((r, i): Committed<string[]> => {
        try {
          // locked (or unlocked anew) since the request was admitted: its session is over
          if (!s || !ledger || r.s !== s) throw VaultError.locked('signing');
          const grant = s.parsed.body.grants.find((g) => g.app === r.app);
          if (!grant)
            throw new VaultError('SCOPE_DENIED', `app '${r.app}' has no signing grant in this vault; grant it first (deny by default)`);
          if (!grantMatches(grant, r.identity)) {
            throw new VaultError(
              'SCOPE_DENIED',
              `the signing grant of '${r.app}' belongs to another identity of that app (${grant.identity}), not ${r.identity ?? 'an unidentified request'}; grant the installed app again`,
            );
          }
          const spend = checkScope(grant, Buffer.from(r.chainId).toString('hex'), r.transaction, ledger.get(r.app), Date.now());
          const sigs = signer ? [] : r.keys.map(([, k]) => signCanonical(k, r.digest).toString());
          if (spend) {
            if (!before.has(r.app)) before.set(r.app, ledger.get(r.app));
            ledger.put(r.app, spend);
            spent = true;
          }
          passed.push(i);
          return { ok: true, value: sigs };
        } catch (error) {
          return { ok: false, error };
        }
      });
      const jobs: SignJob[] = passed.flatMap((i) => batch[i]!.keys.map(([pub, key]) => ({ pub, key, digest: batch[i]!.digest })));
      if (!signer || jobs.length < SIGNER_MIN_JOBS) {
        // one thread, or a lone signature: signed here (a hop to the signing thread costs more than it)
        if (signer && jobs.length > 0) {
          for (const i of passed)
            answers[i] = { ok: true, value: batch[i]!.keys.map(([, k]) => signCanonical(k, batch[i]!.digest).toString()) };
          signer.warm(); // an app signs: its next group should not wait for the thread to start
        }
        if (spent) await ledger!.save(hold);
        return answers;
      }
      const [signed, saved] = await Promise.allSettled([signer.sign(jobs), spent ? ledger!.save(hold) : Promise.resolve()]);
      if (saved.status === 'rejected') throw saved.reason; // nothing of this batch is answered
      if (signed.status === 'rejected') {
        if (spent) {
          for (const [app, spend] of before) ledger!.restore(app, spend);
          await ledger!.save(hold);
        }
        for (const i of passed) answers[i] = { ok: false, error: signed.reason };
        return answers;
      }
      let at = 0;
      for (const i of passed) {
        const n = batch[i]!.keys.length;
        answers[i] = { ok: true, value: signed.value.slice(at, at + n) };
        at += n;
      }
      return answers;
    });
  }

  private async exportKey(s: Unlocked, req: ExportKeyRequest, now: number): Promise<DmemoResults['export_key']> {
    const [pub, priv] = this.resolveKey(s, req.key);
    await this.approve(s, req.assertion, 'export', USER_APP, exportDigest(pub), now);
    await withVaultLock(this.paths, async () => {
      await this.backoff.check(Date.now());
      const derived = await deriveKeys(req.passphrase, s.parsed.body.kdf);
      try {
        authenticateKeystore(s.parsed, derived);
      } catch (err) {
        if (err instanceof VaultError && err.code === 'WRONG_PASSPHRASE') await this.backoff.recordFailure(Date.now());
        throw err;
      } finally {
        wipeKeys(derived);
      }
      await this.backoff.reset();
    });
    return { privateKey: priv.toString() };
  }
}

/** Opens one sealed key and checks it against its public key. */
function openKey(derived: DerivedKeys, keystoreId: string, entry: SealedKey): PrivateKey {
  const key = new PrivateKey(PublicKey.from(entry.publicKey).type, openPrivateKey(derived, keystoreId, entry));
  if (key.toPublic().toString() !== entry.publicKey) {
    key.clear();
    throw new VaultError(
      'KEYSTORE_TAMPERED',
      `the sealed key for ${entry.publicKey} does not match its public key; restore the keystore from a backup`,
    );
  }
  return key;
}

/** Random bytes from node:crypto, copied out and the source buffer wiped. */
function wipedRandom(n: number): Uint8Array {
  const b = randomBytes(n);
  const out = new Uint8Array(b);
  b.fill(0);
  return out;
}

function keyInfo(publicKey: string, label: string, created: string): KeyInfo {
  return { publicKey, legacyKey: PublicKey.from(publicKey).toLegacyString(), label, created };
}
