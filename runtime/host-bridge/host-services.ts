/**
 * The services the app bridge serves, in the main thread: chain reads through the hybrid API
 * (cached, stale while offline, within the app's `chain.read` scope) and `dmcs.push` through the
 * dMemo service (vault, dispatch, offline queue with a background flusher). The Host gives each
 * app worker `bridge.endpoint(app)`; the ISA's `chain` and `dmcs` imports call through it.
 *
 *   const services = await HostServices.open({ home, vault });   // vault unlocked, verifier set
 *   const host = new Host({ home, services });
 *   …
 *   await host.close(); await services.close();
 */
import { pack } from '../../abi/msgpack/codec.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import type { Vault } from '../../skv/index.js';
import { AppRegistry } from '../app-registry.js';
import type { ChainReadScope, Grants } from '../capabilities.js';
import { HostError } from '../errors.js';
import { Dispatcher, DmcsRegistry, DmcsError, type ChainCheckedBackend, type DmcsEntry, type TableRowsQuery } from '../dispatch/index.js';
import { CacheStore, defaultCachePath } from '../hybrid-cache/index.js';
import type { HybridRead } from '../hybrid-cache/index.js';
import { OfflineQueue, QueueFlusher, type FlushReport } from '../offline-queue/index.js';
import { DmemoService, type PushOutcome } from '../dmemo-service/dmemo-service.js';
import { DmemoServiceError } from '../dmemo-service/dmemo-service-error.js';
import type { GrantPolicyVerifier } from '../dmemo-service/grant-policy-verifier.js';
import { installSigningGrant } from '../dmemo-service/app-signing-grant.js';
import { SessionGrantStore } from '../dmemo-service/session-grants.js';
import { SessionError } from '../session/session-error.js';
import { HostBridge } from './host-bridge.js';
import { BridgeError } from './bridge-error.js';
import type { BridgeOp } from './bridge-protocol.js';

/** How long an app's manifest and grants are reused between bridged calls (reinstall is rare). */
const APP_INFO_REUSE_MS = 1000;

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
}

interface AppInfo { at: number; name: string; version: string; publisher: string; sha256: string; manifest: { dmcs?: Record<string, unknown> }; grants: Grants }

function toBridgeError(err: unknown): unknown {
  if (err instanceof BridgeError) return err;
  if (err instanceof DmemoServiceError) return new BridgeError(err.isaCode, err.message);
  if (err instanceof SessionError) return new BridgeError(err.code === 'NOT_LOGGED_IN' ? IsaErrorCode.NO_SESSION : IsaErrorCode.INVALID_ARGUMENT, err.message);
  if (err instanceof DmcsError) {
    const code = err.code === 'UNREACHABLE' ? IsaErrorCode.UNAVAILABLE
      : err.code === 'REJECTED' ? (/unknown key|does not exist/.test(err.message) ? IsaErrorCode.NOT_FOUND : IsaErrorCode.INVALID_ARGUMENT)
      : IsaErrorCode.UNAVAILABLE;
    return new BridgeError(code, err.message);
  }
  if (err instanceof HostError && err.code === 'UNKNOWN_APP') return new BridgeError(IsaErrorCode.CAPABILITY_DENIED, err.message);
  return err;
}

export class HostServices {
  readonly home: string;
  readonly vault: Vault;
  readonly dispatcher: Dispatcher;
  readonly queue: OfflineQueue;
  readonly dmemo: DmemoService;
  readonly bridge: HostBridge;
  readonly grants: SessionGrantStore;
  readonly #registry: AppRegistry;
  readonly #cache: CacheStore;
  readonly #flusher: QueueFlusher | undefined;
  readonly #apps = new Map<string, AppInfo>();
  #lastFlush: FlushReport | undefined;

  private constructor(o: HostServicesOptions, queue: OfflineQueue) {
    this.home = o.home;
    this.vault = o.vault;
    this.dispatcher = o.dispatcher ?? new Dispatcher(new DmcsRegistry(o.home));
    this.queue = queue;
    this.grants = new SessionGrantStore(o.home);
    this.#registry = new AppRegistry(o.home);
    this.#cache = o.memoryCache ? new CacheStore() : new CacheStore({ path: defaultCachePath(o.home) });
    if (o.flusher !== false) {
      this.#flusher = new QueueFlusher(queue, (e) => this.dispatcher.backendFor({ dmcs: e.dmcs }), {
        onFlush: (r) => { this.#lastFlush = r; },
      });
    }
    this.dmemo = new DmemoService({
      home: o.home, vault: o.vault, dispatcher: this.dispatcher, queue, cache: this.#cache,
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
    const g = await installSigningGrant(this.vault, app, installed.record.grants, [backend.chainId], this.grants.get(app));
    this.#apps.delete(app);
    return g !== undefined;
  }

  async #app(app: string): Promise<AppInfo> {
    const hit = this.#apps.get(app);
    if (hit && Date.now() - hit.at < APP_INFO_REUSE_MS) return hit;
    const installed = await this.#registry.load(app);
    const m = installed.manifest;
    const info: AppInfo = {
      at: Date.now(), name: m.name, version: m.version, publisher: m.publisher, sha256: installed.record.sha256,
      manifest: m as { dmcs?: Record<string, unknown> }, grants: installed.record.grants,
    };
    this.#apps.set(app, info);
    return info;
  }

  /** Serves one bridged ISA call of `app` (see bridge-protocol.ts). */
  async handle(app: string, op: BridgeOp, payload: Uint8Array): Promise<Uint8Array> {
    try {
      const info = await this.#app(app);
      if (op === 'dmcs.push') {
        const actions = boundaryPackr.unpack(payload) as unknown;
        const out: PushOutcome = await this.dmemo.push({
          app: { name: info.name, version: info.version, publisher: info.publisher, sha256: info.sha256 },
          manifest: info.manifest, grants: info.grants, actions,
        });
        return pack(out);
      }
      const scope = info.grants['chain.read'] as ChainReadScope | undefined;
      if (!scope) throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${app}' was not granted chain.read`);
      const backend = await this.dispatcher.backendFor(info.manifest);
      const hybrid = this.dmemo.hybridFor(backend);
      let read: HybridRead<unknown>;
      if (op === 'chain.get-info') read = await hybrid.getInfo();
      else if (op === 'chain.get-account') {
        const name = new TextDecoder().decode(payload);
        read = await hybrid.getAccount(name);
      } else {
        const q = boundaryPackr.unpack(payload) as TableRowsQuery;
        if (!q || typeof q !== 'object' || typeof q.code !== 'string' || !scope.contracts.includes(q.code)) {
          throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${app}' may not read tables of ${JSON.stringify((q as { code?: unknown })?.code)}`);
        }
        read = await hybrid.getTableRows({ ...q, json: true });
      }
      const value = read.value as Record<string, unknown>;
      return pack(read.stale ? { ...value, stale: true, stale_at_block: read.atBlock } : value);
    } catch (err) {
      throw toBridgeError(err);
    }
  }

  async close(): Promise<void> {
    this.bridge.close();
    await this.#flusher?.stop();
    await this.queue.close();
    await this.#cache.persist().catch(() => {});
    await this.dispatcher.close();
  }
}
