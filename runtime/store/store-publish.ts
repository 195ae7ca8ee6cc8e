/**
 * Publishing a package file to the dAppStore: one `publish` action on the store contract with the
 * publisher account's `active` authority, signed in the vault (the user approves it there like any
 * transaction). The row records the package hash (docs/packages.md), the file's size, the
 * capabilities hash and the locations where hosts fetch it.
 */
import { Action } from '../../abi/antelope/index.js';
import type { Vault } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/index.js';
import type { AppPackage } from '../app-package.js';
import { hashPackage } from '../app-identity/app-identity.js';
import { submitUserTransaction } from '../transaction-service/index.js';
import { capabilitiesHash } from './capabilities-hash.js';

export interface PublishRequest {
  vault: Vault;
  backend: DmcsBackend;
  store: string;
  account: string;
  pkg: AppPackage;
  /** Size of the package file, in bytes. */
  size: number;
  locations: string[];
}

export async function publishRelease(r: PublishRequest): Promise<{ id: string; packageHash: string }> {
  const abi = (await r.backend.getAbi(r.store)).abi as Parameters<typeof Action.from>[1];
  const packageHash = Buffer.from(hashPackage(r.pkg)).toString('hex');
  const m = r.pkg.manifest;
  const action = Action.from(
    {
      account: r.store,
      name: 'publish',
      authorization: [{ actor: r.account, permission: 'active' }],
      data: {
        publisher: r.account,
        app: m.name,
        version: m.version,
        package_hash: packageHash,
        size: r.size,
        capabilities_hash: capabilitiesHash(m),
        locations: r.locations,
      },
    },
    abi,
  );
  const res = await submitUserTransaction({
    vault: r.vault,
    backend: r.backend,
    actions: [action],
    summary: [`publish ${m.name} ${m.version} to the store ${r.store} as ${r.account}`, `package hash ${packageHash}`],
  });
  return { id: res.id, packageHash };
}

/** Marks `app` `version` yanked in the store (the app's publisher's authority): hosts refuse to install it. */
export async function yankRelease(r: {
  vault: Vault;
  backend: DmcsBackend;
  store: string;
  account: string;
  app: string;
  version: string;
}): Promise<string> {
  const abi = (await r.backend.getAbi(r.store)).abi as Parameters<typeof Action.from>[1];
  const action = Action.from(
    {
      account: r.store,
      name: 'yank',
      authorization: [{ actor: r.account, permission: 'active' }],
      data: { publisher: r.account, app: r.app, version: r.version },
    },
    abi,
  );
  const res = await submitUserTransaction({
    vault: r.vault,
    backend: r.backend,
    actions: [action],
    summary: [`yank ${r.app} ${r.version} in the store ${r.store} as ${r.account}: hosts will refuse to install it`],
  });
  return res.id;
}
