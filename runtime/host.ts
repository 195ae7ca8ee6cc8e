/**
 * The host facade: install, list and run apps. Everything else (registry, module cache, workers,
 * linker, ISA implementations) is private to it.
 *
 *   const host = new Host();                       // $PEEROS_HOME, or { home }
 *   await host.install('apps/calculator', { grant: async (caps) => true });
 *   await host.run('calculator', 'add', { a: '1.5', b: '2' });
 *   await host.close();
 */
import { pack, unpackGuest } from '../abi/msgpack/codec.js';
import { BoundaryError } from '../abi/boundary-errors.js';
import { peerosHome } from '../lib/home.js';
import { HostError } from './errors.js';
import {
  APP_IDLE_MS,
  LIVE_APP_WORKERS,
  LIVE_WORKER_WAIT_MS,
  LIVE_APPS_MEMORY_PAGES,
  MAX_APP_IDLE_MS,
  MAX_DECODED_VALUES,
  MAX_LIVE_APP_WORKERS,
  MAX_WARM_APPS,
  MAX_WARM_WORKERS,
  WARM_APPS,
  WARM_APPS_MEMORY_PAGES,
  WARM_WORKERS,
  resolveLimits,
  type AppLimits,
} from './limits.js';
import type { Manifest } from './manifest.js';
import type { WorkerSpec } from './sandbox/worker-protocol.js';
import { BRIDGED_INTERFACES, type BridgeEndpoint } from './host-bridge/bridge-protocol.js';
import { OnDemandServices } from './host-bridge/on-demand-services.js';
import { AppRegistry, type AppPackage, type AppSummary } from './app-registry.js';
import { ModuleCache } from './sandbox/module-cache.js';
import { WorkerPool } from './sandbox/worker-pool.js';
import { planImports } from './sandbox/linker.js';
import type { LogHandler } from './sandbox/app-process.js';
import { LOG_LEVEL_NAMES } from './isa/log.js';
import { terminalText, terminalWrap } from '../lib/terminal-text.js';

/** An app's own error code, as shown in the APP_ERROR message: 64 chars — codes are identifiers like NO_SESSION. */
const MAX_APP_ERROR_CODE_CHARS = 64;
import { installApp, type InstallOptions, type InstallResult } from './app-install.js';
import { SessionGrantStore } from './transaction-service/session-grants.js';

export interface HostOptions {
  /** Data directory; default `$PEEROS_HOME` (or ~/.peeros). */
  home?: string;
  /** Where app log messages go; default: stderr as `[app] level: message`. */
  onLog?: LogHandler;
  /** Lowest recorded log level (0 trace … 4 error); default from `PEEROS_LOG` or 2 (info). */
  logLevel?: number;
  /**
   * The main-thread services behind `chain`, `dmcs`, `store`, `host` and the `fs` drive key (runtime/host-bridge `HostBridge`, e.g.
   * `HostServices.bridge`); each app worker gets `bridge.endpoint(app)`. Without one (or
   * `services`) the host opens its own on demand (`OnDemandServices`: the registry's DMCS, the vault
   * with $PEEROS_PASSPHRASE or the terminal), which is what `peeros app run` uses; `null`: none,
   * those imports answer `unavailable`.
   */
  bridge?: { endpoint(app: string): BridgeEndpoint } | null;
  /** Same as `bridge: services.bridge`. */
  services?: { bridge: { endpoint(app: string): BridgeEndpoint } };
  /**
   * Pre-started app-less workers kept once an app has gone idle ({@link Host.stopWorker}), so its
   * next first call does not start a thread: default WARM_WORKERS, at most MAX_WARM_WORKERS, 0: none.
   */
  warmWorkers?: number;
  /**
   * Idle apps kept prepared ({@link Host.stopWorker}): a worker of their own with their module
   * instantiated afresh, so their next first call is one call round trip. Default WARM_APPS, at most
   * MAX_WARM_APPS, 0: none; together they may hold WARM_APPS_MEMORY_PAGES of guest memory, each
   * counted at its cap.
   */
  warmApps?: number;
  /**
   * An app with no call for this long goes idle, as by {@link Host.stopWorker} (never while a call
   * of it is running or queued): default APP_IDLE_MS (60 s), at most MAX_APP_IDLE_MS, 0: never.
   */
  appIdleMs?: number;
  /**
   * Most apps with a live worker at once (prepared apps not counted): default LIVE_APP_WORKERS, 1 to
   * MAX_LIVE_APP_WORKERS; together they may hold LIVE_APPS_MEMORY_PAGES of guest memory, each
   * counted at its cap. Past either the least recently used app that is not busy goes idle; when
   * all are busy, a call waits up to LIVE_WORKER_WAIT_MS, then fails with LIMIT_EXCEEDED.
   */
  liveAppWorkers?: number;
  /** That wait: default LIVE_WORKER_WAIT_MS, 1 to it (only shorter: tests that wait it out). */
  liveWorkerWaitMs?: number;
}

