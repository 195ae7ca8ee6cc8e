/**
 * What `peeros app install X` installs from: a `.peeros` package file (read and checked whole by
 * runtime/package-archive before the install path sees it), `APP[@VERSION]` from the dAppStore
 * (runtime/store: registry row, fetch, hash check; when no folder of that name exists here), or an
 * app folder (read by the host).
 */
import { existsSync } from 'node:fs';
import type { CliIO } from '../command.js';
import type { CliFlags } from '../vault-unlock.js';
import type { AppPackage } from '../../app-package.js';
import { AppRegistry } from '../../app-registry.js';
import { HostError } from '../../errors.js';
import { APP_NAME, VERSION } from '../../manifest.js';
import { PACKAGE_EXTENSION, readPackageFile } from '../../package-archive/package-file.js';
import { parseAppRef, resolveStoreInstall } from '../../store/store-install.js';
import { withStore } from '../store-view.js';
import { describePublisherKey } from '../../store/publisher-key.js';
import { provePackage } from '../../app-identity/app-identity.js';
import { terminalText } from '../../../lib/terminal-text.js';

/** `notes` or `notes@1.2.0`: a store reference when no file or folder of that name exists. */
export function isStoreRef(arg: string): boolean {
  const { app, version } = parseAppRef(arg);
  return APP_NAME.test(app) && (version === undefined || VERSION.test(version)) && !existsSync(arg);
}

export async function installSource(arg: string, io: CliIO, flags: CliFlags): Promise<string | AppPackage> {
  if (arg.endsWith(PACKAGE_EXTENSION)) return readPackageFile(arg);
  if (!isStoreRef(arg)) return arg;
  try {
    return await fromStore(arg, io, flags);
  } catch (err) {
    if (err instanceof HostError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new HostError(
      'STORE_REFUSED',
      `'${arg}' is no folder or .peeros file here, so it was looked up in the dAppStore, which failed: ${msg}`,
    );
  }
}

async function fromStore(arg: string, io: CliIO, flags: CliFlags): Promise<AppPackage> {
  const show = (line: string) => (flags.json ? io.err(line) : io.out(line));
  return withStore(io, flags, async ({ registry, home, backend }) => {
    const { app } = parseAppRef(arg);
    const current = (await new AppRegistry(home).record(app)) ? await new AppRegistry(home).load(app) : undefined;
    const installed = current?.manifest;
    const r = await resolveStoreInstall(registry, arg, current && { manifest: current.manifest, packageHash: current.record.packageHash });
    show(
      `peeros: from the store ${registry.store}: ${app} ${terminalText(r.release.version)} published by ${r.publisher}, package hash ${r.release.packageHash} (matches)`,
    );
    show(`peeros: ${terminalText(await describePublisherKey(backend, r.publisher, (await provePackage(r.pkg)).publicKey))}`);
    if (installed) {
      show(`peeros: installed now: ${terminalText(installed.version)}`);
      if (r.changes.length) for (const c of r.changes) show(`peeros:   ${terminalText(c)}`);
      else show('peeros:   no change in capabilities or limits');
    }
    return r.pkg;
  });
}
