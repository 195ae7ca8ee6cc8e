/**
 * Whether a release may replace the installed app: the one rule that `app install APP[@V]`,
 * an app's install request (both through store-install.ts), `app update`'s plan (update-plan.ts)
 * and every install of a package file or folder (runtime/app-install.ts: the CLI's, the console's)
 * follow. A file or folder install may be told to take any version (`peeros app install --any-version`,
 * which `peeros app dev` passes for the developer's own rebuilds); its consent then says what it replaces.
 *
 * - `update`: the release ranks above the installed version (semver precedence, version-order.ts).
 * - `reinstall`: it is the installed release itself (the same version text and package hash).
 * - `downgrade`: it ranks below: refused.
 * - `other-release`: it ranks the same but is another release, refused. Build metadata does not
 *   rank (semver §10), so `1.0.0+b` over `1.0.0+a` is neither newer nor older; its consent would show
 *   a version that says nothing moved while the code changed. The publisher must publish a higher
 *   version. The same version text with another package hash (not one registry's release, which
 *   is never replaced, but an app installed from a file) is another release too.
 *
 * An install record from before package hashes (no `packageHash`) is taken to be the release of the
 * same version text: there is nothing else to compare.
 */
import { HostError } from '../errors.js';
import { compareVersions } from './version-order.js';

export type ReleaseReplacement = 'update' | 'reinstall' | 'downgrade' | 'other-release';

/** What installing `release` over `installed` would be. */
export function releaseReplacement(
  release: { version: string; packageHash: string },
  installed: { version: string; packageHash?: string | undefined },
): ReleaseReplacement {
  const order = compareVersions(release.version, installed.version);
  if (order > 0) return 'update';
  if (order < 0) return 'downgrade';
  const sameHash = installed.packageHash === undefined || installed.packageHash.toLowerCase() === release.packageHash.toLowerCase();
  return release.version === installed.version && sameHash ? 'reinstall' : 'other-release';
}

/** A release refused by releaseReplacement (STORE_REFUSED), naming the release's and the installed version. */
export class StoreVersionError extends HostError {
  constructor(
    app: string,
    readonly version: string,
    readonly installedVersion: string,
    readonly replacement: 'downgrade' | 'other-release',
  ) {
    super(
      'STORE_REFUSED',
      replacement === 'downgrade'
        ? `${app} ${version} is older than the installed ${installedVersion}; downgrades are refused (remove the app first to go back)`
        : `${app} ${version} has the same precedence as the installed ${installedVersion} but is another release (build metadata does not order releases); it is refused: its publisher must publish a higher version`,
      { app },
    );
  }
}

/**
 * A package file or folder refused by releaseReplacement (VERSION_REFUSED): an older version than the
 * installed one (perhaps one with a known hole, signed by the same publisher), or another package of
 * the installed version's precedence (new code, new capabilities, under a version that says nothing moved).
 */
export class InstallVersionError extends HostError {
  constructor(
    app: string,
    readonly version: string,
    readonly installedVersion: string,
    readonly replacement: 'downgrade' | 'other-release',
  ) {
    super(
      'VERSION_REFUSED',
      replacement === 'downgrade'
        ? `${app} ${version} is older than the installed ${installedVersion}; downgrades are refused, nothing was installed (remove the app first to go back; a developer's own build: --any-version)`
        : `${app} ${version} has the same precedence as the installed ${installedVersion} but is another package (another hash); it is refused, nothing was installed (a new release needs a higher version; a developer's own rebuild: --any-version)`,
      { app },
    );
  }
}

/** Throws StoreVersionError unless `release` may replace `installed` (an update or a reinstall). */
export function checkReplacement(
  app: string,
  release: { version: string; packageHash: string },
  installed: { version: string; packageHash?: string | undefined },
): 'update' | 'reinstall' {
  const r = releaseReplacement(release, installed);
  if (r === 'downgrade' || r === 'other-release') throw new StoreVersionError(app, release.version, installed.version, r);
  return r;
}
