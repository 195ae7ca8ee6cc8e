// The whitepaper's rescue of a hijacked account, 15 of 21: our eosio.msig and eosio.wrap (written
// with the contract SDK, contracts/) on a node that produces for 21 scheduled producers. An
// attacker holding alice's key moves her funds; a proposal to freeze alice (owner and active
// become eosio.prods@active, sent inline by the privileged eosio.wrap) fails to execute with 14
// producer approvals (a non-producer's approval does not count) and executes with the 15th; the
// attacker's key no longer acts; a rekey proposal gives alice a new key: the old key is refused, the
// new one transfers. Also: an unapproved proposal expires (exec refused, anyone may cancel it),
// approve with a wrong proposal hash is refused, an unapproval or an invalidation stops an
// approval counting, and a producer removed from the schedule no longer counts. Last, the chain
// is governed: eosio@owner/active become eosio.prods@active.
// Driven over the chain API with @wharfkit/antelope as the client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ABI, Action, Bytes, Checksum256, Name, Transaction, type PrivateKey } from '@wharfkit/antelope';
import { errorName, keyAuth, newAccountAction, transact } from '../helpers.js';
import { KEYS as k, PRODUCERS as producers, prodsAuthority, startGovernedChain, type GovernedChain } from '../governed-chain.js';

let g: GovernedChain;
const act: GovernedChain['act'] = (...a) => g.act(...a);
const transfer: GovernedChain['transfer'] = (...a) => g.transfer(...a);
const balance: GovernedChain['balance'] = (o) => g.balance(o);

/** An inner action as msig and wrap carry it: data packed with its contract's ABI. */
const inner = (account: string, name: string, auth: string[], data: Record<string, unknown>, abi: ABI) =>
  Action.from({ account, name, authorization: auth.map((a) => ({ actor: a.split('@')[0]!, permission: a.split('@')[1]! })), data }, abi);
async function trxOf(actions: Action[], expireSeconds: number) {
  const info = await g.dn.client.v1.chain.get_info();
  return Transaction.from({ ...info.getTransactionHeader(expireSeconds), actions });
}
/** eosio.wrap::exec of `actions`, authorized by eosio.wrap itself (its permissions are eosio.prods@active). */
async function wrapped(actions: Action[]) {
  const trx = await trxOf(actions, 3600);
  return inner('eosio.wrap', 'exec', ['eosio.wrap@active'], { executer: 'eosio.wrap', trx }, g.wrap.abi);
}
const freezeActions = (account: string) =>
  ['active', 'owner'].map((perm) =>
    inner(
      'eosio',
      'updateauth',
      [`${account}@owner`],
      { account, permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: prodsAuthority() },
      g.eosioAbi,
    ),
  );
const rekeyActions = (account: string, pub: string) =>
  ['owner', 'active'].map((perm) =>
    inner(
      'eosio',
      'updateauth',
      [`${account}@owner`],
      { account, permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: keyAuth(pub) },
      g.eosioAbi,
    ),
  );

const PROPOSER = producers[0]!;
const propose = async (name: string, requested: string[], actions: Action[], expireSeconds = 3600) =>
  act(
    'eosio.msig',
    'propose',
    `${PROPOSER.name}@active`,
    {
      proposer: PROPOSER.name,
      proposal_name: name,
      requested: requested.map((r) => ({ actor: r.split('@')[0]!, permission: r.split('@')[1]! })),
      trx: await trxOf(actions, expireSeconds),
    },
    PROPOSER.key,
    g.msig.abi,
  );
const approve = (proposal: string, who: string, key: PrivateKey, hash?: string) =>
  act(
    'eosio.msig',
    'approve',
    `${who}@active`,
    {
      proposer: PROPOSER.name,
      proposal_name: proposal,
      level: { actor: who, permission: 'active' },
      ...(hash ? { proposal_hash: hash } : {}),
    },
    key,
    g.msig.abi,
  );
const approveBy = async (proposal: string, list: typeof producers) => {
  for (const p of list) await approve(proposal, p.name, p.key);
};
const exec = (proposal: string, executer = PROPOSER) =>
  act(
    'eosio.msig',
    'exec',
    `${executer.name}@active`,
    { proposer: PROPOSER.name, proposal_name: proposal, executer: executer.name },
    executer.key,
    g.msig.abi,
  );
