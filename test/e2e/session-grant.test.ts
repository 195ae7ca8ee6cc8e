// Session grants with limits: the verifier policy approves an app's signatures by itself within
// N per period and X in total, asks the user beyond them, never for other apps or other purposes;
// the amount is enforced by the vault as well (maxAmountPerDay of the signing grant); the used
// approvals survive a restart of the store.
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
import { startWorld, newAccount, deployToken, loginAs, PASS, type World } from './world.js';

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

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
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

test('bad grant arguments are refused with the flag named', () => {
  assert.throws(() => validateSessionGrant({ app: 'dpay', maxCount: 0 }), /--max-count/);
  assert.throws(() => validateSessionGrant({ app: 'dpay', maxCount: 1, maxAmount: 'lots' }), /--max-amount/);
  assert.throws(() => parsePeriod('forever'), /period/);
  assert.throws(() => parsePeriod('1s'), /between 1m and 30d/);
  assert.is(parsePeriod('90m'), 90 * 60_000);
});

test.run();
