/**
 * Installed apps under `$PEEROS_HOME/apps/<name>/`:
 *
 *   peeros.json   the manifest as installed (validated)
 *   app.wasm      the module, copied from the app's `entry`
 *   files/        the package's icon and assets, at their package paths
 *   install.json  {name, version, sha256, grants, installedAt, from, identity, packageHash} — written
 *                 last: the commit point
 *
 * Each file is written atomically (temp + fsync + rename). Loading checks that app.wasm still has the
 * sha256 recorded at install. App data lives apart, in `$PEEROS_HOME/data/<name>/`, so reinstalling
 * an app keeps it; `data/<name>/.owner` records the identity it belongs to (the publisher key that
 * signed the package, or `unverified:<install id>`: runtime/app-identity), so that an app of the same
 * name and another identity never inherits it — whatever its manifest's `publisher` says.
 */
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { peerosHome } from '../lib/home.js';
import { HostError } from './errors.js';
import { APP_NAME, validateManifest, type Manifest } from './manifest.js';
import { withModuleCommands } from './app-commands.js';
import type { AppPackage } from './app-package.js';
// the package reader lives in app-package.ts; re-exported for the callers that import it from here
export { readAppPackage, type AppPackage } from './app-package.js';
import type { Grants } from './capabilities.js';
import { sha256Hex } from '../lib/sha256-hex.js';
import { raisedLimits, type RaisedLimit } from './limit-request.js';
import { UNVERIFIED_PREFIX, isVerifiedIdentity } from './app-identity/app-identity.js';

/** Where an installed app's icon and assets go (apps/<name>/files/<package path>). */
const FILES_DIR = 'files';
/** Records which app identity the data directory belongs to. */
const OWNER_FILE = '.owner';

export interface InstallRecord {
  name: string;
  version: string;
  sha256: string;
  grants: Grants;
  installedAt: string;
  /** The directory it was installed from. */
  from: string;
  /** The publisher key that signed the package, or `unverified:<install id>` (absent: installed before identities). */
  identity?: string;
  /** The package hash (runtime/app-identity/package-hash.ts), hex. */
  packageHash?: string;
}

export interface InstalledApp {
  manifest: Manifest;
  record: InstallRecord;
  wasm: Uint8Array;
  dir: string;
  dataDir: string;
}

export interface AppSummary {
  name: string;
  version: string;
  publisher: string;
  /** The publisher key (verified) or `unverified:<install id>`. */
  identity: string;
  /** True when the package's signature verified at install. */
  verified: boolean;
  description?: string;
  sha256: string;
  capabilities: string[];
  commands: string[];
  /** Limits the app raised above the defaults (granted at install with its capabilities). */
  raisedLimits: RaisedLimit[];
  installedAt: string;
}

export class AppRegistry {
  readonly home: string;
  constructor(home = peerosHome()) {
    this.home = home;
  }

  appDir(name: string): string {
    return join(this.home, 'apps', name);
  }
  /** Where an installed app's icon and assets are (`files/<package path>`). */
  filesDir(name: string): string {
    return join(this.appDir(name), FILES_DIR);
  }
  dataDir(name: string): string {
    return join(this.home, 'data', name);
  }

