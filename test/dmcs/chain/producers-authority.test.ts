// "15 of 21 producers": eosio.prods's permissions follow the active producer schedule as Leap's
// update_producers_authority computes them. A privileged contract on eosio proposes 21 producers
// (set_proposed_producers); once the schedule is active (the node holds their block signing keys,
// so it goes on producing in their slots), an action authorized by eosio.prods@active
// fails with 14 producer signatures and runs with 15; prod.major needs 11 and prod.minor 8; a
// producer dropped from the schedule no longer counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PrivateKey } from '@wharfkit/antelope';
import { startDevNode, transact, errorName, testKey, type DevNode } from '../helpers.js';
import { createProducerAccounts, deployGovernor, proposeAndActivate } from '../schedule.js';

let dn: DevNode;
const producers = Array.from({ length: 21 }, (_, i) => ({
  name: `producer${'abcdefghijklmnopqrstu'[i]}`,
  key: testKey(`gov.producer.${i}`),
}));

/** Proposes the producers (with the block signing keys the node holds for them) and waits until they are active. */
const setprods = async (list: typeof producers) => {
  const signing = new Map(dn.node.producers.map((p) => [p.name, p.key]));
  await proposeAndActivate(
    dn.node,
    dn.client,
    list.map((p) => ({ name: p.name, key: signing.get(p.name)! })),
  );
};
const asProds = (permission: string, keys: PrivateKey[], salt: string) =>
  transact(dn.client, [{ account: 'eosio', name: 'noop', authorization: `eosio.prods@${permission}`, data: salt }], { keys });
const permission = async (name: string) => {
  const acct = await dn.client.v1.chain.get_account('eosio.prods');
  return acct.permissions.find((p) => String(p.perm_name) === name)!;
};

test.before(async () => {
  dn = await startDevNode(undefined, { producers: producers.map((p) => p.name) });
  const accountKeys = new Map(producers.map((p) => [p.name, String(p.key.toPublic())]));
  await createProducerAccounts(dn.client, [...accountKeys.keys()], (n) => accountKeys.get(n)!);
  await deployGovernor(dn.client);
});
test.after(async () => {
  await dn.close();
});

test('at genesis eosio.prods exists: active, prod.major and prod.minor are eosio@active', async () => {
  for (const name of ['active', 'prod.major', 'prod.minor']) {
    const p = await permission(name);
    assert.equal(
      p.required_auth.accounts.map((a) => `${a.permission.actor}@${a.permission.permission}`),
      ['eosio@active'],
      name,
    );
  }
  assert.is(String((await permission('prod.minor')).parent), 'prod.major');
});

test('with 21 producers active, eosio.prods@active is 15 of 21, prod.major 11, prod.minor 8', async () => {
  await setprods(producers);
  assert.is(Number((await permission('active')).required_auth.threshold), 15);
  assert.is((await permission('active')).required_auth.accounts.length, 21);
  assert.is(Number((await permission('prod.major')).required_auth.threshold), 11);
  assert.is(Number((await permission('prod.minor')).required_auth.threshold), 8);
});

test('an action authorized by eosio.prods@active fails with 14 producer signatures and runs with 15', async () => {
  const keys = producers.map((p) => p.key);
  assert.is(await errorName(asProds('active', keys.slice(0, 14), '01')), 'unsatisfied_authorization');
  await asProds('active', keys.slice(0, 15), '02');
  // prod.minor (8 of 21) sits below active: it authorizes only actions linked to it, as in Leap
  assert.is(await errorName(asProds('prod.minor', keys.slice(3, 11), '03')), 'irrelevant_auth_exception');
});

test('a producer removed from the schedule no longer counts', async () => {
  const kept = producers.slice(1); // 20 producers: active threshold 14
  await setprods(kept);
  assert.is(Number((await permission('active')).required_auth.threshold), 14);
  const removedPlus13 = [producers[0]!.key, ...kept.slice(0, 13).map((p) => p.key)];
  assert.is(await errorName(asProds('active', removedPlus13, '04')), 'unsatisfied_authorization');
  await asProds(
    'active',
    kept.slice(0, 14).map((p) => p.key),
    '05',
  );
});

test.run();
