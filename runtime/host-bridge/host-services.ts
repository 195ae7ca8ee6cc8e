/**
 * The services the app bridge serves, in the main thread: chain reads through the hybrid API
 * (cached, stale while offline, within the app's `chain.read` scope) and `dmcs.push` through the
 * transaction service (vault, dispatch, offline queue with a background flusher). The Host gives each
 * app worker `bridge.endpoint(app)`; the ISA's `chain` and `dmcs` imports call through it.
 *
 *   const services = await HostServices.open({ home, vault });   // vault unlocked, verifier set
 *   const host = new Host({ home, services });
 *   …
 *   await host.close(); await services.close();
 */
import { pack } from '../../abi/msgpack/codec.js';
import { USER_APP, type Vault } from '../../skv/index.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { driveDir } from '../fs/drive.js';
import { driveKey } from '../fs/drive-key.js';
import { readSession } from '../session/session-file.js';
import { BridgeError } from './bridge-error.js';
import { AppRegistry } from '../app-registry.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend, type DmcsEntry } from '../dispatch/index.js';
import { CacheStore, defaultCachePath } from '../hybrid-cache/index.js';
import { OfflineQueue, QueueFlusher, type FlushReport } from '../offline-queue/index.js';
import { TransactionService, type PushOutcome } from '../transaction-service/transaction-service.js';
import type { GrantPolicyVerifier } from '../transaction-service/grant-policy-verifier.js';
import { installSigningGrant } from '../transaction-service/app-signing-grant.js';
import { SessionGrantStore } from '../transaction-service/session-grants.js';
import { HostBridge } from './host-bridge.js';
import { AppDirectory, type AppInfo } from './app-directory.js';
import { readChain } from './chain-reads.js';
import { openText } from '../transaction-service/sealed-fields.js';
import { toBridgeError } from './bridge-error.js';
import { decodeGuestPayload } from './guest-payload.js';
import type { BridgeOp } from './bridge-protocol.js';
import { serveInstallRequest, type InstallDialog } from '../app-install-request.js';
import { readHostState } from './host-state.js';

/**
 * The main thread checks the grant again (its worker only links a granted import): an op of a
 * capability the installed app does not hold is `capability-denied`, whatever the worker claims.
 */
export function requireGrant(info: AppInfo, capability: 'host.read' | 'store.install', op: string): void {
  if (info.grants[capability] === undefined)
    throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${info.name}' was not granted ${capability}, which ${op} needs`);
}

export interface HostServicesOptions {
  home: string;
  /** Unlocked, with its verifier registered. */
  vault: Vault;
  dispatcher?: Dispatcher;
  /** Session-grant policy the vault's verifier is (so the service can announce amounts). */
  policy?: GrantPolicyVerifier;
  /** Keep the hybrid cache in memory only (tests, benchmarks). */
  memoryCache?: boolean;
  /** Start the background queue flusher (default true). */
  flusher?: boolean;
  /** Where service failures are reported (default: silent; the app gets the error code). */
  onError?: (err: unknown, app: string, op: string) => void;
  /**
   * The host's install dialog, asked before an app's install request installs anything
   * (runtime/app-install-request.ts). Absent: every request answers `unavailable` (nobody to ask).
   */
  installDialog?: InstallDialog;
  /** The dAppStore contract account install requests read (default `dappstore`). */
  store?: string;
}

export class HostServices {
  readonly home: string;
  readonly vault: Vault;
  readonly dispatcher: Dispatcher;
  readonly queue: OfflineQueue;
  readonly transactions: TransactionService;
  readonly bridge: HostBridge;
  readonly grants: SessionGrantStore;
  readonly #registry: AppRegistry;
  readonly #cache: CacheStore;
  readonly #flusher: QueueFlusher | undefined;
  readonly #apps: AppDirectory;
  readonly #installDialog: InstallDialog | undefined;
  readonly #store: string | undefined;
  #lastFlush: FlushReport | undefined;

