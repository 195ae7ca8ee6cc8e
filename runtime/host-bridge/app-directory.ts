/**
 * What the bridge's services need to know about an installed app, from its install record (not
 * from the app): identity (name, version, publisher, module hash), manifest (its DMCS) and the
 * grants the user gave. Reused for `APP_INFO_REUSE_MS`; a reinstall shows within that time.
 */
import { AppRegistry } from '../app-registry.js';
import type { Grants } from '../capabilities.js';

/** Reinstalls are rare; one registry read per second per app is plenty. */
export const APP_INFO_REUSE_MS = 1000;

export interface AppInfo {
  at: number;
  name: string;
  version: string;
  publisher: string;
  sha256: string;
  /** The installed app's identity (publisher key or `unverified:<install id>`); undefined for a legacy install. */
  identity?: string;
  manifest: { dmcs?: Record<string, unknown> };
  grants: Grants;
}

export class AppDirectory {
  readonly #registry: AppRegistry;
  readonly #apps = new Map<string, AppInfo>();

  constructor(home: string) {
    this.#registry = new AppRegistry(home);
  }

  async get(app: string): Promise<AppInfo> {
    const hit = this.#apps.get(app);
    if (hit && Date.now() - hit.at < APP_INFO_REUSE_MS) return hit;
    const installed = await this.#registry.load(app);
    const m = installed.manifest;
    const info: AppInfo = {
      at: Date.now(),
      name: m.name,
      version: m.version,
      publisher: m.publisher,
      sha256: installed.record.sha256,
      manifest: m as { dmcs?: Record<string, unknown> },
      grants: installed.record.grants,
      ...(installed.record.identity !== undefined ? { identity: installed.record.identity } : {}),
    };
    this.#apps.set(app, info);
    return info;
  }

  forget(app: string): void {
    this.#apps.delete(app);
  }
}
