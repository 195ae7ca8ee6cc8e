/**
 * An app's request to install a dAppStore release (the ISA's `store.request-install`), served in the
 * main thread. The app names `{app, version}` and nothing else; the host
 *   1. looks the release up in the registry contract of its default DMCS and fetches and checks the
 *      package exactly as `peeros app install APP@VERSION` does (runtime/store/store-install.ts:
 *      yanked, downgrades, another release of the installed precedence, hash, capabilities hash,
 *      name and version refused);
 *   2. shows its own install consent (runtime/store/install-consent.ts, saying which app asked and
 *      what changes against the installed version, and warning when the DMCS's view may be stale:
 *      runtime/store/stale-view.ts, the CLI's rule) through the host's install dialog, and installs
 *      through the one install path (app-install.ts: link check, identity, signature) only on a yes. Never `replace`: a request cannot take over an unverified app.
 * No dialog (a host with nobody to ask): `unavailable`, nothing fetched. The app hears the outcome
 * as `{status: installed|declined|refused, app, version?, reason?}`.
 */
import { IsaErrorCode } from '../abi/boundary-errors.js';
import { AppRegistry } from './app-registry.js';
import { installApp, type InstallResult } from './app-install.js';
import { HostError } from './errors.js';
import { APP_NAME, VERSION } from './manifest.js';
import { installConsentLines } from './store/install-consent.js';
import { resolveStoreInstall, StoreFetchError } from './store/store-install.js';
import { staleWarning } from './store/stale-view.js';
import { DEFAULT_STORE_ACCOUNT, StoreRegistry } from './store/store-registry.js';
import type { DmcsBackend } from './dispatch/index.js';
import { BridgeError } from './host-bridge/bridge-error.js';
import { decodeGuestPayload } from './host-bridge/guest-payload.js';

/** A refusal's reason as the app receives it: a sentence or two, never a whole error chain. */
export const MAX_INSTALL_REASON_CHARS = 500;

/** What the install dialog is shown: the host's consent lines (app text already escaped), and who asked. */
export interface InstallDialogRequest {
  requestedBy: string;
  app: string;
  version: string;
  lines: string[];
  /**
   * Set when the DMCS the release was read from looks stale (runtime/store/stale-view.ts, the rule
   * `peeros app install APP` warns with): a yank or a newer release may be missing. The dialog shows it.
   */
  stale?: string;
}

/** Asks the user; resolves true only on an explicit yes (the terminal in the CLI, the console's dialog later). */
export type InstallDialog = (request: InstallDialogRequest) => Promise<boolean>;

export interface InstallAnswer {
  status: 'installed' | 'declined' | 'refused';
  app: string;
  version?: string;
  reason?: string;
}

/** A refusal's message as the app's `reason`: at most MAX_INSTALL_REASON_CHARS, an ellipsis when cut. */
export function refusalReason(message: string): string {
  return message.length > MAX_INSTALL_REASON_CHARS ? `${message.slice(0, MAX_INSTALL_REASON_CHARS - 1)}…` : message;
}

/** Decodes and re-checks the app's `{app, version}` (the worker checked them already; this side trusts nothing). */
export function parseInstallRequest(payload: Uint8Array): { app: string; version: string } {
  const v = decodeGuestPayload(payload, 'store.request-install') as { app?: unknown; version?: unknown } | null;
  const app = v?.app;
  const version = v?.version;
  if (typeof app !== 'string' || !APP_NAME.test(app) || typeof version !== 'string' || (version !== '' && !VERSION.test(version)))
    throw new BridgeError(IsaErrorCode.INVALID_ARGUMENT, 'store.request-install: expected an app name and a version (or "")');
  return { app, version };
}

export async function serveInstallRequest(o: {
  home: string;
  requestedBy: string;
  payload: Uint8Array;
  /** The default DMCS, whose registry contract `store` is read. */
  backend: () => Promise<Pick<DmcsBackend, 'getTableRows' | 'getInfo'> & { entry?: { url: string } }>;
  /** The store contract account (default DEFAULT_STORE_ACCOUNT). */
  store?: string | undefined;
  dialog: InstallDialog | undefined;
  /** The host's clock for the stale-view rule (default Date.now; a test runs it ahead, as if the DMCS had stopped). */
  now?: () => number;
}): Promise<{ answer: InstallAnswer; installed?: InstallResult }> {
  const { app, version } = parseInstallRequest(o.payload);
  if (!o.dialog)
    throw new BridgeError(IsaErrorCode.UNAVAILABLE, 'this host has no install dialog to ask the user: an app cannot install apps here');
  const registry = new AppRegistry(o.home);
  const current = (await registry.record(app)) ? await registry.load(app) : undefined;
  const before = current?.manifest;
  const backend = await o.backend();
  const store = new StoreRegistry(backend, o.store ?? DEFAULT_STORE_ACCOUNT, backend.entry?.url);
  // read before the registry, as `peeros app install APP` does: the view the consent is drawn from
  const stale = staleWarning((await backend.getInfo()).head_block_time, (o.now ?? Date.now)());
  let resolved: Awaited<ReturnType<typeof resolveStoreInstall>>;
  try {
    resolved = await resolveStoreInstall(
      store,
      version ? `${app}@${version}` : app,
      current && { manifest: current.manifest, packageHash: current.record.packageHash },
    );
  } catch (err) {
    // the app hears the registry's refusals, not what the publisher's locations answered
    if (err instanceof HostError)
      return { answer: { status: 'refused', app, reason: refusalReason(err instanceof StoreFetchError ? err.summary : err.message) } };
    throw err;
  }
  const dialog = o.dialog;
  const chosen = resolved.release.version;
  try {
    const installed = await installApp(o.home, registry, resolved.pkg, {
      grant: (_caps, pkg, proof) =>
        dialog({
          requestedBy: o.requestedBy,
          app,
          version: chosen,
          ...(stale ? { stale } : {}),
          lines: installConsentLines(pkg, proof, {
            requestedBy: o.requestedBy,
            store: store.store,
            publisher: resolved.publisher,
            ...(before ? { installedVersion: before.version } : {}),
            changes: resolved.changes,
          }),
        }),
    });
    return { answer: { status: 'installed', app, version: installed.version }, installed };
  } catch (err) {
    if (err instanceof HostError && err.code === 'NOT_GRANTED') return { answer: { status: 'declined', app, version: chosen } };
    if (err instanceof HostError) return { answer: { status: 'refused', app, version: chosen, reason: refusalReason(err.message) } };
    throw err;
  }
}
