// The three signing-scope checkpoints always agree (issue 9). Seeded random grants and transactions
// (wildcards, Object.prototype names, several actions, symbols and precisions, amounts at the cap's
// boundary, undecodable and negative transfers) go through each checkpoint's real entry point:
//
//   ISA      runtime/isa/dmcs.ts `push`, in an IsaContext over a real wasm memory (names only:
//            it forwards to the bridge or answers capability-denied)
//   push     the push service's checks (runtime/transaction-service/push-scope.ts), on the raw actions and
//            on the actions serialized for signing
//   vault    skv/signing-scope.ts `checkScope` on the packed transaction, with the vault grant the
//            runtime derives from the same manifest scope (signingGrantFor); every 20th case also
//            through the vault worker (Vault#sign)
//
// and must give the same yes/no and the same reason, which a small independent oracle also predicts.
// A failure prints the seed and case index.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, Asset, BinaryReader } from '../../abi/antelope/index.js';
import { boundaryPackr } from '../../abi/msgpack/codec.js';
import { IsaErrorCode } from '../../abi/boundary-errors.js';
import { IsaContext } from '../../runtime/isa/index.js';
import { createDmcs } from '../../runtime/isa/dmcs.js';
import { resolveLimits } from '../../runtime/limits.js';
import type { DmcsPushScope } from '../../runtime/capabilities.js';
import {
  checkActionsGranted,
  checkAmountGranted,
  signingGrantFor,
  TransactionServiceError,
} from '../../runtime/transaction-service/index.js';
import { checkScope } from '../../skv/signing-scope.js';
import { VaultError, type Vault } from '../../skv/index.js';
import { Prng } from './prng.js';
import { CHAIN_ID, openTestVault, packTransaction, removeHome, tempHome, transferData, type TestAction } from '../skv/helpers.js';

const SEED = Number(process.env.SCOPE_SEED ?? 0x5c09e);
const CASES = 2000;
const WORKER_EVERY = 20;

// valid Antelope names, prototype names among them (constructor, tostring, valueof, isprototypeof)
const ACCOUNTS = ['dpay.token', 'eosio.token', 'dpay.memo', 'constructor', 'tostring', 'valueof', 'isprototypeof', 'evil'];
const ACTIONS = ['transfer', 'issue', 'post', 'constructor', 'tostring', 'valueof'];
const SYMBOLS = [
  { code: 'RSN', precision: 4 },
  { code: 'EOS', precision: 4 },
  { code: 'RSN', precision: 3 },
];

type Verdict = { ok: true } | { ok: false; reason: string };
interface Case {
  scope: DmcsPushScope;
  actions: TestAction[];
}

function asset(units: bigint, s: { code: string; precision: number }): string {
  return Asset.fromUnits(units, `${s.precision},${s.code}`).toString();
}

function generate(rnd: Prng, wildcard: boolean): Case {
  const contracts: Record<string, string[]> = {};
  for (const a of ACCOUNTS) {
    if (rnd.int(3) !== 0) continue;
    const names = ACTIONS.filter((x) => rnd.int(x === 'transfer' ? 2 : 4) === 0);
    if (wildcard && rnd.int(4) === 0) names.push('*');
    contracts[a] = names.length ? names : ['transfer'];
  }
  const capUnits = BigInt(rnd.range(1, 5_000_000));
  const capSymbol = rnd.pick(SYMBOLS);
  const scope: DmcsPushScope = { contracts, ...(rnd.int(3) !== 0 ? { maxAmount: asset(capUnits, capSymbol) } : {}) };
  const actions: TestAction[] = [];
  const n = rnd.range(1, 4);
  for (let i = 0; i < n; i++) {
    // mostly granted pairs, so that amounts are reached often
    const granted = Object.entries(contracts);
    const [account, names] = granted.length && rnd.int(10) !== 0 ? rnd.pick(granted) : [rnd.pick(ACCOUNTS), ACTIONS];
    const named = names.filter((x) => x !== '*');
    const name = named.length && rnd.int(12) !== 0 ? rnd.pick(named) : rnd.pick(ACTIONS);
    let data: Uint8Array;
    switch (rnd.int(6)) {
      case 0:
        data = rnd.bytes(rnd.range(0, 40));
        break; // not a token transfer
      case 1:
        data = transferData('alice', 'bob', asset(-BigInt(rnd.range(1, 100)), capSymbol));
        break;
      default: {
        // near the cap: a share of it, exactly it, or one unit either side
        const share = [capUnits / BigInt(n), capUnits, capUnits - 1n, capUnits + 1n, BigInt(rnd.range(0, 1000))][rnd.int(5)]!;
        data = transferData('alice', 'bob', asset(share, rnd.int(5) === 0 ? rnd.pick(SYMBOLS) : capSymbol));
      }
    }
    actions.push({ account, name, actor: 'alice', data });
  }
  return { scope, actions };
}

/** What the rule says, written independently of abi/signing-scope.ts. */
function oracle(c: Case): boolean {
  for (const a of c.actions) {
    const allowed = Object.keys(c.scope.contracts).includes(a.account) ? c.scope.contracts[a.account]! : [];
    if (!allowed.filter((x) => x !== '*').includes(a.name)) return false;
  }
  if (!c.scope.maxAmount) return true;
  const cap = Asset.from(c.scope.maxAmount);
  let total = 0n;
  for (const a of c.actions) {
    if (a.name !== 'transfer') continue;
    if (a.data.length < 24) return false;
    let q: Asset;
    try {
      q = Asset.decode(new BinaryReader(a.data.subarray(16, 32)));
    } catch {
      return false;
    }
    const memoLen = a.data[32];
    if (memoLen === undefined || memoLen !== a.data.length - 33) return false;
    if (!q.symbol.equals(cap.symbol) || q.units < 0n) return false;
    total += q.units;
  }
  return total <= cap.units;
}

