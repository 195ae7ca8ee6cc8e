/**
 * The embedded DMCS: an Antelope-compatible node with a hypercore block log and the chain API.
 * `startNode({ dev, dataDir, http })` is the entry point; the rest is exported for tests,
 * benchmarks and tools. See docs/dmcs.md.
 */
export {
  startNode,
  EmbeddedNode,
  NodeClosedError,
  BLOCK_INTERVAL_MS,
  STALE_AFTER_MS,
  SNAPSHOT_EVERY_BLOCKS,
  STATE_STORE_DIR,
  type NodeOptions,
} from './node.js';
export { Chain, type PushResult } from './chain/chain.js';
export type { PushAcknowledgement } from './chain/push-acknowledgement.js';
export { MAX_TRANSACTION_LIFETIME_SEC } from '../abi/antelope/index.js';
export { ChainError, CHAIN_EXCEPTIONS, type ChainErrorName } from './chain-error.js';
export { DataFolderError, type DataFolderErrorCode } from './block/data-folder-error.js';
export { ChainApi } from './api/chain-api.js';
export { MAX_BODY_BYTES } from './api/http-server.js';
export { parseHostPort, type HttpEndpoint } from './endpoint.js';
export { DEV_PUBLIC_KEY, DEV_PRIVATE_KEY, chainIdOf, type Genesis } from './chain/genesis.js';
export {
  defaultKeyRecovery,
  nobleRecovery,
  nativeRecovery,
  loadNativeSecp256k1,
  recoverPublicKey,
  type KeyRecovery,
} from './keys/key-recovery.js';
export type { PackedTrx, SignedBlock } from './block.js';
export { MAX_AUTHORITY_DEPTH } from '../abi/antelope/index.js';
export { MAX_INLINE_ACTION_DEPTH } from './chain/transaction-executor.js';
