/**
 * Producer and privileged intrinsics (Leap's producer.cpp, privileged.cpp): the active producers
 * for anyone; everything else only for a privileged receiver (Leap's `privileged_check`, including
 * `is_privileged` itself), and only where the host implements it (`unaccessible_api` otherwise):
 * blockchain parameters, proposed producers, `set_privileged`, resource limits and
 * `preactivate_feature`.
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
      const c = cx();
      requirePrivileged(c, 'is_privileged');
      if (!c.host.isAccount(u64(name)))
        throw new ContractError('action_validate_exception', `account '${nameOf(u64(name))}' does not exist`);
      return c.host.isPrivileged(u64(name)) ? 1 : 0;
    },
    set_privileged(name: bigint, privileged: number): void {
      const c = cx();
      requirePrivileged(c, 'set_privileged');
      if (!c.host.setPrivileged) throw new ContractError('unaccessible_api', 'set_privileged is not supported by this node');
      c.host.setPrivileged(u64(name), privileged !== 0);
    },
    set_resource_limits(name: bigint, ram: bigint, net: bigint, cpu: bigint): void {
      const c = cx();
      requirePrivileged(c, 'set_resource_limits');
      if (!c.host.setResourceLimits) throw new ContractError('unaccessible_api', 'set_resource_limits is not supported by this node');
      if (ram < -1n) throw new ContractError('wasm_execution_error', 'invalid value for ram resource limit expected [-1,INT64_MAX]');
      if (net < -1n) throw new ContractError('wasm_execution_error', 'invalid value for net resource weight expected [-1,INT64_MAX]');
      if (cpu < -1n) throw new ContractError('wasm_execution_error', 'invalid value for cpu resource weight expected [-1,INT64_MAX]');
      c.host.setResourceLimits(u64(name), ram, net, cpu);
    },
    get_resource_limits(name: bigint, ramPtr: number, netPtr: number, cpuPtr: number): void {
      const c = cx();
      requirePrivileged(c, 'get_resource_limits');
      if (!c.host.resourceLimits) throw new ContractError('unaccessible_api', 'get_resource_limits is not supported by this node');
      const [ram, net, cpu] = c.host.resourceLimits(u64(name));
      c.mem.writeU64(ramPtr, BigInt.asUintN(64, ram), 'get_resource_limits ram_bytes');
      c.mem.writeU64(netPtr, BigInt.asUintN(64, net), 'get_resource_limits net_weight');
      c.mem.writeU64(cpuPtr, BigInt.asUintN(64, cpu), 'get_resource_limits cpu_weight');
    },
    preactivate_feature(digestPtr: number): void {
      const c = cx();
      requirePrivileged(c, 'preactivate_feature');
      if (!c.host.preactivateFeature) throw new ContractError('unaccessible_api', 'preactivate_feature is not supported by this node');
      c.host.preactivateFeature(c.mem.read(digestPtr, 32, 'preactivate_feature digest'));
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
    set_proposed_producers_ex(format: bigint, ptr: number, len: number): bigint {
      const c = cx();
      requirePrivileged(c, 'set_proposed_producers_ex');
      const f = u64(format);
      if (f === 0n) {
        if (!c.host.setProposedProducers)
          throw new ContractError('unaccessible_api', 'set_proposed_producers is not supported by this node');
        return c.host.setProposedProducers(c.mem.read(ptr, len, 'set_proposed_producers_ex data'));
      }
      if (f !== 1n) throw new ContractError('wasm_execution_error', 'Producer schedule is in an unknown format!');
      if (!c.host.setProposedProducerAuthorities)
        throw new ContractError('unaccessible_api', 'set_proposed_producers_ex is not supported by this node');
      return c.host.setProposedProducerAuthorities(c.mem.read(ptr, len, 'set_proposed_producers_ex data'));
    },
  };
}
