/**
 * The `chain` ISA's reads in the main thread: through the hybrid API of the app's DMCS (cached by
 * head block, stale while offline), within the app's `chain.read` scope (tables of its contracts
 * only; info and accounts for any app holding chain.read). A stale answer carries `stale: true`
 * and `stale_at_block`.
 */
import { pack, boundaryPackr } from '../../abi/msgpack/codec.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import type { ChainReadScope } from '../capabilities.js';
import type { ChainCheckedBackend, Dispatcher, TableRowsQuery } from '../dispatch/index.js';
import type { HybridApi, HybridRead } from '../hybrid-cache/index.js';
import { BridgeError } from './bridge-error.js';
import type { AppInfo } from './app-directory.js';
import type { BridgeOp } from './bridge-protocol.js';

export async function readChain(
  info: AppInfo, op: Exclude<BridgeOp, 'dmcs.push'>, payload: Uint8Array,
  dispatcher: Dispatcher, hybridFor: (b: ChainCheckedBackend) => HybridApi,
): Promise<Uint8Array> {
  const scope = info.grants['chain.read'] as ChainReadScope | undefined;
  if (!scope) throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${info.name}' was not granted chain.read`);
  const hybrid = hybridFor(await dispatcher.backendFor(info.manifest));
  let read: HybridRead<unknown>;
  if (op === 'chain.get-info') read = await hybrid.getInfo();
  else if (op === 'chain.get-account') read = await hybrid.getAccount(new TextDecoder().decode(payload));
  else {
    const q = boundaryPackr.unpack(payload) as TableRowsQuery;
    if (!q || typeof q !== 'object' || typeof q.code !== 'string' || !scope.contracts.includes(q.code)) {
      throw new BridgeError(IsaErrorCode.CAPABILITY_DENIED, `app '${info.name}' may not read tables of ${JSON.stringify((q as { code?: unknown })?.code)}`);
    }
    read = await hybrid.getTableRows({ ...q, json: true });
  }
  const value = read.value as Record<string, unknown>;
  return pack(read.stale ? { ...value, stale: true, stale_at_block: read.atBlock } : value);
}
