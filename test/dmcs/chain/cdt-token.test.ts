// "A contract built with another toolchain": a CDT-built eosio.token deployed on `peeros node` with
// @wharfkit/antelope's setcode/setabi, then create/issue/transfer and its tables read back.
// Third-party binaries stay out of the repository, so this runs when PEEROS_CDT_TOKEN names the
// path prefix of a CDT build (`<prefix>.wasm` + `<prefix>.abi`, e.g. contracts/eosio.token/eosio.token
// of github.com/MetalBlockchain/antelopevm); without it the file reports one skipped test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ABI, Serializer } from '@wharfkit/antelope';
import { startDevNode, transact, newAccountAction, errorName, testKey, type DevNode, flatTraces, setcodeAction } from '../helpers.js';

const prefix = process.env.PEEROS_CDT_TOKEN;

if (!prefix) {
  // reported as skipped by the runner (uvu's test.skip), never as passed
  console.log('  skipped: PEEROS_CDT_TOKEN is not set');
  test.skip('CDT eosio.token on the node (set PEEROS_CDT_TOKEN to run)');
} else {
  const wasm = readFileSync(`${prefix}.wasm`);
  const abi = ABI.from(JSON.parse(readFileSync(`${prefix}.abi`, 'utf8')));
  const token = testKey('cdt.token');
  const alice = testKey('cdt.alice');
  let dn: DevNode;

  test.before(async () => {
    dn = await startDevNode();
    await transact(dn.client, [
      newAccountAction('eosio.token', String(token.toPublic())),
      newAccountAction('alice', String(alice.toPublic())),
      newAccountAction('bob', String(alice.toPublic())),
    ]);
  });
  test.after(async () => {
    await dn.close();
  });

  test('setcode/setabi from wharfkit deploy the CDT build', async () => {
    await transact(
      dn.client,
      [
        setcodeAction('eosio.token', wasm),
        {
          account: 'eosio',
          name: 'setabi',
          authorization: 'eosio.token@active',
          data: { account: 'eosio.token', abi: Serializer.encode({ object: abi }).hexString },
        },
      ],
      { keys: [token] },
    );
    const raw = await dn.client.v1.chain.get_raw_abi('eosio.token');
    assert.ok(String(raw.code_hash) !== '0'.repeat(64));
  });

  test('create, issue, transfer; tables match eosio.token semantics', async () => {
    await transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'create',
          authorization: 'eosio.token@active',
          data: { issuer: 'alice', maximum_supply: '1000000.0000 SYS' },
        },
      ],
      { keys: [token] },
    );
    await transact(
      dn.client,
      [{ account: 'eosio.token', name: 'issue', authorization: 'alice@active', data: { to: 'alice', quantity: '100.0000 SYS', memo: '' } }],
      { keys: [alice] },
    );
    const res = await transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'transfer',
          authorization: 'alice@active',
          data: { from: 'alice', to: 'bob', quantity: '2.5000 SYS', memo: 'cdt' },
        },
      ],
      { keys: [alice] },
    );
    assert.equal(
      flatTraces(res).map((t: { receiver: string }) => t.receiver),
      ['eosio.token', 'alice', 'bob'],
    );
    const a = await dn.client.v1.chain.get_table_rows({ code: 'eosio.token', scope: 'alice', table: 'accounts' });
    const b = await dn.client.v1.chain.get_table_rows({ code: 'eosio.token', scope: 'bob', table: 'accounts' });
    const stat = await dn.client.v1.chain.get_table_rows({ code: 'eosio.token', scope: 'SYS', table: 'stat' });
    assert.equal(a.rows, [{ balance: '97.5000 SYS' }]);
    assert.equal(b.rows, [{ balance: '2.5000 SYS' }]);
    assert.equal(stat.rows, [{ supply: '100.0000 SYS', max_supply: '1000000.0000 SYS', issuer: 'alice' }]);
  });

  test('overdrawn balance comes back as eosio_assert_message_exception', async () => {
    const p = transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'transfer',
          authorization: 'bob@active',
          data: { from: 'bob', to: 'alice', quantity: '5.0000 SYS', memo: '' },
        },
      ],
      { keys: [alice] },
    );
    assert.is(await errorName(p), 'eosio_assert_message_exception');
  });
}

test.run();
