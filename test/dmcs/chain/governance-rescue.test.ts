// The whitepaper's rescue of a hijacked account, 15 of 21: our eosio.msig and eosio.wrap (written
// with the contract SDK, contracts/) on a node that produces for 21 scheduled producers. An
// attacker holding alice's key moves her funds; a proposal to freeze alice (owner and active
// become eosio.prods@active, sent inline by the privileged eosio.wrap) fails to execute with 14
// producer approvals (a non-producer's approval does not count) and executes with the 15th; the
// attacker's key no longer acts; a rekey proposal gives alice a new key: the old key is refused, the
// new one transfers. Also: an unapproved proposal expires (exec refused, anyone may cancel it),
// approve with a wrong proposal hash is refused, an unapproval or an invalidation stops an
// approval counting, and a producer removed from the schedule no longer counts.
// Driven over the chain API with @wharfkit/antelope as the client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ABI, Action, Bytes, Checksum256, Name, Serializer, Transaction, type PrivateKey } from '@wharfkit/antelope';
import { startDevNode, transact, errorName, testKey, keyAuth, newAccountAction, type DevNode, type ActSpec } from '../helpers.js';
import { createProducerAccounts, packedProducerKeys, type ScheduledProducer } from '../schedule.js';
import { wat } from '../vm/wat.js';

const ROOT = new URL('../../../../', import.meta.url);
const built = (n: string) => ({
  wasm: readFileSync(new URL(`build/contracts/${n}/${n}.wasm`, ROOT)),
  abi: ABI.from(JSON.parse(readFileSync(new URL(`build/contracts/${n}/${n}.abi`, ROOT), 'utf8'))),
});
const msig = built('msig');
const wrap = built('wrap');
const token = built('dpay');

const producers = Array.from({ length: 21 }, (_, i) => ({
  name: `producer${'abcdefghijklmnopqrstu'[i]}`,
  key: testKey(`rescue.producer.${i}`),
}));
const k = {
  alice: testKey('rescue.alice'),
  aliceNew: testKey('rescue.alice.new'),
  bob: testKey('rescue.bob'),
  carol: testKey('rescue.carol'),
  system: testKey('rescue.system'),
};
let dn: DevNode;
let eosioAbi: ABI;