/** The message of a failed call (an eosio_assert's text). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { error?: { name?: string; details?: Array<{ message?: string }> }; message?: string };
    return `${err.error?.name}: ${err.error?.details?.[0]?.message ?? err.message}`;
  }
  throw new Error('expected the call to fail');
}
const producerLevels = (list: typeof producers) => list.map((p) => `${p.name}@active`);
const proposalRow = async (name: string) => {
  const rows = await g.dn.client.v1.chain.get_table_rows({
    code: 'eosio.msig',
    scope: PROPOSER.name,
    table: 'proposal',
    lower_bound: Name.from(name),
    upper_bound: Name.from(name),
  });
  return rows.rows[0] as { packed_transaction: string } | undefined;
};

test.before(async () => {
  g = await startGovernedChain();
});
test.after(async () => {
  await g.dn.close();
});

test('21 producers are active; eosio.msig and eosio.wrap are privileged', async () => {
  const schedule = await g.dn.client.v1.chain.get_producer_schedule();
  assert.is(schedule.active.producers.length, 21);
  for (const a of ['eosio.msig', 'eosio.wrap']) assert.ok((await g.dn.client.v1.chain.get_account(a)).privileged.valueOf(), a);
});

test("an attacker holding alice's key moves her funds", async () => {
  await transfer('alice', 'mallory', '100.0000 RSN', k.alice);
  assert.is(await balance('alice'), '900.0000 RSN');
});

test('freeze: 14 producer approvals (and a non-producer) fail to exec, the 15th executes it', async () => {
  await propose('freeze', [...producerLevels(producers), 'bob@active'], [await wrapped(freezeActions('alice'))]);
  assert.match(await failure(approve('freeze', 'carol', k.carol)), 'approval is not on the list of requested approvals');
  await approve('freeze', 'bob', k.bob);
  await approveBy('freeze', producers.slice(0, 14));
  assert.match(await failure(exec('freeze')), 'transaction authorization failed');
  // the 15th pins the transaction it approves by its hash; a wrong hash is refused
  const packed = (await proposalRow('freeze'))!.packed_transaction;
  const hash = String(Checksum256.hash(Bytes.from(packed, 'hex')));
  assert.match(await failure(approve('freeze', producers[14]!.name, producers[14]!.key, '00'.repeat(32))), 'hash mismatch');
  await approve('freeze', producers[14]!.name, producers[14]!.key, hash);
  await exec('freeze');
  assert.is(await proposalRow('freeze'), undefined, 'an executed proposal is gone');
  const alice = await g.dn.client.v1.chain.get_account('alice');
  for (const perm of alice.permissions) {
    assert.equal(
      perm.required_auth.accounts.map((a) => `${a.permission.actor}@${a.permission.permission}`),
      ['eosio.prods@active'],
      String(perm.perm_name),
    );
    assert.is(perm.required_auth.keys.length, 0);
  }
});

test("the attacker's key can no longer act for alice", async () => {
  assert.is(await errorName(transfer('alice', 'mallory', '1.0000 RSN', k.alice)), 'unsatisfied_authorization');
  const takeover = act(
    'eosio',
    'updateauth',
    'alice@owner',
    { account: 'alice', permission: 'owner', parent: '', auth: keyAuth(String(k.bob.toPublic())) },
    k.alice,
    g.eosioAbi,
  );
  assert.is(await errorName(takeover), 'unsatisfied_authorization');
  assert.is(await balance('alice'), '900.0000 RSN');
});

test('rekey: an unapproval stops an approval counting; with 15 the new key replaces the old', async () => {
  const fresh = String(k.aliceNew.toPublic());
  await propose('rekey', producerLevels(producers), [await wrapped(rekeyActions('alice', fresh))]);
  await approveBy('rekey', producers.slice(0, 15));
  await act(
    'eosio.msig',
    'unapprove',
    `${producers[3]!.name}@active`,
    { proposer: PROPOSER.name, proposal_name: 'rekey', level: { actor: producers[3]!.name, permission: 'active' } },
    producers[3]!.key,
    g.msig.abi,
  );
  assert.match(await failure(exec('rekey')), 'transaction authorization failed');
  await approve('rekey', producers[15]!.name, producers[15]!.key);
  await exec('rekey');
  assert.is(await errorName(transfer('alice', 'mallory', '1.0000 RSN', k.alice)), 'unsatisfied_authorization');
  await transfer('alice', 'bob', '5.0000 RSN', k.aliceNew);
  assert.is(await balance('alice'), '895.0000 RSN');
});

test('an approval given before the approver invalidated stops counting', async () => {
  await propose('freezebob', producerLevels(producers), [await wrapped(freezeActions('bob'))]);
  await approveBy('freezebob', producers.slice(0, 15));
  await act('eosio.msig', 'invalidate', `${producers[5]!.name}@active`, { account: producers[5]!.name }, producers[5]!.key, g.msig.abi);
  assert.match(await failure(exec('freezebob')), 'transaction authorization failed');
  await act(
    'eosio.msig',
    'cancel',
    `${PROPOSER.name}@active`,
    { proposer: PROPOSER.name, proposal_name: 'freezebob', canceler: PROPOSER.name },
    PROPOSER.key,
    g.msig.abi,
  );
  assert.is(await proposalRow('freezebob'), undefined);
});

test('an unapproved proposal expires: exec is refused and anyone may cancel it', async () => {
  await propose('expiring', producerLevels(producers), [await wrapped(freezeActions('carol'))], 3);
  const cancelBy = (who: string, key: PrivateKey) =>
    act('eosio.msig', 'cancel', `${who}@active`, { proposer: PROPOSER.name, proposal_name: 'expiring', canceler: who }, key, g.msig.abi);
  assert.match(await failure(cancelBy('bob', k.bob)), 'cannot cancel until expiration');
  const until = Date.parse(`${(await g.dn.client.v1.chain.get_info()).head_block_time}Z`) + 5000;
  while (Date.parse(`${(await g.dn.client.v1.chain.get_info()).head_block_time}Z`) < until) await g.dn.node.produceBlock();
  await approveBy('expiring', producers.slice(0, 15));
  assert.match(await failure(exec('expiring')), 'transaction expired');
  await cancelBy('bob', k.bob);
  assert.is(await proposalRow('expiring'), undefined);
});

test('a producer removed from the schedule no longer counts', async () => {
  const kept = producers.slice(0, 20); // 20 producers: eosio.prods@active needs 14
  const removed = producers[20]!;
  await g.activate(kept);
  await propose('freezecar', producerLevels(producers), [await wrapped(freezeActions('carol'))]);
  await approveBy('freezecar', [removed, ...kept.slice(0, 13)]);
  assert.match(await failure(exec('freezecar')), 'transaction authorization failed');
  await approve('freezecar', kept[13]!.name, kept[13]!.key);
  await exec('freezecar');
  assert.is(await errorName(transfer('carol', 'bob', '1.0000 RSN', k.carol)), 'unsatisfied_authorization');
});

test('governed: once eosio@owner/active are eosio.prods@active, the genesis key no longer acts as eosio, the producers do', async () => {
  for (const perm of ['active', 'owner']) {
    const data = { account: 'eosio', permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: prodsAuthority() };
    await transact(g.dn.client, [{ account: 'eosio', name: 'updateauth', authorization: 'eosio@owner', data }], { abi: g.eosioAbi });
  }
  const newaccount = (name: string) => ({ ...newAccountAction(name, String(k.bob.toPublic())), authorization: 'eosio@active' });
  assert.is(await errorName(transact(g.dn.client, [newaccount('dave')], { abi: g.eosioAbi })), 'unsatisfied_authorization');
  // 20 producers are active after the previous test: eosio.prods@active needs 14
  const keys = producers.slice(0, 20).map((p) => p.key);
  assert.is(
    await errorName(transact(g.dn.client, [newaccount('dave')], { abi: g.eosioAbi, keys: keys.slice(0, 13) })),
    'unsatisfied_authorization',
  );
  await transact(g.dn.client, [newaccount('dave')], { abi: g.eosioAbi, keys: keys.slice(0, 14) });
  assert.is(String((await g.dn.client.v1.chain.get_account('dave')).account_name), 'dave');
});

test.run();
