/**
 * The long-lived host behind the console: the vault of $PEEROS_HOME (unlocked from the page), and
 * once it is unlocked the same services `peeros app run` opens on demand — the host services
 * (transaction service, offline queue with its background flusher, DMCS dispatch) and a `Host`
 * that runs apps through them. Every page's data comes from here; nothing here renders anything.
 */
import { Vault, type KeyInfo, type StatusResult } from '../../skv/index.js';
import { AppRegistry, type AppSummary } from '../app-registry.js';
import { Host } from '../host.js';
import { HostServices } from '../host-bridge/index.js';
import { Dispatcher, DmcsRegistry, type RegistryState } from '../dispatch/index.js';
import { OfflineQueue, type FlushReport, type QueueEntry } from '../offline-queue/index.js';
import { GrantPolicyVerifier } from '../transaction-service/grant-policy-verifier.js';
import { SessionGrantStore } from '../transaction-service/session-grants.js';
import { PendingRevocations } from '../transaction-service/pending-revocations.js';
import { ActivityLog, type ActivityRecord } from './activity-log.js';
import { RecordingVerifier } from './recording-verifier.js';
import { ConsoleError } from './console-error.js';
import { ShareService } from '../fs/share-service.js';
import type { PeerAddress } from '../fs/share-peer.js';
import { USER_APP } from '../../skv/index.js';
import { runShareCycle, SHARE_CYCLE_MS, type ShareCycleReport } from '../host-bridge/share-cycle.js';

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

export class ConsoleHost {
  readonly home: string;
  readonly vault: Vault;
  readonly #activity: ActivityLog;
  readonly #grants: SessionGrantStore;
  readonly #flusher: boolean;
  #running: Running | undefined;
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
    const r = await this.vault.unlock(passphrase, { verifier: new RecordingVerifier(policy, this.#activity), create });
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
        ...(shares ? { shares } : {}),
      });
    } catch (err) {
      await shares?.close();
      throw err;
    }
    const running: Running = { services, host: new Host({ home: this.home, services }), ...(shares ? { shares } : {}) };
    if (shares && this.#shareCycleMs > 0) {
      running.timer = setInterval(() => {
        if (!running.cycle) running.cycle = this.shareCycle().finally(() => (running.cycle = undefined));
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

  /** Runs one share cycle now (share-cycle.ts): publish, reconcile, sync. */
  async shareCycle(o: { graceMs?: number } = {}): Promise<ShareCycleReport> {
    const r = this.#running;
    if (!r?.shares) throw new ConsoleError('LOCKED', 'peer-to-peer shares run while the vault is unlocked, with --share-listen');
    return runShareCycle(r.services, o);
  }

  /** Locks the vault now and stops the services (the offline queue's lock is released). */
  lock(): Promise<void> {
    return this.#inTurn(async () => {
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
    await this.#stop().catch(() => {});
    await this.vault.close();
  }
}
