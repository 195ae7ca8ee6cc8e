/**
 * The long-lived host behind the console: the vault of $PEEROS_HOME (unlocked from the page), and
 * once it is unlocked the same services `peeros app run` opens on demand — the host services
 * (transaction service, offline queue with its background flusher, DMCS dispatch) and a `Host`
 * that runs apps through them. Every page's data comes from here; nothing here renders anything.
 */
import { createHash } from 'node:crypto';
import { LOCALHOST_ANY_PORT, Vault, type KeyInfo, type StatusResult, type VerificationRequest } from '../../skv/index.js';
import type { AbiSerializer } from '../../abi/antelope/index.js';
import { AbiSource } from '../transaction-service/abi-source.js';
import { AppRegistry, type AppSummary } from '../app-registry.js';
import { Host } from '../host.js';
import { HostServices } from '../host-bridge/index.js';
import { Dispatcher, DmcsRegistry, type RegistryState } from '../dispatch/index.js';
import { OfflineQueue, type FlushReport, type QueueEntry } from '../offline-queue/index.js';
import { GrantPolicyVerifier } from '../transaction-service/grant-policy-verifier.js';
import { SessionGrantStore, validateSessionGrant, parsePeriod } from '../transaction-service/session-grants.js';
import { installSigningGrant } from '../transaction-service/app-signing-grant.js';
import { PendingRevocations } from '../transaction-service/pending-revocations.js';
import { ActivityLog, type ActivityRecord } from './activity-log.js';
import { RecordingVerifier } from './recording-verifier.js';
import { ConsoleVerifier } from './console-verifier.js';
import { SigningRequests } from './signing-requests.js';
import { InstallRequests } from './install-requests.js';
import type { ViewContext } from './signing-view.js';
import { grantLines } from './grant-lines.js';
import { installPreview, type InstallConsent } from './install-consent.js';
import { ConsoleError } from './console-error.js';
import { AppScreens, type ScreenResult } from '../ui/index.js';
import { ShareService } from '../fs/share-service.js';
import type { PeerAddress } from '../fs/share-peer.js';
import { USER_APP } from '../../skv/index.js';
import { runShareCycle, SHARE_CYCLE_MS, type ShareCycleReport } from '../host-bridge/share-cycle.js';
import { listShares, type IncomingListing, type OutgoingListing } from '../fs/share-records.js';
import { ShareError } from '../fs/share-error.js';
import { createAccount } from '../transaction-service/account-creator.js';
import { checkAccountName, login } from '../session/login.js';
import { readSession } from '../session/session-file.js';
import { LOGIN_CONTRACT, loginChallengeSerializer } from '../session/login-challenge.js';
import { vaultResigner } from '../vault-resigner.js';
import { deployContractBytes } from '../transaction-service/contract-deployer.js';
import { folderContract, stockContract } from './contract-source.js';
import { submitUserTransaction } from '../transaction-service/user-transaction.js';
import { Action } from '../../abi/antelope/index.js';
import { CodedError } from '../../lib/coded-error.js';
import { packedProposal } from '../governance/msig-proposal.js';

export interface ConsoleHostOptions {
  home: string;
  /** TESTS ONLY: the vault's cheap key derivation (see VaultOptions). */
  insecureTestKdf?: boolean;
  /** Runs the offline queue's background flusher while unlocked (default true). */
  flusher?: boolean;
  /**
   * Serve peer-to-peer shares here while unlocked (docs/fs.md): apps may share large files and
   * folders, and a share cycle (publish, reconcile, sync) runs every `shareCycleMs`.
   */
  shareListen?: PeerAddress;
  /** The address share descriptors name (default: `shareListen` as bound). */
  shareAnnounce?: PeerAddress;
  /** Default SHARE_CYCLE_MS; 0: no timer (call `shareCycle()`). */
  shareCycleMs?: number;
}

export interface SessionGrantView {
  app: string;
  maxCount: number;
  maxAmount: string | null;
  periodMs: number;
  remaining: { count: number; amount: string | null };
}

/** A queue entry without its signed body (the page shows what and where, not the bytes). */
export type QueueEntryView = Omit<QueueEntry, 'body'> & { signatures: number };

/** The services of the unlocked console, its share service and share-cycle timer. */
interface Running {
  services: HostServices;
  host: Host;
  shares?: ShareService;
  timer?: NodeJS.Timeout;
  cycle?: Promise<unknown> | undefined;
}

