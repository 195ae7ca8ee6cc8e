// A dev node set up for governance tests: 21 producers (accounts with their own keys, the node
// holding their block signing keys) active in the schedule; our eosio.msig and eosio.wrap
// (contracts/, from build/contracts) deployed and privileged, eosio.wrap's owner and active held by
// eosio.prods@active; dPay's token on eosio.token with 1000 RSN each for alice, bob and carol.
// A privileged stand-in for eosio.bios on eosio proposes producers (`setprods`) and sets privileges
// (`setpriv`). Clients: @wharfkit/antelope.
import { readFileSync } from 'node:fs';
import { ABI, Bytes, Name, Serializer, type PrivateKey } from '@wharfkit/antelope';
import * as assert from 'uvu/assert';
import { startDevNode, transact, testKey, newAccountAction, type DevNode, type ActSpec } from './helpers.js';
import { createProducerAccounts, packedProducerKeys, type ScheduledProducer } from './schedule.js';
import { wat } from './vm/wat.js';

const ROOT = new URL('../../../', import.meta.url);
export const built = (n: string) => ({
  wasm: readFileSync(new URL(`build/contracts/${n}/${n}.wasm`, ROOT)),
  abi: ABI.from(JSON.parse(readFileSync(new URL(`build/contracts/${n}/${n}.abi`, ROOT), 'utf8'))),
});

export interface Producer {
  name: string;
  key: PrivateKey;
}

export const PRODUCERS: Producer[] = Array.from({ length: 21 }, (_, i) => ({
  name: `producer${'abcdefghijklmnopqrstu'[i]}`,
  key: testKey(`rescue.producer.${i}`),
}));

export const KEYS = {
  alice: testKey('rescue.alice'),
  aliceNew: testKey('rescue.alice.new'),
  bob: testKey('rescue.bob'),
  carol: testKey('rescue.carol'),
  system: testKey('rescue.system'),
};

