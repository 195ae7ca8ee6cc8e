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
import { peerosHome } from './home.js';
import { HostError } from './errors.js';
import { MAX_DECODED_VALUES, resolveLimits, type AppLimits } from './limits.js';
import type { Manifest } from './manifest.js';
import type { WorkerSpec } from './sandbox/worker-protocol.js';
import type { BridgeEndpoint } from './host-bridge/bridge-protocol.js';
import { OnDemandServices } from './host-bridge/on-demand-services.js';
import type { Grants } from './capabilities.js';
import { AppRegistry, readAppPackage, type AppPackage, type AppSummary, type InstallRecord } from './app-registry.js';
import { ModuleCache } from './sandbox/module-cache.js';
import { inspectModule } from './sandbox/module-loader.js';
import { WorkerPool } from './sandbox/worker-pool.js';
import { planImports } from './sandbox/linker.js';
import type { LogHandler } from './sandbox/app-process.js';
import { LOG_LEVEL_NAMES } from './isa/log.js';

export interface HostOptions {
  /** Data directory; default `$PEEROS_HOME` (or ~/.peeros). */
  home?: string;
  /** Where app log messages go; default: stderr as `[app] level: message`. */
  onLog?: LogHandler;
  /** Lowest recorded log level (0 trace … 4 error); default from `PEEROS_LOG` or 2 (info). */
  logLevel?: number;
  /**
   * The main-thread services behind `chain` and `dmcs` (runtime/host-bridge `HostBridge`, e.g.
   * `HostServices.bridge`); each app worker gets `bridge.endpoint(app)`. Without one (or
   * `services`) the host opens its own on demand (`OnDemandServices`: the registry's DMCS, the vault
   * with $PEEROS_PASSPHRASE or the terminal), which is what `peeros app run` uses; `null`: none,
   * those imports answer `unavailable`.
   */
  bridge?: { endpoint(app: string): BridgeEndpoint } | null;
  /** Same as `bridge: services.bridge`. */
  services?: { bridge: { endpoint(app: string): BridgeEndpoint } };
}

export interface InstallOptions {
  /**
   * Asked to grant the requested capabilities (name → scope); resolve true to grant all of them.
   * Without it nothing is granted and install fails with NOT_GRANTED.
   */
  grant?: (capabilities: Grants, pkg: AppPackage) => boolean | Promise<boolean>;
}

export interface InstallResult extends InstallRecord {
  /** True when the module's memory maximum was absent or too large and has been clamped. */
  memoryClamped: boolean;
}

interface LoadedApp {
  stamp: string;
  manifest: Manifest;
  limits: AppLimits;
  /** Identifies module + install: a change replaces the app's worker. */
  key: string;
  spec: WorkerSpec;
}

const defaultLog: LogHandler = (app, level, message) => {
  process.stderr.write(`[${app}] ${LOG_LEVEL_NAMES[level] ?? level}: ${message}\n`);
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
    this.#pool = new WorkerPool(opts.onLog ?? defaultLog);
    this.#logLevel = opts.logLevel ?? envLogLevel();
    if (opts.bridge === undefined && opts.services === undefined) this.#bridge = this.#ownServices = new OnDemandServices(this.home);
    else this.#bridge = opts.bridge ?? opts.services?.bridge ?? undefined;
  }

  /**
   * Reads the app in `dir` (peeros.json + built module), checks that the module links against the
   * capabilities it requests (an import of a capability the manifest does not request fails here,
   * naming both), asks `grant`, and records the install.
   */
  async install(dir: string, opts: InstallOptions = {}): Promise<InstallResult> {
    const pkg = await readAppPackage(dir);
    const m = pkg.manifest;
    const limits = resolveLimits(m.limits);
    const checked = inspectModule(pkg.wasm, m.name, m.capabilities, limits.memoryPages);
    const owner = await this.#registry.ownerOf(m.name);
    if (owner !== undefined && owner !== m.publisher) {
      throw new HostError('INSTALL_CONFLICT', `app '${m.name}' belongs to publisher '${owner}' on this host (installed, or its data is), not '${m.publisher}'; installing it would hand over that app's data. Remove it first: peeros app remove ${m.name} --purge`, { app: m.name });
    }
    const granted = opts.grant ? await opts.grant(m.capabilities, pkg) : false;
    if (!granted) {
      throw new HostError('NOT_GRANTED', `app '${m.name}' was not installed: the grant was declined (nothing was recorded)`, { app: m.name });
    }
    const record = await this.#registry.install(pkg, m.capabilities);
    return { ...record, memoryClamped: checked.clamped };
  }

  /**
   * Uninstalls `app` and stops its worker; its data stays unless `purge`. Resolves false when it
   * was not installed.
   */
  async remove(app: string, opts: { purge?: boolean } = {}): Promise<boolean> {
    await this.#pool.stop(app);
    this.#loaded.delete(app);
    return this.#registry.remove(app, opts.purge ?? false);
  }

  /** Deletes the data of an app that is no longer installed (refused while it is installed). */
  async purgeData(app: string): Promise<boolean> {
    if (await this.#registry.stamp(app)) {
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
    if (!Object.prototype.hasOwnProperty.call(m.commands, command)) {
      throw new HostError('UNKNOWN_COMMAND', `app '${app}' has no command '${command}' (it has: ${Object.keys(m.commands).join(', ')})`, { app, command });
    }
    if (this.#closed) throw new HostError('CLOSED', 'the host is closed', { app, command });
    const proc = this.#pool.get(spec, key);
    let argBytes: Uint8Array;
    try {
      argBytes = pack(args);
    } catch (err) {
      throw new HostError('INVALID_VALUE', `app '${app}' command '${command}': arguments cannot be encoded as msgpack: ${(err as Error).message}`, { app, command });
    }
    const result = await proc.call(command, argBytes);
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
      throw HostError.fromThrown(new BoundaryError('INVALID_VALUE', 'the app returned an error that is not a {code, message} map'), app, command);
    }
    const message = typeof e.message === 'string' ? e.message : '';
    throw new HostError('APP_ERROR', `app '${app}' command '${command}' failed: ${e.code}${message ? `: ${message}` : ''}`, { app, command, appCode: e.code });
  }

  /**
   * What running `app` needs: loaded from the registry (sha256 checked), compiled (module cache),
   * linked against its grants. Reused until the app is reinstalled (its install stamp changes).
   */
  async #resolve(app: string): Promise<LoadedApp> {
    const stamp = await this.#registry.stamp(app);
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
        plan: plan.map((p) => ({ ...p, params: [...p.params], core: { params: [...p.core.params], results: [...p.core.results] } })),
        grants,
        limits,
        home: this.home,
        dataDir: installed.dataDir,
        logLevel: this.#logLevel,
        ...(this.#bridge && plan.some((p) => p.interface === 'chain' || p.interface === 'dmcs') ? { bridge: this.#bridge.endpoint(app) } : {}),
      },
    };
    this.#loaded.set(app, loaded);
    return loaded;
  }

  /** The running worker process of `app` (for diagnostics and tests). */
  process(app: string) {
    return this.#pool.peek(app);
  }

  /** Terminates every app worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
    await this.#ownServices?.close();
  }
}
