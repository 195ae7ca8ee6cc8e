/**
 * The host's state as an app with `host.read` sees it (the ISA's `host.state`): installed apps with
 * their granted capabilities (each as the host's own one-line description, the words the install
 * consent used), the configured DMCSs, the vault's status and the session's account. Read-only, and
 * nothing secret: no key, key name, key count or grant of the vault, no DMCS URL beyond its origin
 * (a URL may carry credentials in its user part or query), no install paths. Bounded: at most
 * MAX_STATE_APPS apps and MAX_STATE_DMCS DMCSs, `truncated` saying so.
 */
import { AppRegistry } from '../app-registry.js';
import { describeGrant } from '../capabilities.js';
import { DmcsRegistry } from '../dispatch/index.js';
import { readSession } from '../session/session-file.js';

/** Apps listed: a settings page shows a screenful or two; 256 keeps the answer far below the bridge's 1 MiB. */
export const MAX_STATE_APPS = 256;
/** DMCSs listed: a host talks to a handful. */
export const MAX_STATE_DMCS = 64;

export interface HostStateApp {
  name: string;
  version: string;
  identity: string;
  verified: boolean;
  capabilities: string[];
  /** One line per granted capability, as the install consent described it. */
  grants: string[];
}

export interface HostState {
  apps: HostStateApp[];
  dmcs: Array<{ name: string; origin: string; chainId: string; default: boolean }>;
  vault: { keystore: 'missing' | 'present' | 'corrupt'; unlocked: boolean };
  session: string | null;
  truncated: boolean;
}

/** `scheme://host:port` of a DMCS URL, without user, path or query; `(invalid)` when it does not parse. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid)';
  }
}

export async function readHostState(
  home: string,
  vaultStatus: () => Promise<{ keystore: 'missing' | 'present' | 'corrupt'; unlocked: boolean }>,
): Promise<HostState> {
  const registry = new AppRegistry(home);
  const summaries = await registry.list();
  const apps: HostStateApp[] = [];
  for (const a of summaries.slice(0, MAX_STATE_APPS)) {
    const record = await registry.record(a.name);
    const grants = record?.grants ?? {};
    apps.push({
      name: a.name,
      version: a.version,
      identity: a.identity,
      verified: a.verified,
      capabilities: Object.keys(grants),
      grants: Object.entries(grants).map(([name, scope]) => describeGrant(name, scope)),
    });
  }
  const state = await new DmcsRegistry(home).load();
  const dmcs = state.dmcs
    .slice(0, MAX_STATE_DMCS)
    .map((d) => ({ name: d.name, origin: urlOrigin(d.url), chainId: d.chainId, default: d.name === state.default }));
  const st = await vaultStatus();
  return {
    apps,
    dmcs,
    vault: { keystore: st.keystore, unlocked: st.unlocked },
    session: readSession(home)?.account ?? null,
    truncated: summaries.length > MAX_STATE_APPS || state.dmcs.length > MAX_STATE_DMCS,
  };
}