/** `setprods` (packed producer keys) and `setpriv` (account, is_priv), for eosio. */
export function governorWasm(): Uint8Array {
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

/** eosio.prods@active as a one-account authority. */
export const prodsAuthority = () => ({
  threshold: 1,
  keys: [],
  accounts: [{ permission: { actor: 'eosio.prods', permission: 'active' }, weight: 1 }],
  waits: [],
});

export interface GovernedChain {
  dn: DevNode;
  eosioAbi: ABI;
  msig: ReturnType<typeof built>;
  wrap: ReturnType<typeof built>;
  token: ReturnType<typeof built>;
  /** Pushes one action signed by `key`; each call differs (no duplicate transaction ids). */
  act(account: string, name: string, auth: string, data: Record<string, unknown>, key: PrivateKey, abi: ABI): Promise<unknown>;
  transfer(from: string, to: string, quantity: string, key: PrivateKey): Promise<unknown>;
  balance(owner: string): Promise<string>;
  /** Proposes `list` (with the block signing keys the node holds) and produces blocks until it is active. */
  activate(list: readonly Producer[]): Promise<void>;
}

export async function startGovernedChain(): Promise<GovernedChain> {
  const dn = await startDevNode(undefined, { producers: PRODUCERS.map((p) => p.name) });
  const eosioAbi = ABI.from((await dn.client.v1.chain.get_abi('eosio')).abi!);
  const msig = built('msig');
  const wrap = built('wrap');
  const token = built('dpay');
  let salt = 0;
  const act = (account: string, name: string, auth: string, data: Record<string, unknown>, key: PrivateKey, abi: ABI) =>
    transact(dn.client, [{ account, name, authorization: auth, data }], { keys: [key], abi, expireSeconds: 60 + (salt++ % 3000) });
  const g: GovernedChain = {
    dn,
    eosioAbi,
    msig,
    wrap,
    token,
    act,
    transfer: (from, to, quantity, key) =>
      act('eosio.token', 'transfer', `${from}@active`, { from, to, quantity, memo: '' }, key, token.abi),
    async balance(owner) {
      const rows = await dn.client.v1.chain.get_table_rows({ code: 'eosio.token', scope: owner, table: 'accounts' });
      return String((rows.rows[0] as { balance: string } | undefined)?.balance ?? '0.0000 RSN');
    },
    async activate(list) {
      const signing = new Map(dn.node.producers.map((p) => [p.name, p.key]));
      const scheduled: ScheduledProducer[] = list.map((p) => ({ name: p.name, key: signing.get(p.name)! }));
      const before = dn.node.chain.head.state.activeSchedule.version;
      await transact(dn.client, [
        { account: 'eosio', name: 'setprods', authorization: 'eosio@active', data: packedProducerKeys(scheduled) },
      ]);
      for (let i = 0; i < 3000 && dn.node.chain.head.state.activeSchedule.version === before; i++) await dn.node.produceBlock();
      assert.ok(dn.node.chain.head.state.activeSchedule.version > before, 'the schedule became active');
    },
  };

  const pub = (key: PrivateKey) => String(key.toPublic());
  const producerKeys = new Map(PRODUCERS.map((p) => [p.name, pub(p.key)]));
  await createProducerAccounts(
    dn.client,
    PRODUCERS.map((p) => p.name),
    (n) => producerKeys.get(n)!,
  );
  const accounts: ActSpec[] = ['eosio.msig', 'eosio.wrap', 'eosio.token'].map((n) => newAccountAction(n, pub(KEYS.system)));
  accounts.push(
    newAccountAction('alice', pub(KEYS.alice)),
    newAccountAction('bob', pub(KEYS.bob)),
    newAccountAction('carol', pub(KEYS.carol)),
    newAccountAction('mallory', pub(KEYS.bob)),
  );
  await transact(dn.client, accounts, { abi: eosioAbi });
  const setcode = (account: string, wasm: Uint8Array) => ({
    account: 'eosio',
    name: 'setcode',
    authorization: `${account}@active`,
    data: { account, vmtype: 0, vmversion: 0, code: Bytes.from(wasm).hexString },
  });
  await transact(dn.client, [setcode('eosio', governorWasm())], { abi: eosioAbi });
  for (const [account, c] of [
    ['eosio.msig', msig],
    ['eosio.wrap', wrap],
    ['eosio.token', token],
  ] as const) {
    const setabi = {
      account: 'eosio',
      name: 'setabi',
      authorization: `${account}@active`,
      data: { account, abi: Serializer.encode({ object: c.abi }).hexString },
    };
    await transact(dn.client, [setcode(account, c.wasm), setabi], { keys: [KEYS.system], abi: eosioAbi });
  }
  for (const account of ['eosio.msig', 'eosio.wrap']) {
    const data = `${Serializer.encode({ object: Name.from(account) }).hexString}01`;
    await transact(dn.client, [{ account: 'eosio', name: 'setpriv', authorization: 'eosio@active', data }]);
  }
  // governance owns eosio.wrap: its active and owner are eosio.prods@active (as on a governed chain)
  for (const perm of ['active', 'owner']) {
    const data = { account: 'eosio.wrap', permission: perm, parent: perm === 'owner' ? '' : 'owner', auth: prodsAuthority() };
    await act('eosio', 'updateauth', 'eosio.wrap@owner', data, KEYS.system, eosioAbi);
  }
  await act(
    'eosio.token',
    'create',
    'eosio.token@active',
    { issuer: 'eosio.token', maximum_supply: '1000000.0000 RSN' },
    KEYS.system,
    token.abi,
  );
  await act(
    'eosio.token',
    'issue',
    'eosio.token@active',
    { to: 'eosio.token', quantity: '3000.0000 RSN', memo: '' },
    KEYS.system,
    token.abi,
  );
  for (const to of ['alice', 'bob', 'carol']) {
    await act(
      'eosio.token',
      'transfer',
      'eosio.token@active',
      { from: 'eosio.token', to, quantity: '1000.0000 RSN', memo: '' },
      KEYS.system,
      token.abi,
    );
  }
  await g.activate(PRODUCERS);
  return g;
}
