/**
 * DMCS dispatch: one interface (`DmcsBackend`) over every DMCS, a registry of DMCSs by name and
 * chain id, and the dispatcher that routes each app by its manifest. See docs/hybrid.md.
 */
export { DmcsError, isUnreachable, isRejectedAs, type DmcsErrorCode, type AntelopeErrorDetail } from './dmcs-error.js';
export { pushFailureOf, pushMayHaveRun, type PushFailure } from './push-failure.js';
export type {
  DmcsBackend,
  ChainInfo,
  TableRowsQuery,
  TableRowsResult,
  PushTransactionBody,
  PushTransactionResult,
} from './dmcs-backend.js';
export { HttpBackend, normaliseEndpoint, type HttpBackendOptions } from './http-backend.js';
export {
  DmcsRegistry,
  REGISTRY_FILE,
  checkDmcsName,
  checkChainId,
  type DmcsEntry,
  type RegistryState,
  type AddOptions,
} from './dmcs-registry.js';
export { Dispatcher, ChainCheckedBackend, dmcsNameOf, type DmcsRoute, type DispatcherOptions } from './dispatcher.js';
export * as dispatchLimits from './limits.js';