export type { InstallOptions, InstallResult } from './app-install.js';

interface LoadedApp {
  stamp: string;
  manifest: Manifest;
  limits: AppLimits;
  /** Identifies module + install: a change replaces the app's worker. */
  key: string;
  spec: WorkerSpec;
}

/**
 * App log lines on stderr: the `[app] level: ` prefix is the host's; the app's text is escaped onto
 * that line and, on a terminal, hard-wrapped under the same prefix (the terminal's own wrapping
 * would let padded app text start a row).
 */
const defaultLog: LogHandler = (app, level, message) => {
  const columns = process.stderr.isTTY ? process.stderr.columns : undefined;
  process.stderr.write(`${terminalWrap(`[${terminalText(app)}] ${LOG_LEVEL_NAMES[level] ?? level}: `, terminalText(message), columns)}\n`);
};

function envLogLevel(): number {
  const v = process.env.PEEROS_LOG;
  const i = v ? (LOG_LEVEL_NAMES as readonly string[]).indexOf(v) : -1;
  return i >= 0 ? i : 2;
}

export class Host {
  readonly home: string;
  #registry: AppRegistry;
  #cache = new ModuleCache();
  #pool: WorkerPool;
  #logLevel: number;
  #closed = false;
  #loaded = new Map<string, LoadedApp>();
  #bridge: { endpoint(app: string): BridgeEndpoint } | undefined;
  #ownServices: OnDemandServices | undefined;