/** The Shares page: this console's serving address and the host's share records (no keys). */
export interface SharesState {
  /** Where this console serves shares and the address its descriptors name; null: it does not serve. */
  serving: { listen: string; announce: string } | null;
  outgoing: Array<OutgoingListing & { servedHere: boolean }>;
  incoming: IncomingListing[];
}

export class ConsoleHost {
  readonly home: string;
  readonly vault: Vault;
  readonly #activity: ActivityLog;
  readonly #grants: SessionGrantStore;
  readonly #flusher: boolean;
  #running: Running | undefined;
  /** A contract deployment under way (its build holds a compile worker): one at a time. */
  #deploying = false;
  /** The signing dialogs waiting for the page (WebAuthn path). */
  readonly signing = new SigningRequests();
  /** Apps' install requests (`store.request-install`) waiting for the page's yes or no. */
  readonly installs = new InstallRequests();
  /** The registration challenge the page is answering (one at a time). */
  #registration: { nonce: Uint8Array; expiresAt: number } | undefined;
  readonly #shareListen: PeerAddress | undefined;
  readonly #shareAnnounce: PeerAddress | undefined;
  readonly #shareCycleMs: number;
  /** Unlock and lock one at a time: two clicks must not open the services (and the queue) twice. */
  #turn: Promise<unknown> = Promise.resolve();

  private constructor(o: ConsoleHostOptions, activity: ActivityLog) {
    this.home = o.home;
    this.vault = Vault.open({ home: o.home, ...(o.insecureTestKdf ? { insecureTestKdf: true } : {}) });
    this.#activity = activity;
    this.#grants = new SessionGrantStore(o.home);
    this.#flusher = o.flusher !== false;
    this.#shareListen = o.shareListen;
    this.#shareAnnounce = o.shareAnnounce;
    this.#shareCycleMs = o.shareCycleMs ?? SHARE_CYCLE_MS;
  }

  static async open(o: ConsoleHostOptions): Promise<ConsoleHost> {
    return new ConsoleHost(o, await ActivityLog.open(o.home));
  }

  status(): Promise<StatusResult> {
    return this.vault.status();
  }

  /**
   * Unlocks the vault (creating the keystore when `create` and there is none) with the console's
   * verifier, revokes the grants of apps removed while it was locked, and starts the services.
   */
  unlock(passphrase: string, create = false): Promise<{ keyCount: number; created: boolean }> {
    return this.#inTurn(() => this.#unlock(passphrase, create));
  }

