// Session grants with limits: the verifier policy approves an app's signatures by itself within
// N per period and X in total, asks the user beyond them, never for other apps or other purposes;
// the amount is enforced by the vault as well (maxAmountPerDay of the signing grant); the used
// approvals survive a restart of the store. A token whose ABI on the DMCS renames transfer's quantity
// still has its transfers counted: the policy reads them from the bytes, as the vault does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Vault, type VerificationRequest } from '../../skv/index.js';
import { HostServices } from '../../runtime/host-bridge/index.js';
import {
  GrantPolicyVerifier,
  SessionGrantStore,
  validateSessionGrant,
  parsePeriod,
  installSigningGrant,
  TransactionServiceError,
  type PushRequest,
} from '../../runtime/transaction-service/index.js';
import type { Grants } from '../../runtime/capabilities.js';
import { HttpBackend } from '../../runtime/dispatch/index.js';
import { FsTrace, problems } from '../durability/fs-trace.js';
import { Action } from '../../abi/antelope/index.js';
import { deployContract, submitUserTransaction } from '../../runtime/transaction-service/index.js';
import { startWorld, newAccount, deployToken, loginAs, PASS, TOKEN_ABI, TOKEN_WASM, type World } from './world.js';

let w: World;
let services: HostServices;
let vault: Vault;
let policy: GrantPolicyVerifier;
const asked: VerificationRequest[] = [];
let answer = true;
const grants: Grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } };
let n = 0;
const req = (quantity: string, app = 'dpay'): PushRequest => ({
  app: { name: app, version: '0.1.0', publisher: 'peeros' },
  manifest: {},
  grants,
  actions: [{ account: 'dpay.token', name: 'transfer', data: { from: 'alice', to: 'bob', quantity, memo: `sg ${n++}` } }],
});

/**
 * The dPay token's code at `rename.token`, deployed with an ABI that names transfer's third field
 * `amount` (a contract's owner sets its ABI; a hostile DMCS serves any): the bytes, and what the
 * contract does with them, are a token transfer. 1000.0000 RNM issued to alice.
 */
async function deployRenamedToken(): Promise<void> {
  const abi = JSON.parse(readFileSync(TOKEN_ABI, 'utf8')) as { structs: Array<{ name: string; fields: Array<{ name: string }> }> };
  for (const s of abi.structs) if (s.name === 'transfer') for (const f of s.fields) if (f.name === 'quantity') f.name = 'amount';
  const abiPath = join(w.home, 'renamed.abi');
  writeFileSync(abiPath, JSON.stringify(abi));
  await newAccount(w, 'rename.token');
  await deployContract({ vault: w.vault, backend: w.backend, account: 'rename.token', wasmPath: TOKEN_WASM, abiPath });
  const onChain = (await w.backend.getAbi('rename.token')).abi as Parameters<typeof Action.from>[1];
  const authorization = [{ actor: 'rename.token', permission: 'active' }];
  const act = (name: string, data: Record<string, unknown>) => Action.from({ account: 'rename.token', name, authorization, data }, onChain);
  await submitUserTransaction({
    vault: w.vault,
    backend: w.backend,
    summary: ['create and issue RNM'],
    actions: [
      act('create', { issuer: 'rename.token', maximum_supply: '1000000.0000 RNM' }),
      act('issue', { to: 'rename.token', quantity: '1000.0000 RNM', memo: '' }),
      act('transfer', { from: 'rename.token', to: 'alice', amount: '1000.0000 RNM', memo: '' }),
    ],
  });
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await deployRenamedToken();
  await loginAs(w, 'alice');
  await w.services.close();
  await w.vault.close();
  // The same keystore, unlocked with the session-grant policy in front of a "user" we control.
  vault = Vault.open({ home: w.home, insecureTestKdf: true });
  const store = new SessionGrantStore(w.home);
  policy = new GrantPolicyVerifier({
    store,
    fallback: async (r) => {
      asked.push(r);
      return answer;
    },
  });
  await vault.unlock(PASS, { verifier: policy });
  services = await HostServices.open({ home: w.home, vault, policy, memoryCache: true, flusher: false });
  const session = validateSessionGrant({ app: 'dpay', maxCount: 3, maxAmount: '5.0000 RSN', periodMs: parsePeriod('24h') });
  await store.set(session);
  await installSigningGrant(vault, 'dpay', grants, [w.backend.chainId], session);
  await installSigningGrant(vault, 'other', grants, [w.backend.chainId]);
});
test.after(async () => {
  await services.close();
  await vault.close();
  await w.close();
});

test('within the limits: approved without asking', async () => {
  const before = asked.length;
  for (const q of ['1.0000 RSN', '2.0000 RSN']) assert.is((await services.transactions.push(req(q))).status, 'executed');
  assert.is(asked.length, before, 'nobody was asked');
  assert.is(policy.autoApproved, 2);
  const left = services.grants.remaining('dpay')!;
  assert.is(left.count, 1);
  assert.is(left.amount!.toString(), '2.0000 RSN');
});

test('beyond the amount: the user is asked; declined → nothing signed', async () => {
  answer = false;
  const before = asked.length;
  try {
    await services.transactions.push(req('2.5000 RSN'));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, TransactionServiceError);
    assert.is((err as TransactionServiceError).code, 'NOT_APPROVED');
  }
  assert.is(asked.length, before + 1);
  assert.match(asked.at(-1)!.summary.join('\n'), /quantity: 2\.5000 RSN/);
  answer = true;
});