  constructor(opts: HostOptions = {}) {
    this.home = opts.home ?? peerosHome();
    this.#registry = new AppRegistry(this.home);
    const warm = opts.warmWorkers ?? WARM_WORKERS;
    if (!Number.isInteger(warm) || warm < 0 || warm > MAX_WARM_WORKERS) {
      throw new RangeError(`warmWorkers must be an integer from 0 to ${MAX_WARM_WORKERS}, not ${warm}`);
    }
    const apps = opts.warmApps ?? WARM_APPS;
    if (!Number.isInteger(apps) || apps < 0 || apps > MAX_WARM_APPS) {
      throw new RangeError(`warmApps must be an integer from 0 to ${MAX_WARM_APPS}, not ${apps}`);
    }
    const idleMs = opts.appIdleMs ?? APP_IDLE_MS;
    if (!Number.isInteger(idleMs) || idleMs < 0 || idleMs > MAX_APP_IDLE_MS) {
      throw new RangeError(`appIdleMs must be an integer from 0 to ${MAX_APP_IDLE_MS}, not ${idleMs}`);
    }
    const live = opts.liveAppWorkers ?? LIVE_APP_WORKERS;
    if (!Number.isInteger(live) || live < 1 || live > MAX_LIVE_APP_WORKERS) {
      throw new RangeError(`liveAppWorkers must be an integer from 1 to ${MAX_LIVE_APP_WORKERS}, not ${live}`);
    }
    const waitMs = opts.liveWorkerWaitMs ?? LIVE_WORKER_WAIT_MS;
    if (!Number.isInteger(waitMs) || waitMs < 1 || waitMs > LIVE_WORKER_WAIT_MS) {
      throw new RangeError(`liveWorkerWaitMs must be an integer from 1 to ${LIVE_WORKER_WAIT_MS}, not ${waitMs}`);
    }
    this.#pool = new WorkerPool(
      opts.onLog ?? defaultLog,
      { workers: warm, home: this.home },
      { apps, pages: WARM_APPS_MEMORY_PAGES },
      { max: live, pages: LIVE_APPS_MEMORY_PAGES, idleMs, waitMs },
    );
    this.#logLevel = opts.logLevel ?? envLogLevel();
    if (opts.bridge === undefined && opts.services === undefined) this.#bridge = this.#ownServices = new OnDemandServices(this.home);
    else this.#bridge = opts.bridge ?? opts.services?.bridge ?? undefined;
  }

  /**
   * Reads the app in `source` (a folder: peeros.json + built module; or a package read from a
   * `.peeros` file by runtime/package-archive/package-file.ts), checks that the module links against the
   * capabilities it requests (an import of a capability the manifest does not request fails here,
   * naming both), asks `grant`, and records the install.
   */
  async install(source: string | AppPackage, opts: InstallOptions = {}): Promise<InstallResult> {
    const result = await installApp(this.home, this.#registry, source, opts);
    // a worker prepared for the previous install (module, grants) is not kept for the new one
    await this.#pool.drop(result.name);
    return result;
  }

  /**
   * Uninstalls `app` and stops its worker; its data stays unless `purge`. Its session grant is
   * revoked at once (grants never outlive the app; the vault's signing grant is revoked by the
   * caller when the vault can be unlocked, and is bound to the app's identity meanwhile).
   * Resolves false when it was not installed.
   */
  async remove(app: string, opts: { purge?: boolean } = {}): Promise<boolean> {
    await this.#pool.stop(app);
    this.#loaded.delete(app);
    const removed = await this.#registry.remove(app, opts.purge ?? false);
    if (removed) await new SessionGrantStore(this.home).revoke(app);
    return removed;
  }

  /** Deletes the data of an app that is no longer installed (refused while it is installed). */
  async purgeData(app: string): Promise<boolean> {
    if (this.#registry.stamp(app)) {
      throw new HostError('INSTALL_CONFLICT', `app '${app}' is installed; remove it with --purge instead`, { app });
    }
    return this.#registry.purgeData(app);
  }

  /** Installed apps. */
  list(): Promise<AppSummary[]> {
    return this.#registry.list();
  }

  /**
   * Runs `command` of `app` with `args` (any msgpack-able value; default `{}`) in the app's worker.
   * Resolves to the decoded result; rejects with HostError (APP_ERROR carries the app's own code).
   */
  async run(app: string, command: string, args: unknown = {}): Promise<unknown> {
    if (this.#closed) throw new HostError('CLOSED', 'the host is closed', { app, command });
    const { manifest: m, limits, spec, key } = await this.#resolve(app);
    if (!Object.hasOwn(m.commands, command)) {
      throw new HostError('UNKNOWN_COMMAND', `app '${app}' has no command '${command}' (it has: ${Object.keys(m.commands).join(', ')})`, {
        app,
        command,
      });
    }
    if (this.#closed) throw new HostError('CLOSED', 'the host is closed', { app, command });
    let argBytes: Uint8Array;
    try {
      argBytes = pack(args);
    } catch (err) {
      throw new HostError(
        'INVALID_VALUE',
        `app '${app}' command '${command}': arguments cannot be encoded as msgpack: ${(err as Error).message}`,
        { app, command },
      );
    }
    const result = await this.#pool.run(spec, key, command, argBytes);
    let value: unknown;
    try {
      // The worker scanned these bytes inside the app's deadline; scanned again here (defence in
      // depth, stops at the same MAX_DECODED_VALUES) before msgpackr builds anything.
      value = unpackGuest(result.bytes, limits.msgpackDepth, result.ok ? 'result' : 'error', MAX_DECODED_VALUES);
    } catch (err) {
      throw HostError.fromThrown(err, app, command);
    }
    if (result.ok) return value;
    const e = value as { code?: unknown; message?: unknown } | null;
    if (!e || typeof e !== 'object' || typeof e.code !== 'string') {
      throw HostError.fromThrown(
        new BoundaryError('INVALID_VALUE', 'the app returned an error that is not a {code, message} map'),
        app,
        command,
      );
    }
    const message = typeof e.message === 'string' ? e.message : '';
    // The app chose its code and message: escaped here so no printer of this message can be spoofed.
    throw new HostError(
      'APP_ERROR',
      `app '${app}' command '${command}' failed: ${terminalText(e.code, MAX_APP_ERROR_CODE_CHARS)}${message ? `: ${terminalText(message)}` : ''}`,
      { app, command, appCode: e.code },
    );
  }

  /**
   * What running `app` needs: loaded from the registry (sha256 checked), compiled (module cache),
   * linked against its grants. Reused until the app is reinstalled (its install stamp changes).
   */
  async #resolve(app: string): Promise<LoadedApp> {
    const stamp = this.#registry.stamp(app);
    if (stamp === undefined) throw HostError.unknownApp(app);
    const cached = this.#loaded.get(app);
    if (cached && cached.stamp === stamp) return cached;
    const installed = await this.#registry.load(app);
    const grants = installed.record.grants;
    const limits = resolveLimits(installed.manifest.limits);
    const prepared = await this.#cache.get(installed.wasm, app, grants, limits.memoryPages, installed.record.sha256);
    const plan = planImports(prepared.info, grants, app);
    const loaded: LoadedApp = {
      stamp,
      manifest: installed.manifest,
      limits,
      key: `${installed.record.sha256}:${installed.record.installedAt}`,
      spec: {
        app,
        module: prepared.module,
        memory: prepared.memory,
        plan: plan.map((p) => ({ ...p, params: [...p.params], core: { params: [...p.core.params], results: [...p.core.results] } })),
        grants,
        limits,
        home: this.home,
        dataDir: installed.dataDir,
        logLevel: this.#logLevel,
        ...(this.#bridge && plan.some((p) => BRIDGED_INTERFACES.has(p.interface)) ? { bridge: this.#bridge.endpoint(app) } : {}),
      },
    };
    this.#loaded.set(app, loaded);
    return loaded;
  }

  /** The running worker process of `app` (for diagnostics and tests). */
  process(app: string) {
    return this.#pool.peek(app);
  }

  /**
   * Stops `app`'s worker, as the idle policy does for an app with no call for `appIdleMs` (which
   * waits for its calls to settle; this does not: a running call rejects with CLOSED). Its compiled
   * module stays cached. The stopped
   * worker is terminated (never reused) and the warm pool is filled; then, within the prepared
   * apps' bounds (`warmApps`), a new worker is started for the app in the background, taking a warm
   * worker and instantiating the module afresh, so the next call is one call round trip (the bench's
   * first-call figure). Without it (or evicted) the next call takes a warm worker and pays an
   * instantiation, not a thread start nor a compilation.
   */
  async stopWorker(app: string): Promise<void> {
    if (this.#closed) return;
    this.#pool.prewarm();
    await this.#pool.idle(app);
  }

  /** The warm pool (diagnostics and tests): workers waiting, started and handed out so far. */
  get warmWorkers(): { idle: number; started: number; taken: number } {
    const w = this.#pool.warm;
    return { idle: w.idle, started: w.started, taken: w.taken };
  }

  /** Warm workers waiting that have booted and run their warm-up (diagnostics, the bench: the host's background work is done). */
  get warmWorkersBooted(): number {
    return this.#pool.warm.booted;
  }

  /** The prepared apps (diagnostics and tests): how many, the guest memory pages they may hold, evictions so far. */
  get warmApps(): { apps: number; pages: number; evicted: number } {
    const p = this.#pool.prepared;
    return { apps: p.size, pages: p.pages, evicted: p.evicted };
  }

  /**
   * The live app workers (diagnostics, tests, the bench): how many apps hold one, the bound, the
   * guest memory pages they may hold (each at its cap), how many went idle by the idle clock and
   * how many were stopped to make room, so far, and how long a call waits for a place.
   */
  get liveApps(): { live: number; max: number; pages: number; idleStops: number; evicted: number; waitMs: number } {
    const l = this.#pool.live;
    return { live: l.size, max: l.max, pages: l.pages, idleStops: l.idleStops, evicted: l.evicted, waitMs: this.#pool.liveWaitMs };
  }

  /** Terminates every app worker and every warm worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
    await this.#ownServices?.close();
  }
}