  async #unlock(passphrase: string, create: boolean): Promise<{ keyCount: number; created: boolean }> {
    const policy = new GrantPolicyVerifier({ store: this.#grants, fallback: async () => false });
    const verifier = new ConsoleVerifier(policy, this.signing, this.#viewContext(policy));
    const r = await this.vault.unlock(passphrase, { verifier: new RecordingVerifier(verifier, this.#activity), create });
    await new PendingRevocations(this.home).flush(this.vault);
    await this.#stop();
    const shares = this.#shareListen
      ? await ShareService.open({
          home: this.home,
          vault: this.vault,
          userApp: USER_APP,
          serve: this.#shareListen,
          ...(this.#shareAnnounce ? { announce: this.#shareAnnounce } : {}),
        })
      : undefined;
    let services: HostServices;
    try {
      services = await HostServices.open({
        home: this.home,
        vault: this.vault,
        policy,
        flusher: this.#flusher,
        // an app's install request is answered by the person at the console (install-requests.ts)
        installDialog: (r) => this.installs.ask(r),
        ...(shares ? { shares } : {}),
      });
    } catch (err) {
      await shares?.close();
      throw err;
    }
    const running: Running = { services, host: new Host({ home: this.home, services }), ...(shares ? { shares } : {}) };
    if (shares && this.#shareCycleMs > 0) {
      running.timer = setInterval(() => {
        if (!running.cycle) this.#cycle(running).catch(() => {});
      }, this.#shareCycleMs);
      running.timer.unref();
    }
    this.#running = running;
    return { keyCount: r.keyCount, created: r.created };
  }

  /** Where this console serves peer-to-peer shares while unlocked (undefined: it does not). */
  get shareAddress(): PeerAddress | undefined {
    return this.#running?.shares?.address;
  }

  /**
   * Runs one share cycle now (share-cycle.ts): publish, reconcile, sync — after the one under way,
   * if any (the timer's and the page's Sync now never run side by side).
   */
  async shareCycle(o: { graceMs?: number } = {}): Promise<ShareCycleReport> {
    const r = this.#running;
    if (!r) throw new ConsoleError('LOCKED', 'unlock the vault to sync shares');
    if (!r.shares)
      throw new ConsoleError('NOT_SERVING', 'this console does not serve peer-to-peer shares: start it with --share-listen HOST:PORT');
    return this.#cycle(r, o);
  }

  #cycle(r: Running, o: { graceMs?: number } = {}): Promise<ShareCycleReport> {
    const next = (r.cycle ?? Promise.resolve()).catch(() => {}).then(() => runShareCycle(r.services, o));
    r.cycle = next;
    const done = (): void => {
      if (r.cycle === next) r.cycle = undefined;
    };
    next.then(done, done);
    return next;
  }

  /**
   * The Shares page's data: the records of `$PEEROS_HOME/shares/` (read without the store's lock, as
   * `peeros share list` reads them) and where this console serves. `servedHere`: an active share
   * whose descriptor names the address this console serves at (recipients dial there).
   */
  sharesState(): SharesState {
    const { outgoing, incoming } = listShares(this.home);
    const address = this.#running?.shares?.address;
    const announced = address ? (this.#shareAnnounce ?? address) : undefined;
    const serving =
      address && announced ? { listen: `${address.host}:${address.port}`, announce: `${announced.host}:${announced.port}` } : null;
    return {
      serving,
      outgoing: outgoing.map((s) => ({
        ...s,
        servedHere: !s.revoked && serving !== null && (s.at === undefined || s.at === serving.announce),
      })),
      incoming,
    };
  }

  /**
   * Revokes outgoing share `id` at once, as `peeros share revoke ID`: no longer served (open
   * connections dropped), its core deleted, never written again; the recipient keeps what it
   * synced. Through this console's share service when it serves; else the store is opened for the
   * revoke alone (SHARE_BUSY while another process, `share serve`, holds it). Nothing is signed and
   * no key is opened: revoking withdraws access and grants none.
   */
  async revokeShare(id: string): Promise<OutgoingListing> {
    const r = this.#running;
    if (!r) throw new ConsoleError('LOCKED', 'unlock the vault to revoke shares');
    const find = (list: OutgoingListing[]): OutgoingListing => {
      const s = list.find((x) => x.id === id);
      if (!s) throw new ShareError('SHARE_NOT_FOUND', 'no outgoing share with that id on this host');
      if (s.revoked) throw new ShareError('SHARE_NOT_FOUND', 'that share was already revoked');
      return s;
    };
    if (r.shares) {
      const s = find(r.shares.list());
      await r.shares.revoke(id);
      return { ...s, revoked: true };
    }
    const shares = await ShareService.open({ home: this.home, vault: this.vault, userApp: USER_APP });
    try {
      const s = find(shares.list());
      await shares.revoke(id);
      return { ...s, revoked: true };
    } finally {
      await shares.close();
    }
  }

  /**
   * Who this host is logged in as (`peeros whoami`): the session file, or null. The DMCS it was
   * proven on is named; the page shows it beside the account.
   */
  account(): { account: string; permission: string; dmcs: string; keys: string[]; loggedInAt: string } | null {
    const s = readSession(this.home);
    return s ? { account: s.account, permission: s.permission, dmcs: s.dmcs, keys: s.keys, loggedInAt: s.loggedInAt } : null;
  }

  /**
   * `peeros account create NAME [--key PUB]` on the default DMCS: `eosio::newaccount` signed by
   * the creator's keys in the vault, a user transaction the vault must approve (the dialog).
   */
  async createAccount(
    name: string,
    key?: string,
    creator?: string,
  ): Promise<{ account: string; key: string; id: string; blockNum: number | null }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to create an account');
    checkAccountName(name); // before reaching for the DMCS
    const backend = await this.#running.services.dispatcher.backendFor({});
    const r = await createAccount({
      vault: this.vault,
      backend,
      name,
      ...(key !== undefined ? { key } : {}),
      ...(creator !== undefined ? { creator } : {}),
    });
    return { account: name, key: r.key, id: r.id, blockNum: r.blockNum ?? null };
  }

  /** `peeros login NAME` on the default DMCS: the vault signs a login challenge (the dialog), the host checks it against the account's authority. */
  async login(account: string): Promise<{ account: string; permission: string; dmcs: string; keys: string[]; loggedInAt: string }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to log in');
    checkAccountName(account); // before reaching for the DMCS
    const backend = await this.#running.services.dispatcher.backendFor({});
    const s = await login({
      home: this.home,
      vault: this.vault,
      getAccount: (n) => backend.getAccount(n),
      dmcs: { name: backend.entry.name, chainId: backend.chainId },
      account,
    });
    return { account: s.account, permission: s.permission, dmcs: s.dmcs, keys: s.keys, loggedInAt: s.loggedInAt };
  }

  /**
   * `peeros set contract ACCOUNT DIR` from the page: a stock contract or a folder built in the
   * compile worker, deployed with setcode + setabi as a user transaction signed by the account's
   * active keys in the vault (the dialog decodes both actions: the code's sha256, the ABI's actions).
   */
  async deployContract(
    account: string,
    source: { stock: string } | { folder: string },
  ): Promise<{
    account: string;
    from: string;
    codeHash: string;
    codeBytes: number;
    actions: string[];
    id: string;
    blockNum: number | null;
  }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to deploy a contract');
    checkAccountName(account);
    if (this.#deploying) throw new ConsoleError('BUSY', 'a contract deployment is under way: wait for it');
    this.#deploying = true;
    try {
      const c = 'stock' in source ? await stockContract(source.stock) : await folderContract(source.folder);
      if (!this.#running) throw new ConsoleError('LOCKED', 'the vault was locked during the build');
      const backend = await this.#running.services.dispatcher.backendFor({});
      const r = await deployContractBytes({ vault: this.vault, backend, account, code: c.code, abi: c.abi });
      return {
        account,
        from: c.from,
        codeHash: createHash('sha256').update(c.code).digest('hex'),
        codeBytes: c.code.length,
        actions: c.abi.actions.map((a) => a.name.toString()),
        id: r.id,
        blockNum: r.blockNum ?? null,
      };
    } finally {
      this.#deploying = false;
    }
  }

  /**
   * `peeros push action CONTRACT ACTION DATA -p ACTOR@active` from the page: the data encoded with
   * the contract's ABI on the default DMCS (data that does not fit it is refused here), signed by
   * the actor's active keys in the vault as a user transaction (the dialog decodes it again).
   */
  async pushAction(
    contract: string,
    action: string,
    actor: string,
    data: Record<string, unknown>,
  ): Promise<{ contract: string; action: string; actor: string; id: string; blockNum: number | null }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to push an action');
    checkAccountName(contract);
    checkAccountName(actor);
    const backend = await this.#running.services.dispatcher.backendFor({});
    const abi = await new AbiSource((a) => backend.getAbi(a)).serializer(contract);
    let encoded: Action;
    try {
      encoded = Action.from({ account: contract, name: action, authorization: [{ actor, permission: 'active' }], data }, abi);
    } catch (err) {
      if (err instanceof CodedError) throw err;
      throw new ConsoleError('BAD_REQUEST', `${contract}::${action}: the data does not fit its ABI (${(err as Error).message})`);
    }
    const r = await submitUserTransaction({
      vault: this.vault,
      backend,
      actions: [encoded],
      summary: [`${contract}::${action} as ${actor}@active`],
    });
    return { contract, action, actor, id: r.id, blockNum: r.blockNum ?? null };
  }

  /**
   * `peeros queue resign ID`: an expired entry signed afresh (new expiration and TaPoS) by the keys
   * that signed it — a signature the vault must approve (the dialog) — and queued in its place.
   */
  async resign(id: string, force = false): Promise<{ id: string; replaces: string; expiration: string }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to re-sign queued transactions');
    const { queue, dispatcher } = this.#running.services;
    const entry = queue.get(id);
    const backend = await dispatcher.backendFor({ dmcs: entry.dmcs });
    const resign = await vaultResigner({ home: this.home, vault: this.vault, backend, entry });
    const fresh = await queue.resign(entry.id, resign, { force });
    return { id: fresh.id, replaces: entry.id, expiration: fresh.expiration };
  }

  /** Locks the vault now and stops the services (the offline queue's lock is released). */
  lock(): Promise<void> {
    return this.#inTurn(async () => {
      this.signing.clear('the vault was locked from the console');
      this.installs.clear();
      await this.#stop();
      await this.vault.lock();
    });
  }

  #inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#turn.then(fn, fn);
    this.#turn = next.catch(() => {});
    return next;
  }

  /** A new key in the unlocked vault (the first run's next step). */
  async createKey(label: string): Promise<KeyInfo> {
    if (!(await this.vault.status()).unlocked) throw new ConsoleError('LOCKED', 'unlock the vault to create a key');
    return this.vault.createKey(label);
  }

  async #stop(): Promise<void> {
    const r = this.#running;
    this.#running = undefined;
    if (!r) return;
    if (r.timer) clearInterval(r.timer);
    await r.cycle?.catch(() => {});
    await r.host.close();
    await r.services.close();
    await r.shares?.close();
  }