// ── the checkpoints ────────────────────────────────────────────────────────────────────────────

function isaPush(c: Case): 'forwarded' | IsaErrorCode {
  const memory = new WebAssembly.Memory({ initial: 2 });
  let heap = 4096;
  let forwarded = false;
  const ctx = new IsaContext('dpay', { 'dmcs.push': c.scope }, resolveLimits({}), {
    home: '/nonexistent',
    dataDir: '/nonexistent',
    logLevel: 4,
    logSink: () => {},
    bridge: {
      call: () => {
        forwarded = true;
        return { ok: true, bytes: new Uint8Array([0xc0]) };
      },
    },
  });
  ctx.bind(memory, (_p, _o, _a, size) => {
    const p = heap;
    heap += size;
    return p;
  });
  const payload = boundaryPackr.pack(c.actions.map((a) => ({ account: a.account, name: a.name, data: a.data })));
  new Uint8Array(memory.buffer).set(payload, 16);
  const retptr = 8;
  (createDmcs(ctx).push as (p: number, l: number, r: number) => void)(16, payload.length, retptr);
  const u8 = new Uint8Array(memory.buffer);
  if (u8[retptr] === 0) {
    assert.ok(forwarded);
    return 'forwarded';
  }
  return u8[retptr + 4] as IsaErrorCode;
}

const PUSH_REASON = /^app 'dpay' may not push this: (.*) \(outside its dmcs\.push grant\)$/;
const VAULT_REASON = /^app 'dpay' may not sign this transaction: (.*) \(outside its signing grant; change the grant to allow it\)$/;

function reasonOf(err: unknown, re: RegExp, code: string): string {
  const e = err as { code?: string; message?: string };
  if (!(err instanceof TransactionServiceError || err instanceof VaultError) || e.code !== code) throw err;
  const m = re.exec(e.message!);
  if (!m) throw err;
  return m[1]!;
}

function pushService(c: Case): Verdict & { phase?: 'names' | 'whole' } {
  try {
    checkActionsGranted('dpay', c.scope, c.actions);
  } catch (err) {
    return { ok: false, reason: reasonOf(err, PUSH_REASON, 'CAPABILITY_DENIED'), phase: 'names' };
  }
  const serialized = c.actions.map((a) =>
    Action.from({ account: a.account, name: a.name, authorization: [{ actor: 'alice', permission: 'active' }], data: a.data }),
  );
  try {
    checkAmountGranted('dpay', c.scope, serialized);
  } catch (err) {
    return { ok: false, reason: reasonOf(err, PUSH_REASON, 'CAPABILITY_DENIED'), phase: 'whole' };
  }
  return { ok: true };
}

function vaultCore(c: Case, packed: Uint8Array): Verdict {
  const grant = signingGrantFor('dpay', { 'dmcs.push': c.scope }, [CHAIN_ID])!;
  try {
    checkScope(grant, CHAIN_ID, packed, undefined, Date.now());
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reasonOf(err, VAULT_REASON, 'SCOPE_DENIED') };
  }
}

async function vaultWorker(vault: Vault, pub: string, c: Case, packed: Uint8Array): Promise<Verdict> {
  await vault.setGrant(signingGrantFor('dpay', { 'dmcs.push': c.scope }, [CHAIN_ID])!);
  try {
    await vault.sign({ chainId: CHAIN_ID, transaction: packed, keys: [pub], app: 'dpay' });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reasonOf(err, VAULT_REASON, 'SCOPE_DENIED') };
  }
}

test(`ISA, push service and vault agree on ${CASES} random grants × transactions (seed ${SEED})`, async () => {
  const rnd = new Prng(SEED);
  const home = tempHome();
  const { vault, pub } = await openTestVault(home);
  const tally = { ok: 0, names: 0, amounts: 0, worker: 0 };
  try {
    for (let i = 0; i < CASES; i++) {
      const viaWorker = i % WORKER_EVERY === 0;
      // the worker's setGrant refuses "*" (new grants must name actions); the others see it
      const c = generate(rnd, !viaWorker);
      const where = `seed ${SEED}, case ${i}: ${JSON.stringify(c.scope)} ${c.actions.map((a) => `${a.account}::${a.name}`).join(', ')}`;
      const packed = packTransaction(c.actions);
      const isa = isaPush(c);
      const push = pushService(c);
      const core = vaultCore(c, packed);
      assert.equal(core, push.ok ? { ok: true } : { ok: false, reason: push.reason }, `push service vs vault, ${where}`);
      assert.is(isa === 'forwarded', push.ok || push.phase === 'whole', `ISA vs push service names, ${where}`);
      if (isa !== 'forwarded') assert.is(isa, IsaErrorCode.CAPABILITY_DENIED, where);
      assert.is(push.ok, oracle(c), `oracle, ${where}: ${push.ok ? 'allowed' : push.reason}`);
      if (viaWorker) {
        assert.equal(await vaultWorker(vault, pub, c, packed), core, `vault worker vs vault core, ${where}`);
        tally.worker++;
      }
      if (push.ok) tally.ok++;
      else if (push.phase === 'names') tally.names++;
      else tally.amounts++;
    }
  } finally {
    await vault.close();
    removeHome(home);
  }
  console.log(`  ${JSON.stringify(tally)}`);
  // the generator reaches every branch often enough to mean something
  assert.ok(tally.ok > CASES / 10 && tally.names > CASES / 10 && tally.amounts > CASES / 10, JSON.stringify(tally));
});

test.run();
