/**
 * Contract execution benchmark: dPay token transfers (the built `build/contracts/dpay` wasm) per
 * second through our contract VM and through @proton/vert on the same wasm and ABI, in the same run.
 * - `contract-vm.transfer`: `ContractVm.apply` with an in-memory host, action data packed
 *   once (contract execution alone: instantiate, start, apply, intrinsics, table writes);
 * - `contract-vm.transfer+abi-encode`: the same plus packing the arguments with the ABI
 *   each time (closest to what vert's API does per call);
 * - `contract-vm.transfer.vert`: `token.actions.transfer(...).send()`, vert's own path (it packs
 *   the arguments, builds a transaction and re-instantiates the contract VM per transaction).
 * - `contract-vm.transfer/vert`: the ratio of the first and third, run by run. Target: ≥ 3.
 */
import { readFileSync, existsSync } from 'node:fs';
import vert from '@proton/vert';
import { Abi, AbiSerializer, Name } from '../abi/antelope/index.js';
import { ContractVm } from '../dmcs/vm/contract-vm.js';
import type { ContractAction, ContractDatabase, ContractHost, ContractTable, DbRow } from '../dmcs/vm/contract-host.js';
import { summarize, type BenchResult } from './result.js';

const ROOT = new URL('../../', import.meta.url);
const WASM = new URL('build/contracts/dpay/dpay.wasm', ROOT);
const ABI = new URL('build/contracts/dpay/dpay.abi', ROOT);

const n = (s: string): bigint => Name.from(s).value;

/** A minimal in-memory host: one sorted array per table. */
class BenchTable implements ContractTable {
  rows: DbRow[] = [];
  constructor(readonly code: bigint, readonly scope: bigint, readonly table: bigint, private readonly onEmpty: (t: BenchTable) => void) {}
  private lower(k: bigint): number {
    let lo = 0, hi = this.rows.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (this.rows[m]!.primary < k) lo = m + 1; else hi = m; }
    return lo;
  }
  find(k: bigint): DbRow | undefined { const r = this.rows[this.lower(k)]; return r && r.primary === k ? r : undefined; }
  lowerbound(k: bigint): DbRow | undefined { return this.rows[this.lower(k)]; }
  upperbound(k: bigint): DbRow | undefined { const i = this.lower(k); const r = this.rows[i]; return r && r.primary === k ? this.rows[i + 1] : r; }
  previous(k: bigint): DbRow | undefined { const i = this.lower(k); return i > 0 ? this.rows[i - 1] : undefined; }
  last(): DbRow | undefined { return this.rows[this.rows.length - 1]; }
  store(payer: bigint, primary: bigint, value: Uint8Array): DbRow { const r = { primary, payer, value }; this.rows.splice(this.lower(primary), 0, r); return r; }
  update(row: DbRow, payer: bigint, value: Uint8Array): DbRow { const r = { primary: row.primary, payer, value }; this.rows[this.lower(row.primary)] = r; return r; }
  remove(row: DbRow): void { this.rows.splice(this.lower(row.primary), 1); if (!this.rows.length) this.onEmpty(this); }
}

class BenchHost implements ContractHost {
  private tables = new Map<bigint, Map<bigint, Map<bigint, BenchTable>>>();
  readonly db: ContractDatabase = {
    findTable: (c, s, t) => this.tables.get(c)?.get(s)?.get(t),
    createTable: (c, s, t) => {
      const table = new BenchTable(c, s, t, (x) => this.tables.get(x.code)?.get(x.scope)?.delete(x.table));
      let scopes = this.tables.get(c); if (!scopes) this.tables.set(c, (scopes = new Map()));
      let names = scopes.get(s); if (!names) scopes.set(s, (names = new Map()));
      names.set(t, table);
      return table;
    },
  };
  isAccount(): boolean { return true; }
  requireRecipient(): void {}
  sendInline(): void {}
  currentTime(): bigint { return 0n; }
  publicationTime(): bigint { return 0n; }
  taposBlockNum(): number { return 0; }
  taposBlockPrefix(): number { return 0; }
  isPrivileged(): boolean { return false; }
  activeProducers(): readonly bigint[] { return []; }
}