test('beyond the amount and approved by the user: the vault still refuses (its daily cap)', async () => {
  try {
    await services.transactions.push(req('2.5000 RSN'));
    assert.unreachable();
  } catch (err) {
    assert.is((err as TransactionServiceError).code, 'CAPABILITY_DENIED', (err as Error).message);
    assert.match((err as Error).message, /daily cap/);
  }
});

test('the count: the third fits; the fourth asks, and even approved the vault refuses (3 a day)', async () => {
  const before = asked.length;
  assert.is((await services.transactions.push(req('0.5000 RSN'))).status, 'executed');
  assert.is(asked.length, before);
  try {
    await services.transactions.push(req('0.1000 RSN'));
    assert.unreachable();
  } catch (err) {
    assert.is((err as TransactionServiceError).code, 'CAPABILITY_DENIED', (err as Error).message);
    assert.match((err as Error).message, /daily limit is 3/);
  }
  assert.is(asked.length, before + 1, 'the fourth approval was asked for');
});

test('other apps and the user are never approved by a grant they do not have', async () => {
  const before = asked.length;
  assert.is((await services.transactions.push(req('0.0001 RSN', 'other'))).status, 'executed');
  assert.is(asked.length, before + 1);
  assert.is(asked.at(-1)!.app, 'other');
});

test('the usage survives a new store over the same file; a period passes', async () => {
  const again = new SessionGrantStore(w.home);
  assert.is(again.remaining('dpay')!.count, 0);
  const later = new SessionGrantStore(w.home, () => Date.now() + 25 * 3600_000);
  assert.is(later.remaining('dpay')!.count, 3);
  assert.is(later.remaining('dpay')!.amount!.toString(), '5.0000 RSN');
});

test('the early approval: the grant use is synced before the push leaves the host, and the vault signed meanwhile', async () => {
  const session = validateSessionGrant({ app: 'early', maxCount: 5, maxAmount: '5.0000 RSN', periodMs: parsePeriod('24h') });
  await services.grants.set(session);
  await installSigningGrant(vault, 'early', grants, [w.backend.chainId], session);
  const atPush: string[][] = [];
  const original = HttpBackend.prototype.pushTransaction;
  const trace = await FsTrace.start(w.home);
  HttpBackend.prototype.pushTransaction = function (this: HttpBackend, body) {
    atPush.push(problems(trace.events).filter((p) => p.includes('session-grants')));
    return original.call(this, body);
  };
  try {
    const before = policy.autoApproved;
    assert.is((await services.transactions.push(req('1.0000 RSN', 'early'))).status, 'executed');
    assert.is(policy.autoApproved, before + 1, 'approved by the policy');
  } finally {
    HttpBackend.prototype.pushTransaction = original;
    trace.stop();
  }
  assert.is(atPush.length, 1, 'one push');
  assert.equal(atPush[0], [], `the push left before the grant use was durable\n${trace.dump()}`);
  assert.ok(
    // appended to the uses log (a first write creates it by rename), synced before the push
    trace.events.some(
      (e) => (e.op === 'write' && e.path.endsWith('session-grants.uses')) || (e.op === 'rename' && e.to.endsWith('session-grants.uses')),
    ),
    'the grant use was written',
  );
  assert.is(services.grants.remaining('early')!.count, 4);
});

test('a transfer whose ABI calls its quantity "amount" still moves value: a grant for no transfers asks the user', async () => {
  // "approve up to 5 signatures a day, no transfer of value" (no --max-amount); the vault grant has no cap
  const renamed: Grants = { 'dmcs.push': { contracts: { 'rename.token': ['transfer'] } } };
  const session = validateSessionGrant({ app: 'renamer', maxCount: 5, periodMs: parsePeriod('24h') });
  await services.grants.set(session);
  await installSigningGrant(vault, 'renamer', renamed, [w.backend.chainId], session);
  answer = false;
  const before = { asked: asked.length, auto: policy.autoApproved };
  try {
    await services.transactions.push({
      app: { name: 'renamer', version: '0.1.0', publisher: 'peeros' },
      manifest: {},
      grants: renamed,
      actions: [
        { account: 'rename.token', name: 'transfer', data: { from: 'alice', to: 'bob', amount: '300.0000 RNM', memo: 'sg renamed' } },
      ],
    });
    assert.unreachable('a transfer of 300.0000 RNM was approved by a grant that approves no transfer of value');
  } catch (err) {
    assert.instance(err, TransactionServiceError, (err as Error).message);
    assert.is((err as TransactionServiceError).code, 'NOT_APPROVED');
  } finally {
    answer = true;
  }
  assert.is(policy.autoApproved, before.auto, 'the policy approved nothing by itself');
  assert.is(asked.length, before.asked + 1, 'the user was asked');
  assert.match(asked.at(-1)!.summary.join('\n'), /amount: 300\.0000 RNM/);
  assert.is(services.grants.remaining('renamer')!.count, 5, 'no approval used');
  const bob = await w.backend.getTableRows({ code: 'rename.token', scope: 'bob', table: 'accounts', json: true });
  assert.equal(bob.rows, [], 'bob received nothing');
});

test('bad grant arguments are refused with the flag named', () => {
  assert.throws(() => validateSessionGrant({ app: 'dpay', maxCount: 0 }), /--max-count/);
  assert.throws(() => validateSessionGrant({ app: 'dpay', maxCount: 1, maxAmount: 'lots' }), /--max-amount/);
  assert.throws(() => parsePeriod('forever'), /period/);
  assert.throws(() => parsePeriod('1s'), /between 1m and 30d/);
  assert.is(parsePeriod('90m'), 90 * 60_000);
});

test.run();
