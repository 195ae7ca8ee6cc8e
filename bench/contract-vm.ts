/**
 * Contract execution benchmark: dPay token transfers (the built `build/contracts/dpay` wasm) per
 * second through our node and contract VM and through @proton/vert on the same wasm and ABI. Each
 * run measures every figure back to back, so the ratios are taken run by run in the same seconds.
 *
 * Like for like (the headline):
 * - `contract-vm.transfer.node-path`: our node's own transaction path minus key recovery, per
 *   transfer: ABI-encode the arguments, build the Transaction (TaPoS from the head block,
 *   expiration), serialize it, and push it with `node.pushPacked` into a real dev node started in
 *   this process (`startNode`, block log in a temp folder): decode, input checks (TaPoS,
 *   expiration, duplicate id, accounts and permissions), signing digest, authority check against
 *   the signer's key set, execution with notifications, RAM accounting and the undo session,
 *   receipt into the pending block and the accepted-transaction journal append (its fdatasync is
 *   not waited for); a block is sealed and appended to the log every 500 transfers. "Minus key
 *   recovery": Vert checks no signatures, so the node's `KeyRecovery` is replaced by one that,
 *   for the signer's signature (made once and recovered once with the real math at setup, and
 *   checked to be the dev key every account here has), returns that key without EC math; any
 *   other signature still goes through real recovery. Nothing else is skipped.
 * - `contract-vm.transfer.vert`: `token.actions.transfer(...).send()`, vert's own path (ABI
 *   packing, transaction building, authorization, notifications, RAM, a new contract instance per
 *   transaction), same arguments and memos as ours.
 * - `contract-vm.transfer.node-path/vert`: the ratio of those two, run by run (target ≥ 3).
 *
 * VM only, NOT like for like (what our VM costs alone; Vert's figure does far more work):
 * - `contract-vm.transfer.vm-only`: `ContractVm.apply` with an in-memory host (no notifications,
 *   RAM accounting, undo or account checks), a pooled instance reset from a snapshot, action data
 *   packed once;
 * - `contract-vm.transfer.vm-only+abi-encode`: the same plus packing the arguments each time;
 * - `contract-vm.transfer.vm-only/vert`: the VM-only figure over Vert's full send, run by run.
 */
import { readFileSync, existsSync, rmSync } from 'node:fs';
import vert from '@proton/vert';
import {
  Abi,
  AbiSerializer,
  Action,
  Name,
  PrivateKey,
  type Signature,
  Transaction,
  TimePointSec,
  KeyType,
  bytesEqual,
  sha256,
  keyIdOf,
} from '../abi/antelope/index.js';
import { DEV_PRIVATE_KEY, type KeyRecovery, defaultKeyRecovery } from '../dmcs/index.js';
import { refBlockPrefix, type PackedTrx } from '../dmcs/block.js';
import { tokenNode } from './dmcs.js';
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
  constructor(
    readonly code: bigint,
    readonly scope: bigint,
    readonly table: bigint,
    private readonly onEmpty: (t: BenchTable) => void,
  ) {}
  private lower(k: bigint): number {
    let lo = 0,
      hi = this.rows.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.rows[m]!.primary < k) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  find(k: bigint): DbRow | undefined {
    const r = this.rows[this.lower(k)];
    return r && r.primary === k ? r : undefined;
  }
  lowerbound(k: bigint): DbRow | undefined {
    return this.rows[this.lower(k)];
  }
  upperbound(k: bigint): DbRow | undefined {
    const i = this.lower(k);
    const r = this.rows[i];
    return r && r.primary === k ? this.rows[i + 1] : r;
  }
  previous(k: bigint): DbRow | undefined {
    const i = this.lower(k);
    return i > 0 ? this.rows[i - 1] : undefined;
  }
  last(): DbRow | undefined {
    return this.rows[this.rows.length - 1];
  }
  store(payer: bigint, primary: bigint, value: Uint8Array): DbRow {
    const r = { primary, payer, value };
    this.rows.splice(this.lower(primary), 0, r);
    return r;
  }
  update(row: DbRow, payer: bigint, value: Uint8Array): DbRow {
    const r = { primary: row.primary, payer, value };
    this.rows[this.lower(row.primary)] = r;
    return r;
  }
  remove(row: DbRow): void {
    this.rows.splice(this.lower(row.primary), 1);
    if (!this.rows.length) this.onEmpty(this);
  }
}

