/**
 * The host implementation of every ISA interface, by WIT interface name. The linker takes each
 * granted import from here; a generated import with no implementation is a link error and a test
 * failure (the WIT and the host drifted apart).
 */
import type { InterfaceFactory } from './context.js';
import { createLog } from './log.js';
import { createClock } from './clock.js';
import { createRandom } from './random.js';
import { createStorage } from './storage.js';
import { createUal } from './ual.js';
import { createChain } from './chain.js';
import { createDmcs } from './dmcs.js';
import { createDiag } from './diag.js';
import { createFs } from './fs.js';
import { createStore } from './store.js';
import { createHost } from './host.js';
import { createUi } from './ui.js';

export const ISA_IMPLEMENTATIONS: Readonly<Record<string, InterfaceFactory>> = Object.freeze({
  log: createLog,
  clock: createClock,
  random: createRandom,
  storage: createStorage,
  ual: createUal,
  chain: createChain,
  dmcs: createDmcs,
  diag: createDiag,
  fs: createFs,
  store: createStore,
  host: createHost,
  ui: createUi,
});

export { IsaContext } from './context.js';
export type { IsaEnvironment, IsaBridge, LogSink, InterfaceImpl } from './context.js';
export { echoPayload } from './diag.js';