function rate(samples: number[], iterations: number, seconds: number): void { samples.push(iterations / seconds); }

export async function benchContractVm(opts: { runs: number }): Promise<BenchResult[]> {
  if (!existsSync(WASM) || !existsSync(ABI)) throw new Error('contract-vm bench: build/contracts/dpay is missing; run `npm run build` first');
  const wasm = new Uint8Array(readFileSync(WASM));
  const abiJson = JSON.parse(readFileSync(ABI, 'utf8'));
  const abi = AbiSerializer.for(Abi.from(abiJson));
  const contract = n('dpay.token');

  // ours
  const vm = new ContractVm();
  const host = new BenchHost();
  const act = (name: string, data: Record<string, unknown>, actor: string): ContractAction => ({
    receiver: contract, account: contract, name: n(name), data: abi.encodeAction(name, data),
    authorization: [{ actor: n(actor), permission: n('active') }],
  });
  vm.apply(wasm, act('create', { issuer: 'alice', maximum_supply: '1000000000.0000 RSN' }, 'dpay.token'), host);
  vm.apply(wasm, act('issue', { to: 'alice', quantity: '1000000.0000 RSN', memo: '' }, 'alice'), host);
  vm.apply(wasm, act('transfer', { from: 'alice', to: 'bob', quantity: '1000.0000 RSN', memo: '' }, 'alice'), host);
  const ab = act('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 RSN', memo: 'bench' }, 'alice');
  const ba = act('transfer', { from: 'bob', to: 'alice', quantity: '0.0001 RSN', memo: 'bench' }, 'bob');
  const iterations = 2000;
  const ours: number[] = [];
  const oursEncode: number[] = [];
  const time = (fn: () => void): number => { const t0 = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t0) / 1e9; };
  for (let r = -1; r < opts.runs; r++) {
    const s = time(() => { for (let i = 0; i < iterations; i++) vm.apply(wasm, i & 1 ? ba : ab, host); });
    if (r >= 0) rate(ours, iterations, s);
    const s2 = time(() => {
      for (let i = 0; i < iterations; i++) {
        const odd = i & 1;
        vm.apply(wasm, { ...(odd ? ba : ab), data: abi.encodeAction('transfer', { from: odd ? 'bob' : 'alice', to: odd ? 'alice' : 'bob', quantity: '0.0001 RSN', memo: 'bench' }) }, host);
      }
    });
    if (r >= 0) rate(oursEncode, iterations, s2);
  }

  // vert
  const bc = new vert.Blockchain();
  bc.createAccounts('alice', 'bob');
  const token = bc.createAccount({ name: 'dpay.token', wasm, abi: abiJson, enableInline: true });
  await token.actions.create!({ issuer: 'alice', maximum_supply: '1000000000.0000 RSN' }).send('dpay.token@active');
  await token.actions.issue!({ to: 'alice', quantity: '1000000.0000 RSN', memo: '' }).send('alice@active');
  await token.actions.transfer!({ from: 'alice', to: 'bob', quantity: '1000.0000 RSN', memo: '' }).send('alice@active');
  const vertIterations = 200;
  const vertRates: number[] = [];
  for (let r = -1; r < opts.runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < vertIterations; i++) {
      const odd = i & 1;
      await token.actions.transfer!({ from: odd ? 'bob' : 'alice', to: odd ? 'alice' : 'bob', quantity: '0.0001 RSN', memo: 'bench' }).send(`${odd ? 'bob' : 'alice'}@active`);
    }
    if (r >= 0) rate(vertRates, vertIterations, Number(process.hrtime.bigint() - t0) / 1e9);
  }

  const results = [
    summarize('contract-vm.transfer', 'ops/s', ours),
    summarize('contract-vm.transfer+abi-encode', 'ops/s', oursEncode),
    summarize('contract-vm.transfer.vert', 'ops/s', vertRates),
  ];
  const ratio = ours.map((v, i) => v / vertRates[i]!);
  results.push(summarize('contract-vm.transfer/vert', 'x', ratio));
  return results;
}
