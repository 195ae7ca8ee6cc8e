/**
 * Producer and privileged intrinsics (Leap's producer.cpp, privileged.cpp): the active producers
 * for anyone; blockchain parameters and proposed producers only for a privileged receiver, and
 * only where the host implements them (`unaccessible_api` otherwise).
 */
import { ContractError } from '../contract-error.js';
import type { ApplyContext } from '../apply-context.js';
import { nameOf, u64, type CurrentContext, type Intrinsics } from './context.js';

function requirePrivileged(c: ApplyContext, fn: string): void {
  if (!c.host.isPrivileged(c.action.receiver)) {
    throw new ContractError('unaccessible_api', `${nameOf(c.action.receiver)} does not have permission to call this API (${fn})`);
  }
}

export function privilegedIntrinsics(cx: CurrentContext): Intrinsics {
  return {
    get_active_producers(ptr: number, len: number): number {
      const c = cx();
      const producers = c.host.activeProducers();
      const size = producers.length * 8;
      if (len === 0) return size;
      const n = Math.min(len >>> 0, size);
      const bytes = new Uint8Array(size);
      const dv = new DataView(bytes.buffer);
      producers.forEach((p, i) => dv.setBigUint64(i * 8, p, true));
      c.mem.write(ptr, bytes.subarray(0, n), 'get_active_producers buffer');
      return n;
    },
    is_privileged(name: bigint): number {
      return cx().host.isPrivileged(u64(name)) ? 1 : 0;
    },
    set_blockchain_parameters_packed(ptr: number, len: number): void {
      const c = cx();
      requirePrivileged(c, 'set_blockchain_parameters_packed');
      if (!c.host.setBlockchainParameters)
        throw new ContractError('unaccessible_api', 'set_blockchain_parameters_packed is not supported by this node');
      c.host.setBlockchainParameters(c.mem.read(ptr, len, 'set_blockchain_parameters_packed data'));
    },
    get_blockchain_parameters_packed(ptr: number, len: number): number {
      const c = cx();
      requirePrivileged(c, 'get_blockchain_parameters_packed');
      if (!c.host.getBlockchainParameters)
        throw new ContractError('unaccessible_api', 'get_blockchain_parameters_packed is not supported by this node');
      const packed = c.host.getBlockchainParameters();
      if (len === 0) return packed.length;
      if (packed.length > len >>> 0) return 0;
      c.mem.write(ptr, packed, 'get_blockchain_parameters_packed buffer');
      return packed.length;
    },
    set_proposed_producers(ptr: number, len: number): bigint {
      const c = cx();
      requirePrivileged(c, 'set_proposed_producers');
      if (!c.host.setProposedProducers) throw new ContractError('unaccessible_api', 'set_proposed_producers is not supported by this node');
      return c.host.setProposedProducers(c.mem.read(ptr, len, 'set_proposed_producers data'));
    },
  };
}
