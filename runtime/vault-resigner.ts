/**
 * The one way the host re-signs an expired queued transaction through the vault (`peeros queue
 * resign` and the console's Re-sign): the keys that signed it sign afresh, and the request names
 * the installed app's identity, since the app's vault signing grant belongs to that identity (the
 * user's own entries, and an app no longer installed, name none). It sits at the top of runtime/
 * because it joins the app registry, the offline queue and the vault.
 */
import { USER_APP, type Vault } from '../skv/index.js';
import { AppRegistry } from './app-registry.js';
import type { ChainCheckedBackend } from './dispatch/index.js';
import { createResigner, type QueueEntry, type ResignCallback } from './offline-queue/index.js';

export async function vaultResigner(o: {
  home: string;
  vault: Vault;
  backend: ChainCheckedBackend;
  entry: QueueEntry;
}): Promise<ResignCallback> {
  const { entry, vault } = o;
  const identity = entry.app === USER_APP ? undefined : (await new AppRegistry(o.home).record(entry.app))?.identity;
  return createResigner({
    chainId: o.backend.chainId,
    backend: o.backend,
    signer: {
      sign: async (s) => {
        const r = await vault.sign({
          chainId: s.chainId,
          transaction: s.transaction,
          keys: s.keys,
          app: s.app,
          ...(identity !== undefined ? { identity } : {}),
          ...(s.contextFreeData ? { contextFreeData: s.contextFreeData } : {}),
        });
        return { signatures: r.signatures };
      },
    },
  });
}
