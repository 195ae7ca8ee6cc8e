// Transaction semantics that now follow Leap 5: max_net_usage_words and max_cpu_usage_ms enforced,
// transaction extensions refused, the act digest covering set_action_return_value
// (generate_action_digest), and RAM limits set by a privileged contract (set_resource_limits)
// enforced at the end of a transaction and reported by get_account.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Bytes, Checksum256, Name as WName, Serializer, Int64 } from '@wharfkit/antelope';
import { Name } from '../../../abi/antelope/index.js';
import { wat } from '../vm/wat.js';
import { loopsHex, spinWasm } from './spin-contract.js';
import { startDevNode, transact, newAccountAction, errorName, testKey, keyAuth, type DevNode, setcodeAction } from '../helpers.js';

const spin = testKey('sem.spin');
const alice = testKey('sem.alice');
let dn: DevNode;
const i64 = (n: string) => BigInt.asIntN(64, Name.from(n).value).toString();

/** On `eosio` (privileged): `setalimits` calls set_resource_limits(account, ram, net, cpu) from 32 bytes of data. */
const limitsWasm = () =>
  wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "set_resource_limits" (func $set (param i64 i64 i64 i64)))
    (memory 1)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (if (i64.eq (local.get $a) (i64.const ${i64('setalimits')})) (then
        (drop (call $read (i32.const 0) (i32.const 32)))
        (call $set (i64.load (i32.const 0)) (i64.load (i32.const 8)) (i64.load (i32.const 16)) (i64.load (i32.const 24)))))))`);

test.before(async () => {
  dn = await startDevNode();
  await transact(dn.client, [newAccountAction('spin', String(spin.toPublic())), newAccountAction('alice', String(alice.toPublic()))]);
  await transact(dn.client, [setcodeAction('spin', spinWasm())], { keys: [spin] });
});
test.after(async () => {
  await dn.close();
});

const runSpin = (loops: number, header = {}) =>
  transact(dn.client, [{ account: 'spin', name: 'go', authorization: 'spin@active', data: loopsHex(loops) }], { keys: [spin], header });

test('max_net_usage_words below the transaction size is tx_net_usage_exceeded', async () => {
  assert.is(await errorName(runSpin(1, { max_net_usage_words: 2 })), 'tx_net_usage_exceeded');
  await runSpin(1, { max_net_usage_words: 1000 });
});

test('max_cpu_usage_ms bounds the metered CPU: tx_cpu_usage_exceeded where the chain limit alone passes', async () => {
  await runSpin(400_000);
  assert.is(await errorName(runSpin(400_000, { max_cpu_usage_ms: 1 })), 'tx_cpu_usage_exceeded');
});

test('the act digest is generate_action_digest over the action and its return value', async () => {
  const res = await runSpin(2, { max_cpu_usage_ms: 5 });
  const trace = res.processed.action_traces[0];
  assert.is(trace.return_value_hex_data, '07');
  // action.hpp: sha256(sha256(account, name, authorization) ‖ sha256(bytes data ‖ bytes return_value))
  const enc = (o: WName | Int64) => Serializer.encode({ object: o }).hexString;
  const base = Checksum256.hash(
    Bytes.from(`${enc(WName.from('spin'))}${enc(WName.from('go'))}01${enc(WName.from('spin'))}${enc(WName.from('active'))}`, 'hex'),
  );
  const rhs = Checksum256.hash(Bytes.from(`04${loopsHex(2)}0107`, 'hex'));
  const expected = Checksum256.hash(Bytes.from(base.hexString + rhs.hexString, 'hex'));
  assert.is(trace.receipt.act_digest, expected.hexString);
});

test('set_resource_limits from a privileged contract: get_account reports the RAM quota and growth past it is ram_usage_exceeded', async () => {
  await transact(dn.client, [setcodeAction('eosio', limitsWasm())]);
  const used = Number((await dn.client.v1.chain.get_account('alice')).ram_usage);
  const quota = used + 100;
  const enc = (o: WName | Int64) => Serializer.encode({ object: o }).hexString;
  const raw = enc(WName.from('alice')) + enc(Int64.from(quota)) + enc(Int64.from(5)) + enc(Int64.from(6));
  await transact(dn.client, [{ account: 'eosio', name: 'setalimits', authorization: 'eosio@active', data: raw }]);
  const acct = (await dn.client.v1.chain.get_account('alice')) as unknown as { ram_quota: number; net_weight: number; cpu_weight: number };
  assert.equal([Number(acct.ram_quota), Number(acct.net_weight), Number(acct.cpu_weight)], [quota, 5, 6]);
  const grow = {
    account: 'eosio',
    name: 'updateauth',
    authorization: 'alice@active',
    data: { account: 'alice', permission: 'extra', parent: 'active', auth: keyAuth(String(alice.toPublic())) },
  };
  assert.is(await errorName(transact(dn.client, [grow], { keys: [alice] })), 'ram_usage_exceeded');
});

test.run();
