/**
 * Test-only: the built dPay token contract (build/contracts/dpay) on the contract VM with a
 * `MemoryHost`. `push` encodes arguments with the contract's own emitted ABI, so tests also check
 * that the ABI and the contract's serializer agree.
 */
import { readFileSync } from 'node:fs';
import { Abi, AbiSerializer } from '../../../abi/antelope/index.js';
import { ContractVm } from '../../../dmcs/vm/contract-vm.js';
import type { ApplyResult } from '../../../dmcs/vm/contract-host.js';
import { MemoryHost, n } from './memory-host.js';

export const ROOT = new URL('../../../../', import.meta.url);
export const DPAY_WASM = new URL('build/contracts/dpay/dpay.wasm', ROOT);
export const DPAY_ABI = new URL('build/contracts/dpay/dpay.abi', ROOT);

export const symCode = (s: string): bigint => {
  let v = 0n;
  for (let i = s.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
};

export class TokenHarness {
  readonly wasm = new Uint8Array(readFileSync(DPAY_WASM));
  readonly abiJson = JSON.parse(readFileSync(DPAY_ABI, 'utf8'));
  readonly abi = AbiSerializer.for(Abi.from(this.abiJson));
  readonly vm = new ContractVm();
  readonly host: MemoryHost;
  readonly contract = n('dpay.token');

  constructor(accounts = ['alice', 'bob', 'carol', 'dpay.token']) {
    this.host = new MemoryHost(accounts);
  }

  /** Runs one action; `auth` entries are "actor" or "actor@permission". */
  push(action: string, data: Record<string, unknown>, auth: string[]): ApplyResult {
    const authorization = auth.map((a) => {
      const [actor, permission = 'active'] = a.split('@');
      return { actor: n(actor!), permission: n(permission) };
    });
    this.host.notified = [];
    return this.vm.apply(
      this.wasm,
      {
        receiver: this.contract,
        account: this.contract,
        name: n(action),
        data: this.abi.encodeAction(action, data),
        authorization,
      },
      this.host,
    );
  }

  /** Decoded rows of a table. */
  rows(table: 'accounts' | 'stat', scope: bigint): unknown[] {
    const type = table === 'accounts' ? 'account' : 'currency_stats';
    return (this.host.db.findTable(this.contract, scope, n(table))?.rows ?? []).map((r) => this.abi.decode(type, r.value));
  }

  balance(owner: string, sym = 'RSN'): string | undefined {
    const row = this.host.db.findTable(this.contract, n(owner), n('accounts'))?.find(symCode(sym));
    return row ? String((this.abi.decode('account', row.value) as { balance: unknown }).balance) : undefined;
  }
}
