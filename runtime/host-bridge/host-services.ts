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
import type { ShareService } from '../fs/share-service.js';
import { ShareError } from '../fs/share-error.js';
import { SHARE_DESCRIPTOR_PREFIX, parseDescriptor } from '../fs/share-descriptor.js';
import { type FsScope, fsPathAllowed } from '../capabilities.js';
import { fsPathProblem } from '../fs/fs-path.js';
import { TransactionServiceError } from '../transaction-service/transaction-service-error.js';
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
import { readChain, requireSealedOpen } from './chain-reads.js';
import { openText } from '../transaction-service/sealed-fields.js';
import { toBridgeError } from './bridge-error.js';
import { decodeGuestPayload } from './guest-payload.js';
import type { BridgeOp } from './bridge-protocol.js';
import { serveInstallRequest, type InstallDialog } from '../app-install-request.js';
import { readHostState } from './host-state.js';
import { scalarText } from '../../lib/scalar-text.js';

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
  /** This host's peer-to-peer shares (runtime/fs/share-service.ts): lets apps push `$share` fields and `syncShares` open shares. */
  shares?: ShareService;
}

/** Most share rows one `syncShares` reads from the contract's table. */
export const MAX_SYNCED_SHARE_ROWS = 200;

/**
 * A sender's shares that may go unanswered (SHARE_UNREACHABLE, SHARE_UNAUTHENTICATED: a silent,
 * absent or pretending peer) in one `syncShares` round; its other shares there are then
 * SHARE_DEFERRED without being dialled, and tried again next round. Syncs run one at a time, so
 * before, one sender's MAX_SYNCED_SHARE_ROWS rows naming a silent peer held every other sender's
 * shares for 200 × SHARE_SYNC_TIMEOUT_MS (100 min) a round; now for 4 × SHARE_ANSWER_TIMEOUT_MS
 * (20 s) per sender account. 4: a sender that moved hosts keeps rows naming its old addresses
 * (and a share it revoked but did not unshare is not offered); the newest rows, most likely at
 * its address now, are dialled first.
 */
export const MAX_UNANSWERED_SYNCS_PER_SENDER = 4;

/** The codes of a sync whose peer did not answer as the share's sender (counted by MAX_UNANSWERED_SYNCS_PER_SENDER). */
const UNANSWERED = new Set(['SHARE_UNREACHABLE', 'SHARE_UNAUTHENTICATED']);

export interface SyncedShare {
  id: number;
  from: string;
  path: string;
  saved?: string[];
  removed?: string[];
  /** The ShareError code (or a message) when this share could not be synced; the others still are. */
  error?: string;
}

