/**
 * What `peeros app update` would do for each installed app, read from the dAppStore registry: a
 * newer release to install, or why there is none. One app whose registry entry cannot be read (a
 * hostile or broken node's rows) is reported as such and the others are still planned.
 */
import { HostError } from '../errors.js';
import { chooseRelease } from './store-install.js';
import type { StoreRegistry } from './store-registry.js';
import { compareVersions } from './version-order.js';

export type UpdateStatus =
  /** The store has a newer release than the installed one, not yanked: `version`. */
  | { name: string; status: 'newer'; version: string }
  /** The newest live release ranks at or below the installed one. */
  | { name: string; status: 'current'; version: string }
  /** The store has no such app. */
  | { name: string; status: 'absent' }
  /** Every release of the app is yanked. */
  | { name: string; status: 'yanked' }
  /** The app's entry could not be read: the host's error. */
  | { name: string; status: 'unreadable'; error: HostError };

/** Each installed app (`name` and installed `version`) against the registry, in the given order. */
export async function planUpdates(
  registry: Pick<StoreRegistry, 'app'>,
  installed: readonly { name: string; version: string }[],
): Promise<UpdateStatus[]> {
  const out: UpdateStatus[] = [];
  for (const { name, version } of installed) {
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
    const newest = chooseRelease(name, entry.releases, undefined).version;
    out.push(compareVersions(newest, version) > 0 ? { name, status: 'newer', version: newest } : { name, status: 'current', version });
  }
  return out;
}
