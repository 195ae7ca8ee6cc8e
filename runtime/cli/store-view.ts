/**
 * The dAppStore as the CLI reads it: the DMCS (--dmcs NAME, else the default) and the store
 * account (--store ACCOUNT, else `dappstore`), no vault — reading the registry needs no key. Warns
 * on stderr when the node's head block is old (runtime/store/stale-view.ts): its view of the
 * registry (a yank, a newer release) may be behind.
 */
import type { CliIO } from './command.js';
import { peerosHome } from '../../lib/home.js';
import { Dispatcher, DmcsRegistry, type ChainCheckedBackend } from '../dispatch/index.js';
import { DEFAULT_STORE_ACCOUNT, StoreRegistry } from '../store/store-registry.js';
import type { CliFlags } from './vault-unlock.js';
import { staleWarning } from '../store/stale-view.js';

export async function withStore<T>(
  io: CliIO,
  flags: CliFlags,
  fn: (s: { registry: StoreRegistry; backend: ChainCheckedBackend; home: string }) => Promise<T>,
): Promise<T> {
  const home = peerosHome(io.env);
  const dispatcher = new Dispatcher(new DmcsRegistry(home));
  try {
    const backend = await dispatcher.backendFor(typeof flags.dmcs === 'string' ? { dmcs: flags.dmcs } : null);
    const stale = staleWarning((await backend.getInfo()).head_block_time, Date.now());
    if (stale) io.err(`peeros: warning: ${stale}`);
    const registry = new StoreRegistry(backend, typeof flags.store === 'string' ? flags.store : DEFAULT_STORE_ACCOUNT, backend.entry.url);
    return await fn({ registry, backend, home });
  } finally {
    await dispatcher.close();
  }
}