export class HostServices {
  readonly home: string;
  readonly vault: Vault;
  readonly dispatcher: Dispatcher;
  readonly queue: OfflineQueue;
  readonly transactions: TransactionService;
  readonly bridge: HostBridge;
  readonly grants: SessionGrantStore;
  readonly shares: ShareService | undefined;
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
    this.shares = o.shares;
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
      ...(o.shares ? { shareFile: (r) => this.#shareFile(r) } : {}),
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
        async (contract) => {
          const keys = (await this.vault.listKeys()).map((k) => k.publicKey);
          return (blob) => openText(this.vault, app, contract, blob, keys, info.identity);
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

  /** A `$share` field: the path must lie in the app's fs grant; the share is made by the share service. */
  async #shareFile(r: { app: string; account: string; accountKey: string; path: string; to: string }): Promise<string> {
    if (fsPathProblem(r.path) !== undefined)
      throw new TransactionServiceError('BAD_ACTIONS', `dmcs.push: $share of "${r.path}": not a drive path`);
    const scope = (await this.#apps.get(r.app)).grants.fs as FsScope | undefined;
    if (!scope || !fsPathAllowed(scope, r.path))
      throw new TransactionServiceError('CAPABILITY_DENIED', `dmcs.push: $share of "${r.path}" is outside ${r.app}'s fs grant`);
    return (await this.shares!.share(r)).descriptor;
  }

  /**
   * Opens the peer-to-peer shares in the session account's scope of `code`'s `table` (dBox's
   * `shares`: rows `{id, from, path, sealed}`) into `app`'s drive: each row whose sealed field
   * opens to a share descriptor of a path in one of `app`'s granted roots (a calendar's `events`
   * go to Calendar, `files/…` to dBox) is replicated, checked and saved under `shared/<from>/`. A share
   * that fails (its peer offline, revoked, hostile) is reported and leaves the drive as it was. The
   * replicas of `app`'s shares no row names any more are deleted (share-service.ts `forgetUnlisted`).
   * A sender whose shares went unanswered MAX_UNANSWERED_SYNCS_PER_SENDER times has its other shares
   * SHARE_DEFERRED in this round, so one sender's silent peers cannot hold everyone else's syncs.
   */
  async syncShares(
    app: string,
    o: { code?: string; table?: string; timeoutMs?: number; answerTimeoutMs?: number } = {},
  ): Promise<SyncedShare[]> {
    if (!this.shares) throw new ShareError('SHARE_UNREACHABLE', 'this host has no share service');
    const session = readSession(this.home);
    if (!session) throw new BridgeError(IsaErrorCode.NO_SESSION, 'nobody is logged in');
    const info = await this.#apps.get(app);
    const scope = info.grants.fs as FsScope | undefined;
    if (!scope?.roots.includes('shared') || scope.rights !== 'rw')
      throw new TransactionServiceError('CAPABILITY_DENIED', `${app} has no writable "shared" root in its fs grant`);
    const code = o.code ?? app;
    requireSealedOpen(info, code);
    const installed = await this.#registry.load(app);
    const backend = await this.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
    const reply = await backend.getTableRows({
      code,
      scope: session.account,
      table: o.table ?? 'shares',
      json: true,
      limit: MAX_SYNCED_SHARE_ROWS,
    });
    const keys = (await this.vault.listKeys()).map((k) => k.publicKey);
    const out: SyncedShare[] = [];
    const listed = new Set<string>();
    const unanswered = new Map<string, number>(); // sender → its syncs unanswered this round
    // newest first (a sender's newest rows most likely name where it is now); reported in row order
    for (const row of [...(reply.rows as Array<{ id: number; from: string; path: string; sealed: string }>)].reverse()) {
      if (typeof row.sealed !== 'string' || !/^([0-9a-f]{2})+$/.test(row.sealed)) continue;
      const opened = await openText(this.vault, app, code, Buffer.from(row.sealed, 'hex'), keys, info.identity);
      if (opened.text === undefined || !opened.text.startsWith(SHARE_DESCRIPTOR_PREFIX)) continue;
      // the node's row, as any other party's: fields that are not text become '' (then refused by name)
      const r: SyncedShare = { id: Number(scalarText(row.id) ?? ''), from: scalarText(row.from) ?? '', path: scalarText(row.path) ?? '' };
      let root: string;
      try {
        const d = parseDescriptor(opened.text);
        root = d.path;
        listed.add(Buffer.from(d.core).toString('hex'));
      } catch (err) {
        out.push({ ...r, error: (err as ShareError).code });
        continue;
      }
      if (!fsPathAllowed(scope, root)) continue; // another app's share (a calendar's events are not dBox's files)
      if ((unanswered.get(r.from) ?? 0) >= MAX_UNANSWERED_SYNCS_PER_SENDER) {
        out.push({ ...r, error: 'SHARE_DEFERRED' });
        continue;
      }
      try {
        const done = await this.shares.open({
          app,
          account: session.account,
          accountKey: session.keys[0]!,
          from: r.from,
          descriptor: opened.text,
          maxBytes: scope.maxBytes,
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
          ...(o.answerTimeoutMs !== undefined ? { answerTimeoutMs: o.answerTimeoutMs } : {}),
        });
        out.push({ ...r, ...done });
      } catch (err) {
        const code = err instanceof ShareError ? err.code : String((err as Error).message);
        if (UNANSWERED.has(code)) unanswered.set(r.from, (unanswered.get(r.from) ?? 0) + 1);
        out.push({ ...r, error: code });
      }
    }
    out.reverse();
    // the replicas of shares no row names any more (unshared) are deleted; not when some rows went unread
    if (!reply.more) await this.shares.forgetUnlisted({ app, account: session.account, listed });
    return out;
  }

  /**
   * The sender's side of `unshare`: reads the share rows the session account made for `to` in
   * `code`'s `table`, and revokes its shares to `to` whose core no row names any more (share-service.ts
   * `revokeUnlisted`). Answers the ids revoked.
   */
  async reconcileShares(app: string, to: string, o: { code?: string; table?: string; graceMs?: number } = {}): Promise<string[]> {
    if (!this.shares) return [];
    const session = readSession(this.home);
    if (!session) throw new BridgeError(IsaErrorCode.NO_SESSION, 'nobody is logged in');
    const info = await this.#apps.get(app);
    const code = o.code ?? app;
    requireSealedOpen(info, code);
    const installed = await this.#registry.load(app);
    const backend = await this.dispatcher.backendFor(installed.manifest as { dmcs?: Record<string, unknown> });
    const reply = await backend.getTableRows({
      code,
      scope: to,
      table: o.table ?? 'shares',
      json: true,
      limit: MAX_SYNCED_SHARE_ROWS,
    });
    if (reply.more) return []; // not every row seen: revoke nothing rather than something still listed
    const keys = (await this.vault.listKeys()).map((k) => k.publicKey);
    const listed = new Set<string>();
    for (const row of reply.rows as Array<{ from: string; sealed: string }>) {
      if (row.from !== session.account || typeof row.sealed !== 'string' || !/^([0-9a-f]{2})+$/.test(row.sealed)) continue;
      const opened = await openText(this.vault, app, code, Buffer.from(row.sealed, 'hex'), keys, info.identity);
      if (opened.text === undefined || !opened.text.startsWith(SHARE_DESCRIPTOR_PREFIX)) continue;
      try {
        listed.add(Buffer.from(parseDescriptor(opened.text).core).toString('hex'));
      } catch {
        /* not one of ours */
      }
    }
    return this.shares.revokeUnlisted({
      app,
      account: session.account,
      to,
      listed,
      ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    });
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