class BenchHost implements ContractHost {
  private tables = new Map<bigint, Map<bigint, Map<bigint, BenchTable>>>();
  readonly db: ContractDatabase = {
    findTable: (c, s, t) => this.tables.get(c)?.get(s)?.get(t),
    createTable: (c, s, t) => {
      const table = new BenchTable(c, s, t, (x) => this.tables.get(x.code)?.get(x.scope)?.delete(x.table));
      let scopes = this.tables.get(c);
      if (!scopes) this.tables.set(c, (scopes = new Map()));
      let names = scopes.get(s);
      if (!names) scopes.set(s, (names = new Map()));
      names.set(t, table);
      return table;
    },
  };
  isAccount(): boolean {
    return true;
  }
  requireRecipient(): void {}
  sendInline(): void {}
  currentTime(): bigint {
    return 0n;
  }
  publicationTime(): bigint {
    return 0n;
  }
  taposBlockNum(): number {
    return 0;
  }
  taposBlockPrefix(): number {
    return 0;
  }
  isPrivileged(): boolean {
    return false;
  }
  activeProducers(): readonly bigint[] {
    return [];
  }
}

/**
 * The node's key recovery minus the math: `signature` (the signer's, over `digest`) is recovered
 * once here with the real implementation and must give `signer`'s key; afterwards that signature
 * yields that key at the cost of a 65-byte compare. Any other signature is recovered for real.
 */
function suppliedKeyRecovery(signer: PrivateKey): { recovery: KeyRecovery; signature: Signature } {
  const real = defaultKeyRecovery();
  const digest = sha256(new TextEncoder().encode('peeros bench: the signer supplies its key'));
  const signature = signer.sign(digest);
  const keyId = real.recover(signature, digest);
  if (keyId !== keyIdOf(signer.toPublic())) throw new Error('contract-vm bench: the supplied signature does not recover to the signer');
  const recovery: KeyRecovery = {
    name: real.name, // the implementation used for every signature other than the supplied one
    recover: (sig, d) => (sig.type === KeyType.K1 && bytesEqual(sig.data, signature.data) ? keyId : real.recover(sig, d)),
  };
  return { recovery, signature };
}

function rate(samples: number[], iterations: number, seconds: number): void {
  samples.push(iterations / seconds);
}

