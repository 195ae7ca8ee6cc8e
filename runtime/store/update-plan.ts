/**
 * What `peeros app update` would do for each installed app, read from the dAppStore registry: a
 * newer release to install, or why there is none, by the install's own rule (release-replacement.ts). One app whose registry entry cannot be read (a
 * hostile or broken node's rows) is reported as such and the others are still planned.
 */
import { HostError } from '../errors.js';
import { chooseRelease } from './store-install.js';
import type { StoreRegistry } from './store-registry.js';
import { releaseReplacement, StoreVersionError } from './release-replacement.js';

export type UpdateStatus =
  /** The store has a newer release than the installed one, not yanked: `version`. */
  | { name: string; status: 'newer'; version: string }
  /** The newest live release is the installed one, or ranks below it. */
  | { name: string; status: 'current'; version: string }
  /** The newest live release (`version`) ranks the same as the installed one but is another release: the install would refuse it. */
  | { name: string; status: 'refused'; version: string; error: StoreVersionError }
  /** The store has no such app. */
  | { name: string; status: 'absent' }
  /** Every release of the app is yanked. */
  | { name: string; status: 'yanked' }
  /** The app's entry could not be read: the host's error. */
  | { name: string; status: 'unreadable'; error: HostError };

/**
 * Each installed app (`name`, installed `version` and `packageHash` from its install record) against
 * the registry, in the given order.
 */
export async function planUpdates(
  registry: Pick<StoreRegistry, 'app'>,
  installed: readonly { name: string; version: string; packageHash?: string | undefined }[],
): Promise<UpdateStatus[]> {
  const out: UpdateStatus[] = [];
  for (const { name, version, packageHash } of installed) {
    let entry: Awaited<ReturnType<StoreRegistry['app']>>;
    try {
      entry = await registry.app(name);
    } catch (err) {
      if (!(err instanceof HostError)) throw err;
      out.push({ name, status: 'unreadable', error: err });
      continue;
    }
    if (!entry) {
      out.push({ name, status: 'absent' });
      continue;
    }
    const live = entry.releases.some((r) => !r.yanked);
    if (!live) {
      out.push({ name, status: 'yanked' });
      continue;
    }
    const newest = chooseRelease(name, entry.releases, undefined);
    const replacement = releaseReplacement(newest, { version, packageHash });
    if (replacement === 'update') out.push({ name, status: 'newer', version: newest.version });
    else if (replacement === 'other-release')
      out.push({
        name,
        status: 'refused',
        version: newest.version,
        error: new StoreVersionError(name, newest.version, version, replacement),
      });
    else out.push({ name, status: 'current', version });
  }
  return out;
}