  async keys(): Promise<KeyInfo[]> {
    if (!(await this.vault.status()).unlocked) throw new ConsoleError('LOCKED', 'unlock the vault to see its keys');
    return this.vault.listKeys();
  }

  /** Runs `command` of an installed app in its sandbox, with the services of the unlocked vault. */
  async run(app: string, command: string, args: unknown): Promise<unknown> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to run apps');
    return this.#running.host.run(app, command, args);
  }

  /** An app's screen (runtime/ui): `ui.render` run by the console's Host, its view tree checked. */
  async screen(app: string): Promise<ScreenResult> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to open app screens');
    return new AppScreens(this.#running.host).render(app);
  }

  /** Delivers an event from an app screen (`event`: the page's body, checked in runtime/ui) and returns the next screen. */
  async screenEvent(app: string, event: unknown): Promise<ScreenResult> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to open app screens');
    return new AppScreens(this.#running.host).event(app, event);
  }

  apps(): Promise<AppSummary[]> {
    return new AppRegistry(this.home).list();
  }

  sessionGrants(): SessionGrantView[] {
    return this.#grants.list().map((g) => {
      const left = this.#grants.remaining(g.app);
      return {
        app: g.app,
        maxCount: g.maxCount,
        maxAmount: g.maxAmount ?? null,
        periodMs: g.periodMs,
        remaining: { count: left?.count ?? 0, amount: left?.amount?.toString() ?? null },
      };
    });
  }

  /**
   * Removes `app`'s session grant; while unlocked its vault signing grant is reinstalled without
   * the daily amount, as `peeros grant APP --revoke` does.
   */
  async revokeSessionGrant(app: string): Promise<{ revoked: boolean; vaultGrantReinstalled: boolean }> {
    const revoked = await this.#grants.revoke(app);
    let vaultGrantReinstalled = false;
    if (revoked && this.#running) vaultGrantReinstalled = await this.#running.services.installAppGrant(app).catch(() => false);
    return { revoked, vaultGrantReinstalled };
  }

  /** What the signing dialog needs from the host: chain names, contract ABIs (fetched per dialog), the grants that apply. */
  #viewContext(policy: GrantPolicyVerifier): ViewContext {
    const abis = new Map<string, AbiSource>();
    const backendOf = async (chainId: string) => {
      const entry = (await new DmcsRegistry(this.home).list()).find((d) => d.chainId === chainId);
      if (!entry || !this.#running) throw new ConsoleError('NOT_FOUND', `no DMCS of this console is chain ${chainId.slice(0, 12)}…`);
      return this.#running.services.dispatcher.backendFor({ dmcs: entry.name });
    };
    return {
      chainName: async (chainId) => (await new DmcsRegistry(this.home).list()).find((d) => d.chainId === chainId)?.name ?? null,
      abi: async (chainId, account): Promise<AbiSerializer> => {
        // a login challenge's action is no contract's: its layout is the host's own
        if (account === LOGIN_CONTRACT) return loginChallengeSerializer();
        let source = abis.get(chainId);
        if (!source) {
          const backend = await backendOf(chainId);
          source = new AbiSource((a) => backend.getAbi(a));
          abis.set(chainId, source);
        }
        return source.serializer(account);
      },
      // an approval's proposal, read now from the chain the transaction is for: one row (the reply caps bound its bytes)
      proposal: async (chainId, proposer, name) => packedProposal(await backendOf(chainId), proposer, name),
      grants: async (r: VerificationRequest) =>
        grantLines({
          request: r,
          session: this.#grants.get(r.app),
          remaining: this.#grants.remaining(r.app),
          announced: policy.announced(r.digest),
          vaultGrants: (await this.vault.status()).grants ?? [],
        }),
    };
  }

  /** Passkeys registered in the vault (0: the console refuses what no session grant covers). */
  async passkeys(): Promise<number> {
    return (await this.vault.status()).webauthnCredentials ?? 0;
  }

  /**
   * Step 1 of registering a passkey from the page: the vault's challenge, for rp id `localhost`
   * and origin `http://localhost` (any port: the console's port changes between launches).
   */
  async passkeyChallenge(): Promise<{ challenge: string; rpId: string; excludeIds: string[] }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to register a passkey');
    const ch = await this.vault.webAuthnRegistrationChallenge('localhost', LOCALHOST_ANY_PORT);
    this.#registration = { nonce: ch.nonce, expiresAt: ch.expiresAt };
    return {
      challenge: Buffer.from(ch.challenge).toString('base64url'),
      rpId: 'localhost',
      excludeIds: ch.credentials.map((c) => Buffer.from(c.id).toString('base64url')),
    };
  }

  /** Step 2: the vault verifies what `navigator.credentials.create` returned and keeps the credential. */
  async registerPasskey(clientDataJSON: Uint8Array, attestationObject: Uint8Array): Promise<{ credentials: number }> {
    const pending = this.#registration;
    this.#registration = undefined;
    if (!pending) throw new ConsoleError('BAD_REQUEST', 'ask for a passkey challenge first');
    await this.vault.registerWebAuthn({
      rpId: 'localhost',
      origin: LOCALHOST_ANY_PORT,
      nonce: pending.nonce,
      clientDataJSON,
      attestationObject,
    });
    return { credentials: await this.passkeys() };
  }

  /**
   * New limits for `app`'s session grant, as `peeros grant APP --max-count N …`: the vault's signing
   * grant is reinstalled with the new daily amount first — a grant change the user approves (with a
   * passkey, a fresh assertion the vault verifies) — and the session grant is written only once the
   * vault accepted it.
   */
  async setGrantLimits(app: string, limits: { maxCount: number; maxAmount?: string; period?: string }): Promise<{ app: string }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to change grants');
    const installed = await new AppRegistry(this.home).load(app);
    const session = validateSessionGrant({
      app,
      maxCount: limits.maxCount,
      ...(limits.maxAmount !== undefined ? { maxAmount: limits.maxAmount } : {}),
      ...(limits.period !== undefined ? { periodMs: parsePeriod(limits.period) } : {}),
      ...(installed.record.identity !== undefined ? { identity: installed.record.identity } : {}),
    });
    const backend = await this.#running.services.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
    await installSigningGrant(this.vault, app, installed.record.grants, [backend.chainId], session, installed.record.identity);
    await this.#grants.set(session);
    return { app };
  }

  /** What installing the app in `dir` would grant (nothing is written). */
  installPreview(dir: string): Promise<InstallConsent> {
    return installPreview(dir);
  }

  /**
   * Installs the app in `dir` if its package is the one consented to (`packageHash` of the
   * preview); never takes over another identity's app. An app asking for dmcs.push then gets its
   * vault signing grant — a grant change the vault must approve (with a passkey, the dialog).
   */
  async install(dir: string, packageHash: string): Promise<{ name: string; version: string; verified: boolean; signingGrant: boolean }> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to install apps');
    const r = await this.#running.host.install(dir, { grant: (_caps, _pkg, proof) => proof.packageHash === packageHash });
    const signingGrant = r.grants['dmcs.push'] !== undefined ? await this.#running.services.installAppGrant(r.name) : false;
    return { name: r.name, version: r.version, verified: r.verified, signingGrant };
  }

  /** A private key out of the vault: the passphrase again and the user's approval (with a passkey, a fresh assertion). */
  async exportKey(publicKey: string, passphrase: string): Promise<string> {
    if (!this.#running) throw new ConsoleError('LOCKED', 'unlock the vault to export a key');
    return this.vault.exportKey(publicKey, passphrase);
  }

  activity(): ActivityRecord[] {
    return this.#activity.list();
  }

  dmcs(): Promise<RegistryState> {
    return new DmcsRegistry(this.home).load();
  }

  async useDmcs(name: string): Promise<void> {
    await new DmcsRegistry(this.home).use(name);
  }

  queue(): QueueEntryView[] {
    return OfflineQueue.snapshot({ home: this.home }).map((e) => {
      const { body, ...rest } = e;
      return { ...rest, signatures: body.signatures.length };
    });
  }

  /** Flushes now: through the running services (which hold the queue), else opening the queue for it. */
  async flush(): Promise<FlushReport> {
    if (this.#running) return this.#running.services.flush();
    const queue = await OfflineQueue.open({ home: this.home });
    const dispatcher = new Dispatcher(new DmcsRegistry(this.home));
    try {
      return await queue.flush((e) => dispatcher.backendFor({ dmcs: e.dmcs }));
    } finally {
      await queue.close();
      await dispatcher.close();
    }
  }

  async close(): Promise<void> {
    this.signing.clear('the console stopped');
    this.installs.clear();
    await this.#stop().catch(() => {});
    await this.vault.close();
  }
}