/** A privileged stand-in for eosio.bios on eosio: `setprods` (packed producer keys) and `setpriv` (account, is_priv). */
function governorWasm(): Uint8Array {
  const id = (n: string) => BigInt.asIntN(64, BigInt(Name.from(n).value.toString()));
  return wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "set_proposed_producers" (func $propose (param i32 i32) (result i64)))
    (import "env" "set_privileged" (func $setpriv (param i64 i32)))
    (memory 1)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (if (i64.eq (local.get $a) (i64.const ${id('setprods')}))
        (then (drop (call $propose (i32.const 0) (call $read (i32.const 0) (i32.const 8192))))))
      (if (i64.eq (local.get $a) (i64.const ${id('setpriv')}))
        (then (drop (call $read (i32.const 0) (i32.const 9)))
              (call $setpriv (i64.load (i32.const 0)) (i32.load8_u (i32.const 8)))))))`);
}

const deploy = (account: string, c: { wasm: Uint8Array; abi: ABI }, key: PrivateKey) =>
  transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'setcode',
        authorization: `${account}@active`,
        data: { account, vmtype: 0, vmversion: 0, code: Bytes.from(c.wasm).hexString },
      },
      {
        account: 'eosio',
        name: 'setabi',
        authorization: `${account}@active`,
        data: { account, abi: Serializer.encode({ object: c.abi }).hexString },
      },
    ],
    { keys: [key], abi: eosioAbi },
  );

/** Proposes `list` (with the block signing keys the node holds) and produces blocks until it is active. */
async function activate(list: typeof producers): Promise<void> {
  const signing = new Map(dn.node.producers.map((p) => [p.name, p.key]));
  const scheduled: ScheduledProducer[] = list.map((p) => ({ name: p.name, key: signing.get(p.name)! }));
  const before = dn.node.chain.head.state.activeSchedule.version;
  await transact(dn.client, [{ account: 'eosio', name: 'setprods', authorization: 'eosio@active', data: packedProducerKeys(scheduled) }]);
  for (let i = 0; i < 3000 && dn.node.chain.head.state.activeSchedule.version === before; i++) await dn.node.produceBlock();
  assert.ok(dn.node.chain.head.state.activeSchedule.version > before, 'the schedule became active');
}

let salt = 0;
/** Pushes one action signed by `key`; each call differs (no duplicate transaction ids). */
const act = (account: string, name: string, auth: string, data: Record<string, unknown>, key: PrivateKey, abi: ABI) =>
  transact(dn.client, [{ account, name, authorization: auth, data }], { keys: [key], abi, expireSeconds: 60 + (salt++ % 3000) });
const transfer = (from: string, to: string, quantity: string, key: PrivateKey) =>
  act('eosio.token', 'transfer', `${from}@active`, { from, to, quantity, memo: '' }, key, token.abi);
const balance = async (owner: string) => {
  const rows = await dn.client.v1.chain.get_table_rows({ code: 'eosio.token', scope: owner, table: 'accounts' });
  return String((rows.rows[0] as { balance: string } | undefined)?.balance ?? '0.0000 RSN');
};

/** An inner action as msig and wrap carry it: data packed with its contract's ABI. */
const inner = (account: string, name: string, auth: string[], data: Record<string, unknown>, abi: ABI) =>
  Action.from({ account, name, authorization: auth.map((a) => ({ actor: a.split('@')[0]!, permission: a.split('@')[1]! })), data }, abi);
async function trxOf(actions: Action[], expireSeconds: number) {
  const info = await dn.client.v1.chain.get_info();
  return Transaction.from({ ...info.getTransactionHeader(expireSeconds), actions });
}
const prodsAuthority = () => ({
  threshold: 1,
  keys: [],
  accounts: [{ permission: { actor: 'eosio.prods', permission: 'active' }, weight: 1 }],
  waits: [],
});
/** eosio.wrap::exec of `actions`, authorized by eosio.wrap itself (its permissions are eosio.prods@active). */
async function wrapped(actions: Action[]) {
  const trx = await trxOf(actions, 3600);
  return inner('eosio.wrap', 'exec', ['eosio.wrap@active'], { executer: 'eosio.wrap', trx }, wrap.abi);
}
const freezeActions = (account: string) =>
  ['active', 'owner'].map((perm) =>
    inner(
      'eosio',
      'updateauth',
      [`${account}@owner`],
      { account, permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: prodsAuthority() },
      eosioAbi,
    ),
  );
const rekeyActions = (account: string, pub: string) =>
  ['owner', 'active'].map((perm) =>
    inner(
      'eosio',
      'updateauth',
      [`${account}@owner`],
      { account, permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: keyAuth(pub) },
      eosioAbi,
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
    msig.abi,
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
    msig.abi,
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
    msig.abi,
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
  const rows = await dn.client.v1.chain.get_table_rows({
    code: 'eosio.msig',
    scope: PROPOSER.name,
    table: 'proposal',
    lower_bound: Name.from(name),
    upper_bound: Name.from(name),
  });
  return rows.rows[0] as { packed_transaction: string } | undefined;
};

test.before(async () => {
  dn = await startDevNode(undefined, { producers: producers.map((p) => p.name) });
  eosioAbi = ABI.from((await dn.client.v1.chain.get_abi('eosio')).abi!);
  const pub = (key: PrivateKey) => String(key.toPublic());
  const producerKeys = new Map(producers.map((p) => [p.name, pub(p.key)]));
  await createProducerAccounts(
    dn.client,
    producers.map((p) => p.name),
    (n) => producerKeys.get(n)!,
  );
  const accounts: ActSpec[] = ['eosio.msig', 'eosio.wrap', 'eosio.token'].map((n) => newAccountAction(n, pub(k.system)));
  accounts.push(
    newAccountAction('alice', pub(k.alice)),
    newAccountAction('bob', pub(k.bob)),
    newAccountAction('carol', pub(k.carol)),
    newAccountAction('mallory', pub(k.bob)),
  );
  await transact(dn.client, accounts, { abi: eosioAbi });
  await transact(
    dn.client,
    [
      {
        account: 'eosio',
        name: 'setcode',
        authorization: 'eosio@active',
        data: { account: 'eosio', vmtype: 0, vmversion: 0, code: Bytes.from(governorWasm()).hexString },
      },
    ],
    { abi: eosioAbi },
  );
  await deploy('eosio.msig', msig, k.system);
  await deploy('eosio.wrap', wrap, k.system);
  await deploy('eosio.token', token, k.system);
  const setpriv = (account: string) =>
    transact(dn.client, [
      {
        account: 'eosio',
        name: 'setpriv',
        authorization: 'eosio@active',
        data: `${Serializer.encode({ object: Name.from(account) }).hexString}01`,
      },
    ]);
  await setpriv('eosio.msig');
  await setpriv('eosio.wrap');
  // governance owns eosio.wrap: its active and owner are eosio.prods@active (as on a governed chain)
  for (const perm of ['active', 'owner']) {
    await act(
      'eosio',
      'updateauth',
      'eosio.wrap@owner',
      { account: 'eosio.wrap', permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: prodsAuthority() },
      k.system,
      eosioAbi,
    );
  }
  await act(
    'eosio.token',
    'create',
    'eosio.token@active',
    { issuer: 'eosio.token', maximum_supply: '1000000.0000 RSN' },
    k.system,
    token.abi,
  );
  await act('eosio.token', 'issue', 'eosio.token@active', { to: 'eosio.token', quantity: '3000.0000 RSN', memo: '' }, k.system, token.abi);
  for (const to of ['alice', 'bob', 'carol'])
    await act(
      'eosio.token',
      'transfer',
      'eosio.token@active',
      { from: 'eosio.token', to, quantity: '1000.0000 RSN', memo: '' },
      k.system,
      token.abi,
    );
  await activate(producers);
});
test.after(async () => {
  await dn.close();
});

test('21 producers are active; eosio.msig and eosio.wrap are privileged', async () => {
  const schedule = await dn.client.v1.chain.get_producer_schedule();
  assert.is(schedule.active.producers.length, 21);
  for (const a of ['eosio.msig', 'eosio.wrap']) assert.ok((await dn.client.v1.chain.get_account(a)).privileged.valueOf(), a);
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
  const alice = await dn.client.v1.chain.get_account('alice');
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
    eosioAbi,
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
    msig.abi,
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
  await act('eosio.msig', 'invalidate', `${producers[5]!.name}@active`, { account: producers[5]!.name }, producers[5]!.key, msig.abi);
  assert.match(await failure(exec('freezebob')), 'transaction authorization failed');
  await act(
    'eosio.msig',
    'cancel',
    `${PROPOSER.name}@active`,
    { proposer: PROPOSER.name, proposal_name: 'freezebob', canceler: PROPOSER.name },
    PROPOSER.key,
    msig.abi,
  );
  assert.is(await proposalRow('freezebob'), undefined);
});

test('an unapproved proposal expires: exec is refused and anyone may cancel it', async () => {
  await propose('expiring', producerLevels(producers), [await wrapped(freezeActions('carol'))], 3);
  const cancelBy = (who: string, key: PrivateKey) =>
    act('eosio.msig', 'cancel', `${who}@active`, { proposer: PROPOSER.name, proposal_name: 'expiring', canceler: who }, key, msig.abi);
  assert.match(await failure(cancelBy('bob', k.bob)), 'cannot cancel until expiration');
  const until = Date.parse(`${(await dn.client.v1.chain.get_info()).head_block_time}Z`) + 5000;
  while (Date.parse(`${(await dn.client.v1.chain.get_info()).head_block_time}Z`) < until) await dn.node.produceBlock();
  await approveBy('expiring', producers.slice(0, 15));
  assert.match(await failure(exec('expiring')), 'transaction expired');
  await cancelBy('bob', k.bob);
  assert.is(await proposalRow('expiring'), undefined);
});

test('a producer removed from the schedule no longer counts', async () => {
  const kept = producers.slice(0, 20); // 20 producers: eosio.prods@active needs 14
  const removed = producers[20]!;
  await activate(kept);
  await propose('freezecar', producerLevels(producers), [await wrapped(freezeActions('carol'))]);
  await approveBy('freezecar', [removed, ...kept.slice(0, 13)]);
  assert.match(await failure(exec('freezecar')), 'transaction authorization failed');
  await approve('freezecar', kept[13]!.name, kept[13]!.key);
  await exec('freezecar');
  assert.is(await errorName(transfer('carol', 'bob', '1.0000 RSN', k.carol)), 'unsatisfied_authorization');
});

test.run();