export async function benchContractVm(opts: { runs: number }): Promise<BenchResult[]> {
  if (!existsSync(WASM) || !existsSync(ABI))
    throw new Error('contract-vm bench: build/contracts/dpay is missing; run `npm run build` first');
  const wasm = new Uint8Array(readFileSync(WASM));
  const abiJson = JSON.parse(readFileSync(ABI, 'utf8'));
  const abi = AbiSerializer.for(Abi.from(abiJson));
  const contract = n('dpay.token');
  const runs = Math.max(1, opts.runs);
  const time = async (fn: () => void | Promise<void>): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };

  // ours, VM only
  const vm = new ContractVm();
  const host = new BenchHost();
  const act = (name: string, data: Record<string, unknown>, actor: string): ContractAction => ({
    receiver: contract,
    account: contract,
    name: n(name),
    data: abi.encodeAction(name, data),
    authorization: [{ actor: n(actor), permission: n('active') }],
  });
  vm.apply(wasm, act('create', { issuer: 'alice', maximum_supply: '1000000000.0000 RSN' }, 'dpay.token'), host);
  vm.apply(wasm, act('issue', { to: 'alice', quantity: '1000000.0000 RSN', memo: '' }, 'alice'), host);
  vm.apply(wasm, act('transfer', { from: 'alice', to: 'bob', quantity: '1000.0000 RSN', memo: '' }, 'alice'), host);
  const ab = act('transfer', { from: 'alice', to: 'bob', quantity: '0.0001 RSN', memo: 'bench' }, 'alice');
  const ba = act('transfer', { from: 'bob', to: 'alice', quantity: '0.0001 RSN', memo: 'bench' }, 'bob');
  const vmIterations = 2000;

  // ours, the node's path minus key recovery
  const dev = PrivateKey.from(DEV_PRIVATE_KEY);
  const supplied = suppliedKeyRecovery(dev);
  const env = await tokenNode({ http: false, keyRecovery: supplied.recovery, recoveryWorkers: 0 });
  if (!env) throw new Error('contract-vm bench: build/contracts/dpay is missing; run `npm run build` first');
  const { node, token } = env;
  const chain = node.chain;
  const EMPTY = new Uint8Array(0);
  const nodeIterations = 1000;
  const BLOCK = 500;
  let seq = 0;
  const nodeTransfer = (from: string, to: string): void => {
    const data = token.encodeAction('transfer', { from, to, quantity: '0.0001 BNC', memo: `bench${seq++}` });
    const head = chain.head;
    const trx = Transaction.from({
      expiration: new TimePointSec(Math.floor(chain.pendingBlockTime() / 1000) + 600),
      ref_block_num: head.num & 0xffff,
      ref_block_prefix: refBlockPrefix(head.id),
      actions: [Action.from({ account: 'bench.token', name: 'transfer', authorization: [{ actor: from, permission: 'active' }], data })],
    });
    const packed: PackedTrx = { signatures: [supplied.signature], compression: 0, packedContextFreeData: EMPTY, packedTrx: trx.toBinary() };
    node.pushPacked(packed);
  };
  // alice holds the supply; give bob some so both directions work
  nodeTransfer('alice', 'bob');

  // vert
  const bc = new vert.Blockchain();
  bc.createAccounts('alice', 'bob');
  const vtoken = bc.createAccount({ name: 'dpay.token', wasm, abi: abiJson, enableInline: true });
  await vtoken.actions.create!({ issuer: 'alice', maximum_supply: '1000000000.0000 RSN' }).send('dpay.token@active');
  await vtoken.actions.issue!({ to: 'alice', quantity: '1000000.0000 RSN', memo: '' }).send('alice@active');
  await vtoken.actions.transfer!({ from: 'alice', to: 'bob', quantity: '1000.0000 RSN', memo: '' }).send('alice@active');
  const vertIterations = 200;

  const vmOnly: number[] = [];
  const vmEncode: number[] = [];
  const nodePath: number[] = [];
  const vertRates: number[] = [];
  const firstBlock = chain.head.num + 1;
  let pushed = 1; // bob's first funds, pending until the first block below
  try {
    for (let r = -1; r < runs; r++) {
      const s1 = await time(() => {
        for (let i = 0; i < vmIterations; i++) vm.apply(wasm, i & 1 ? ba : ab, host);
      });
      const s2 = await time(() => {
        for (let i = 0; i < vmIterations; i++) {
          const odd = i & 1;
          vm.apply(
            wasm,
            {
              ...(odd ? ba : ab),
              data: abi.encodeAction('transfer', {
                from: odd ? 'bob' : 'alice',
                to: odd ? 'alice' : 'bob',
                quantity: '0.0001 RSN',
                memo: 'bench',
              }),
            },
            host,
          );
        }
      });
      const s3 = await time(async () => {
        for (let i = 0; i < nodeIterations; i++) {
          if (i & 1) nodeTransfer('bob', 'alice');
          else nodeTransfer('alice', 'bob');
          if ((i + 1) % BLOCK === 0) await node.produceBlock();
        }
        if (chain.pendingCount) await node.produceBlock();
      });
      pushed += nodeIterations;
      const s4 = await time(async () => {
        for (let i = 0; i < vertIterations; i++) {
          const odd = i & 1;
          await vtoken.actions.transfer!({
            from: odd ? 'bob' : 'alice',
            to: odd ? 'alice' : 'bob',
            quantity: '0.0001 RSN',
            memo: `bench${seq++}`,
          }).send(`${odd ? 'bob' : 'alice'}@active`);
        }
      });
      if (r >= 0) {
        rate(vmOnly, vmIterations, s1);
        rate(vmEncode, vmIterations, s2);
        rate(nodePath, nodeIterations, s3);
        rate(vertRates, vertIterations, s4);
      }
    }
    // the work really happened: every pushed transfer is in a block of the log
    let inBlocks = 0;
    for (let b = firstBlock; b <= chain.head.num; b++)
      inBlocks += ((await node.getBlock(b)) as { transactions: unknown[] }).transactions.length;
    if (inBlocks !== pushed) throw new Error(`contract-vm bench: ${pushed} transfers pushed, ${inBlocks} in blocks`);
  } finally {
    await node.close();
    rmSync(env.dir, { recursive: true, force: true });
  }

  return [
    summarize('contract-vm.transfer.node-path (our node minus key recovery)', 'ops/s', nodePath),
    summarize('contract-vm.transfer.vert', 'ops/s', vertRates),
    summarize(
      'contract-vm.transfer.node-path/vert',
      'x',
      nodePath.map((v, i) => v / vertRates[i]!),
    ),
    summarize('contract-vm.transfer.vm-only (not like for like)', 'ops/s', vmOnly),
    summarize('contract-vm.transfer.vm-only+abi-encode', 'ops/s', vmEncode),
    summarize(
      'contract-vm.transfer.vm-only/vert (not like for like)',
      'x',
      vmOnly.map((v, i) => v / vertRates[i]!),
    ),
  ];
}