  private constructor(o: HostServicesOptions, queue: OfflineQueue) {
    this.home = o.home;
    this.vault = o.vault;
    this.dispatcher = o.dispatcher ?? new Dispatcher(new DmcsRegistry(o.home));
    this.queue = queue;
    this.grants = new SessionGrantStore(o.home);
    this.#registry = new AppRegistry(o.home);
    this.#apps = new AppDirectory(o.home);
    this.#installDialog = o.installDialog;
    this.#store = o.store;
    this.#cache = o.memoryCache ? new CacheStore() : new CacheStore({ path: defaultCachePath(o.home) });
    if (o.flusher !== false) {
      this.#flusher = new QueueFlusher(queue, (e) => this.dispatcher.backendFor({ dmcs: e.dmcs }), {
        onFlush: (r) => {
          this.#lastFlush = r;
        },
      });
    }
    this.transactions = new TransactionService({
      home: o.home,
      vault: o.vault,
      dispatcher: this.dispatcher,
      queue,
      cache: this.#cache,
      ...(o.policy ? { policy: o.policy } : {}),
      onQueued: () => this.#flusher?.kick(),
    });
    this.bridge = new HostBridge((app, op, payload) => this.handle(app, op, payload), o.onError ? { onError: o.onError } : {});
  }

  /** Opens the offline queue (taking its lock) and starts the flusher. */
  static async open(o: HostServicesOptions): Promise<HostServices> {
    const queue = await OfflineQueue.open({ home: o.home });
    const s = new HostServices(o, queue);
    s.#flusher?.start();
    return s;
  }

  /** The last background flush report (narration, tests). */
  get lastFlush(): FlushReport | undefined {
    return this.#lastFlush;
  }

  /** Flushes the offline queue now. */
  flush(): Promise<FlushReport> {
    return this.queue.flush((e) => this.dispatcher.backendFor({ dmcs: e.dmcs }));
  }

  /** Kicks the background flusher (the DMCS may be back). */
  kick(): void {
    this.#flusher?.kick();
  }

  /** The default DMCS's entry and backend. */
  async defaultBackend(): Promise<{ entry: DmcsEntry; backend: ChainCheckedBackend }> {
    const backend = await this.dispatcher.backendFor(null);
    return { entry: backend.entry, backend };
  }

  /**
   * Installs the vault's signing grant of an installed app (chain of its DMCS, its dmcs.push scope,
   * the amount of its session grant). Called after `Host.install`, and again by `peeros grant`.
   */
  async installAppGrant(app: string): Promise<boolean> {
    const installed = await this.#registry.load(app);
    const backend = await this.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
    const g = await installSigningGrant(
      this.vault,
      app,
      installed.record.grants,
      [backend.chainId],
      this.grants.get(app),
      installed.record.identity,
    );
    this.#apps.forget(app);
    return g !== undefined;
  }

  /** Serves one bridged ISA call of `app` (see bridge-protocol.ts). */
  async handle(app: string, op: BridgeOp, payload: Uint8Array): Promise<Uint8Array> {
    try {
      if (op === 'fs.drive-key') return pack(await this.#driveKey(app));
      if (op === 'host.state') {
        requireGrant(await this.#apps.get(app), 'host.read', op);
        return pack(await readHostState(this.home, () => this.vault.status()));
      }
      if (op === 'store.request-install') return pack(await this.#installRequest(app, payload));
      const info = await this.#apps.get(app);
      if (op === 'dmcs.push') {
        const actions = decodeGuestPayload(payload, 'dmcs.push actions');
        const out: PushOutcome = await this.transactions.push({
          app: {
            name: info.name,
            version: info.version,
            publisher: info.publisher,
            sha256: info.sha256,
            ...(info.identity !== undefined ? { identity: info.identity } : {}),
          },
          manifest: info.manifest,
          grants: info.grants,
          actions,
        });
        return pack(out);
      }
      return await readChain(
        info,
        op,
        payload,
        this.dispatcher,
        (b) => this.transactions.hybridFor(b),
        async () => {
          const keys = (await this.vault.listKeys()).map((k) => k.publicKey);
          return (blob) => openText(this.vault, app, blob, keys, info.identity);
        },
      );
    } catch (err) {
      throw toBridgeError(err);
    }
  }

  /** An app's install request: the registry, the package checks and the user's consent decide (runtime/app-install-request.ts). */
  async #installRequest(app: string, payload: Uint8Array): Promise<unknown> {
    requireGrant(await this.#apps.get(app), 'store.install', 'store.request-install');
    const { answer, installed } = await serveInstallRequest({
      home: this.home,
      requestedBy: app,
      payload,
      backend: () => this.dispatcher.backendFor(null),
      store: this.#store,
      dialog: this.#installDialog,
    });
    if (installed) {
      this.#apps.forget(installed.name);
      // like `peeros app install`: an app granted dmcs.push gets its signing grant in the vault; if
      // that fails the app stays installed and the vault signs nothing for it until `peeros grant`
      if (installed.grants['dmcs.push']) await this.installAppGrant(installed.name).catch(() => false);
    }
    return answer;
  }

  /** The key of the session account's drive of `app`, opened (or created and sealed) by the vault. */
  async #driveKey(app: string): Promise<{ account: string; key: Uint8Array }> {
    const session = readSession(this.home);
    const sealTo = session?.keys[0];
    if (!session || sealTo === undefined)
      throw new BridgeError(IsaErrorCode.NO_SESSION, 'nobody is logged in: the drive key belongs to an account');
    const { dataDir } = await this.#registry.load(app);
    return { account: session.account, key: await driveKey(this.vault, USER_APP, driveDir(dataDir, session.account), sealTo) };
  }

  async close(): Promise<void> {
    this.bridge.close();
    await this.#flusher?.stop();
    await this.queue.close();
    await this.#cache.persist().catch(() => {});
    await this.dispatcher.close();
  }
}
