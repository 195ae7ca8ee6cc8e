/**
 * Installing `APP[@VERSION]` from the dAppStore: picks the release in the registry, refuses what
 * must not be installed (an unknown app or version, a yanked release, a downgrade or another release
 * of the installed version's precedence: release-replacement.ts), fetches the package from the
 * release's locations, and accepts it only when it hashes to the row's `package_hash` and its capabilities to the row's `capabilities_hash` (and names that app and
 * version). Which locations are followed depends on where the store is (location-policy.ts). The result is an AppPackage for the usual install path (consent, identity, signature),
 * with what changed in capabilities and limits since the installed version.
 */
import type { AppPackage } from '../app-package.js';
import type { Manifest } from '../manifest.js';
import { HostError } from '../errors.js';
import { hashPackage } from '../app-identity/app-identity.js';
import { unpackPackage } from '../package-archive/package-file.js';
import type { StoreRegistry, StoreRelease } from './store-registry.js';
import { compareVersions } from './version-order.js';
import { checkReplacement } from './release-replacement.js';
import { capabilitiesHash } from './capabilities-hash.js';
import { fetchPackage } from './package-fetch.js';

export interface StoreInstall {
  pkg: AppPackage;
  release: StoreRelease;
  publisher: string;
  /** Lines saying what the release changes against the installed version (empty for a first install). */
  changes: string[];
}

/** `notes` or `notes@1.2.0`. */
export function parseAppRef(ref: string): { app: string; version?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { app: ref } : { app: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** The release to install: `version` exactly, else the highest version not yanked. */
export function chooseRelease(app: string, releases: StoreRelease[], version: string | undefined): StoreRelease {
  if (version !== undefined) {
    const r = releases.find((x) => x.version === version);
    if (!r) throw new HostError('STORE_REFUSED', `the store has no version ${version} of ${app} (see 'peeros store show ${app}')`, { app });
    if (r.yanked) throw new HostError('STORE_REFUSED', `${app} ${version} was yanked by its publisher; it is not installed`, { app });
    return r;
  }
  const live = releases.filter((r) => !r.yanked).sort((a, b) => compareVersions(b.version, a.version));
  if (!live[0]) throw new HostError('STORE_REFUSED', `every release of ${app} in the store is yanked`, { app });
  return live[0];
}

/** What changes in capabilities and limits from `from` (installed) to `to`. */
export function manifestChanges(from: Manifest, to: Manifest): string[] {
  const out: string[] = [];
  const a = from.capabilities as Record<string, unknown>;
  const b = to.capabilities as Record<string, unknown>;
  for (const k of Object.keys(b).sort())
    if (!(k in a)) out.push(`new capability ${k}`);
    else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`capability ${k}: scope changed`);
  for (const k of Object.keys(a).sort()) if (!(k in b)) out.push(`capability ${k} no longer requested`);
  const la = (from.limits ?? {}) as Record<string, number>;
  const lb = (to.limits ?? {}) as Record<string, number>;
  for (const k of [...new Set([...Object.keys(la), ...Object.keys(lb)])].sort())
    if (la[k] !== lb[k]) out.push(`limit ${k}: ${la[k] ?? 'default'} → ${lb[k] ?? 'default'}`);
  return out;
}

/** The installed app a store release would replace: its manifest and package hash (absent on a record from before package hashes). */
export interface InstalledRelease {
  manifest: Manifest;
  packageHash: string | undefined;
}

export async function resolveStoreInstall(
  registry: StoreRegistry,
  ref: string,
  installed: InstalledRelease | undefined,
): Promise<StoreInstall> {
  const { app, version } = parseAppRef(ref);
  const entry = await registry.app(app);
  if (!entry) throw new HostError('STORE_REFUSED', `the store on ${registry.store} has no app '${app}' (see 'peeros store list')`, { app });
  const release = chooseRelease(app, entry.releases, version);
  if (installed) checkReplacement(app, release, { version: installed.manifest.version, packageHash: installed.packageHash });
  const failures: string[] = [];
  for (const location of release.locations) {
    try {
      const bytes = await fetchPackage(location, release.size, { localLocations: registry.localLocations });
      const pkg = unpackPackage(bytes, location);
      const hash = Buffer.from(hashPackage(pkg)).toString('hex');
      if (hash !== release.packageHash)
        throw new HostError(
          'PACKAGE_INVALID',
          `${location} hashes to ${hash.slice(0, 16)}…, the registry says ${release.packageHash.slice(0, 16)}…`,
        );
      if (pkg.manifest.name !== app || pkg.manifest.version !== release.version)
        throw new HostError(
          'PACKAGE_INVALID',
          `${location} is ${pkg.manifest.name} ${pkg.manifest.version}, not ${app} ${release.version}`,
        );
      if (capabilitiesHash(pkg.manifest) !== release.capabilitiesHash)
        throw new HostError('PACKAGE_INVALID', `${location}: its capabilities do not match the registry's capabilities_hash`);
      return { pkg, release, publisher: entry.app.publisher, changes: installed ? manifestChanges(installed.manifest, pkg.manifest) : [] };
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      failures.push(err.message);
    }
  }
  throw new StoreFetchError(app, release.version, failures);
}

/**
 * No location gave the package. The message names each location and why (for the person who
 * installs); `summary` names none, for an app that asked for the install: what a publisher's
 * locations answered (a local file's size, an internal server's status) is not the app's to hear.
 */
export class StoreFetchError extends HostError {
  readonly summary: string;

  constructor(app: string, version: string, failures: string[]) {
    super(
      'PACKAGE_INVALID',
      `no location of ${app} ${version} gave the package the registry describes; nothing was installed: ${failures.join('; ')}`,
      { app },
    );
    this.summary = `no location of ${app} ${version} gave the package the registry describes; nothing was installed`;
  }
}