  /**
   * Records `pkg` as installed with `grants` under `identity` (the caller has checked the identity
   * against the owner and confirmed the grants).
   */
  async install(pkg: AppPackage, grants: Grants, identity: { identity: string; packageHash: string }): Promise<InstallRecord> {
    const dir = this.appDir(pkg.manifest.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(this.dataDir(pkg.manifest.name), { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(this.dataDir(pkg.manifest.name), OWNER_FILE), `${identity.identity}\n`, 0o600);
    const record: InstallRecord = {
      name: pkg.manifest.name,
      version: pkg.manifest.version,
      sha256: pkg.sha256,
      grants,
      installedAt: new Date().toISOString(),
      from: pkg.dir,
      identity: identity.identity,
      packageHash: identity.packageHash,
    };
    // icon and assets: paths were checked (package-path.ts), so none leaves files/
    await rm(join(dir, FILES_DIR), { recursive: true, force: true });
    for (const f of pkg.files) {
      const path = join(dir, FILES_DIR, f.path);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, f.data, 0o600);
    }
    await writeFileAtomic(join(dir, 'app.wasm'), pkg.wasm, 0o600);
    await writeFileAtomic(join(dir, 'peeros.json'), `${JSON.stringify(pkg.manifest, null, 2)}\n`, 0o600);
    await writeFileAtomic(join(dir, 'install.json'), `${JSON.stringify(record, null, 2)}\n`, 0o600);
    return record;
  }

  /** The install record of `name`, or undefined when it is not installed. */
  record(name: string): Promise<InstallRecord | undefined> {
    return this.#record(name);
  }

  async #record(name: string): Promise<InstallRecord | undefined> {
    if (!APP_NAME.test(name)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.appDir(name), 'install.json'), 'utf8')) as InstallRecord;
    } catch {
      return undefined;
    }
  }

  /**
   * A token that changes whenever `name` is (re)installed (install.json is replaced last, by
   * rename), or undefined when it is not installed. Lets a host reuse what it loaded. Synchronous:
   * it runs before every call, and one stat of a small local file costs less than the hop through
   * libuv's thread pool it replaces, which on a loaded machine was the longest wait of an idle app's
   * first call (milliseconds, against tens of µs).
   */
  stamp(name: string): string | undefined {
    if (!APP_NAME.test(name)) return undefined;
    try {
      const st = statSync(join(this.appDir(name), 'install.json'), { throwIfNoEntry: false });
      return st ? `${st.ino}:${st.mtimeMs}:${st.size}` : undefined;
    } catch {
      return undefined;
    }
  }

  /** Loads an installed app. Throws UNKNOWN_APP when there is none. */
  async load(name: string): Promise<InstalledApp> {
    const record = await this.#record(name);
    if (!record) throw HostError.unknownApp(name);
    const dir = this.appDir(name);
    const declared = validateManifest(JSON.parse(await readFile(join(dir, 'peeros.json'), 'utf8')), join(dir, 'peeros.json'));
    const wasm = await readFile(join(dir, 'app.wasm'));
    if (sha256Hex(wasm) !== record.sha256) {
      throw new HostError('INVALID_MODULE', `app '${name}': app.wasm does not match the sha256 recorded at install; reinstall it`, {
        app: name,
      });
    }
    const manifest = withModuleCommands(declared, wasm, join(dir, 'peeros.json'));
    return { manifest, record, wasm, dir, dataDir: this.dataDir(name) };
  }

  /**
   * The identity that owns `name`: of the installed app, else of data a removed app left behind
   * (`data/<name>/.owner`); undefined when neither exists. An app installed before identities
   * existed answers its `.owner` line (its publisher name), which counts as unverified.
   */
  async ownerOf(name: string): Promise<string | undefined> {
    if (!APP_NAME.test(name)) return undefined;
    const record = await this.#record(name);
    if (record?.identity) return record.identity;
    try {
      return (await readFile(join(this.dataDir(name), OWNER_FILE), 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Uninstalls `name` (install.json first: the app stops being installed at once); `purge` also deletes its data. */
  async remove(name: string, purge = false): Promise<boolean> {
    if (!(await this.#record(name))) return false;
    await rm(join(this.appDir(name), 'install.json'), { force: true });
    await rm(this.appDir(name), { recursive: true, force: true });
    if (purge) await rm(this.dataDir(name), { recursive: true, force: true });
    return true;
  }

  /** Deletes the data a removed app left behind; false when there was none. */
  async purgeData(name: string): Promise<boolean> {
    if (!APP_NAME.test(name)) return false;
    const dir = this.dataDir(name);
    const existed = await stat(dir).then(
      () => true,
      () => false,
    );
    await rm(dir, { recursive: true, force: true });
    return existed;
  }

  /** Installed apps, sorted by name. */
  async list(): Promise<AppSummary[]> {
    const names = await readdir(join(this.home, 'apps')).catch(() => [] as string[]);
    const out: AppSummary[] = [];
    for (const name of names.sort()) {
      const record = await this.#record(name);
      if (!record) continue;
      let manifest: Manifest;
      try {
        manifest = validateManifest(JSON.parse(await readFile(join(this.appDir(name), 'peeros.json'), 'utf8')));
        // a generated command table lives in the module (runtime/app-commands.ts)
        if (Object.keys(manifest.commands).length === 0)
          manifest = withModuleCommands(manifest, await readFile(join(this.appDir(name), 'app.wasm')));
      } catch {
        continue;
      }
      const s: AppSummary = {
        name,
        version: record.version,
        publisher: manifest.publisher,
        identity: record.identity ?? `${UNVERIFIED_PREFIX}legacy`,
        verified: record.identity !== undefined && isVerifiedIdentity(record.identity),
        sha256: record.sha256,
        capabilities: Object.keys(record.grants),
        commands: Object.keys(manifest.commands),
        raisedLimits: raisedLimits(manifest.limits),
        installedAt: record.installedAt,
      };
      if (manifest.description !== undefined) s.description = manifest.description;
      out.push(s);
    }
    return out;
  }
}
