/**
 * Installing one app package: the module must link against the capabilities its manifest requests
 * (an import of a capability it does not request fails here, naming both), the package's identity
 * is proven (a publisher key that signed it, or unverified), an app of another identity never takes
 * over an installed one (unless it is unverified and `replace` says so), a package replaces the
 * installed app only as an update or as the installed release itself (runtime/store/release-replacement.ts,
 * unless `anyVersion`), `grant` is asked, and only then is the install recorded. The one install path: `Host.install` (the CLI, tests) and an app's
 * install request (runtime/host-bridge/install-request.ts) both come here.
 */
import type { Grants } from './capabilities.js';
import { HostError } from './errors.js';
import { resolveLimits } from './limits.js';
import { readAppPackage, type AppPackage, type AppRegistry, type InstallRecord } from './app-registry.js';
import { inspectModule } from './sandbox/module-loader.js';
import { provePackage, identityForInstall, isVerifiedIdentity, type PackageProof } from './app-identity/app-identity.js';
import { SessionGrantStore } from './transaction-service/session-grants.js';
import { InstallVersionError, releaseReplacement, type ReleaseReplacement } from './store/release-replacement.js';
import { manifestChanges } from './store/store-install.js';

/** The installed app a package would replace: its version, what the package is to it, and what changes in capabilities and limits. */
export interface Replacing {
  installedVersion: string;
  replacement: ReleaseReplacement;
  changes: string[];
}

export interface InstallOptions {
  /**
   * Asked to grant the requested capabilities (name → scope); resolve true to grant all of them.
   * Without it nothing is granted and install fails with NOT_GRANTED.
   */
  grant?: (capabilities: Grants, pkg: AppPackage, proof: PackageProof, replacing?: Replacing) => boolean | Promise<boolean>;
  /**
   * Allow this package to take over an installed UNVERIFIED app of the same name (and its data and
   * grants). Never lets anything take over an app whose identity is a publisher key.
   */
  replace?: boolean;
  /**
   * Let this package replace the installed app whatever its version: an older one, or another
   * package of the same precedence (a developer's rebuild: `peeros app install --any-version`,
   * `peeros app dev`). Without it those are VERSION_REFUSED; with it `grant` hears which it is.
   */
  anyVersion?: boolean;
}

export interface InstallResult extends InstallRecord {
  identity: string;
  packageHash: string;
  /** True when the package's signature verified (identity is the publisher key). */
  verified: boolean;
  /** The identity that owned the name before (undefined: it was free). */
  previousIdentity?: string;
  /** True when the module's memory maximum was absent or too large and has been clamped. */
  memoryClamped: boolean;
}

/** Reads `source` (a folder, or a package already read and checked by runtime/package-archive) and installs it into `registry`. */
export async function installApp(
  home: string,
  registry: AppRegistry,
  source: string | AppPackage,
  opts: InstallOptions = {},
): Promise<InstallResult> {
  // a folder is read here; a package file arrives already read and checked (runtime/package-archive)
  const pkg = typeof source === 'string' ? await readAppPackage(source) : source;
  const m = pkg.manifest;
  const limits = resolveLimits(m.limits);
  const checked = inspectModule(pkg.wasm, m.name, m.capabilities, limits.memoryPages);
  const proof = await provePackage(pkg);
  const owner = await registry.ownerOf(m.name);
  const installed = await registry.record(m.name);
  // Reinstalling the very unsigned package that is installed hands nothing over: no --replace needed.
  const sameUnsigned =
    owner !== undefined &&
    proof.publicKey === undefined &&
    !isVerifiedIdentity(owner) &&
    installed?.identity === owner &&
    installed.packageHash === proof.packageHash;
  const identity = sameUnsigned ? owner : identityForInstall(m.name, proof, owner, opts.replace === true);
  const replacing = installed && (await replacingOf(registry, installed, pkg, proof.packageHash));
  if (replacing && !opts.anyVersion && (replacing.replacement === 'downgrade' || replacing.replacement === 'other-release'))
    throw new InstallVersionError(m.name, m.version, replacing.installedVersion, replacing.replacement);
  const granted = opts.grant ? await opts.grant(m.capabilities, pkg, proof, replacing) : false;
  if (!granted) {
    throw new HostError('NOT_GRANTED', `app '${m.name}' was not installed: the grant was declined (nothing was recorded)`, {
      app: m.name,
    });
  }
  // Grants belong to an identity: a new one starts with none (the vault's copy no longer matches).
  if (owner !== undefined && owner !== identity) await new SessionGrantStore(home).revoke(m.name);
  const record = await registry.install(pkg, m.capabilities, { identity, packageHash: proof.packageHash });
  return {
    ...record,
    identity,
    packageHash: proof.packageHash,
    verified: isVerifiedIdentity(identity),
    ...(owner !== undefined ? { previousIdentity: owner } : {}),
    memoryClamped: checked.clamped,
  };
}

async function replacingOf(registry: AppRegistry, installed: InstallRecord, pkg: AppPackage, packageHash: string): Promise<Replacing> {
  let changes: string[];
  try {
    changes = manifestChanges((await registry.load(installed.name)).manifest, pkg.manifest);
  } catch (err) {
    // a damaged install (its module no longer matches its record) must stay reinstallable
    if (!(err instanceof HostError)) throw err;
    changes = [`the installed app cannot be read (${err.code}): what changes is not known`];
  }
  return {
    installedVersion: installed.version,
    replacement: releaseReplacement({ version: pkg.manifest.version, packageHash }, installed),
    changes,
  };
}
