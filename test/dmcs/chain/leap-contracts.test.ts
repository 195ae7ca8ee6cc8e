// "Leap's own reference contracts run unmodified": Leap's compiled eosio.bios, eosio.msig,
// eosio.system, eosio.token and eosio.wrap deploy on `peeros node` (setcode checks every import
// they name); eosio.bios runs setpriv, setalimits, setprods, reqactivated and activate; eosio.msig
// runs propose / approve / unapprove / exec / cancel, its exec sending the approved transaction
// inline from a privileged account. Driven over the chain API with @wharfkit/antelope.
// Third-party binaries stay out of the repository: this runs when PEEROS_LEAP_CONTRACTS names a
// folder made by scripts/leap-contracts.sh; without it the file reports one skipped test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABI, Bytes, Serializer, Transaction, type PrivateKey } from '@wharfkit/antelope';
import {
  startDevNode,
  transact,
  newAccountAction,
  errorName,
  testKey,
  keyAuth,
  type DevNode,
  type ActSpec,
  flatTraces,
} from '../helpers.js';
import { BUILTIN_PROTOCOL_FEATURES } from '../../../dmcs/chain/protocol-features.js';

const dir = process.env.PEEROS_LEAP_CONTRACTS;

if (!dir) {
  // reported as skipped by the runner (uvu's test.skip), never as passed
  console.log('  skipped: PEEROS_LEAP_CONTRACTS is not set (make it with scripts/leap-contracts.sh)');
  test.skip("Leap's reference contracts on the node (set PEEROS_LEAP_CONTRACTS to run)");
} else {
  const contract = (n: string) => ({
    wasm: readFileSync(join(dir, `${n}.wasm`)),
    abi: ABI.from(JSON.parse(readFileSync(join(dir, `${n}.abi`), 'utf8'))),
  });
  const bios = contract('eosio.bios');
  const msig = contract('eosio.msig');
  const system = contract('eosio.system');
  const token = contract('eosio.token');
  const wrap = contract('eosio.wrap');
  const k = {
    alice: testKey('leap.alice'),
    bob: testKey('leap.bob'),
    carol: testKey('leap.carol'),
    msig: testKey('leap.msig'),
    token: testKey('leap.token'),
    prod: testKey('leap.prod'),
  };
  let dn: DevNode;

  const deploy = (account: string, c: { wasm: Uint8Array; abi: ABI }, keys?: PrivateKey[]) =>
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
      keys ? { keys } : {},
    );
  const biosAct = (name: string, data: Record<string, unknown>) =>
    transact(dn.client, [{ account: 'eosio', name, authorization: 'eosio@active', data }], { abi: bios.abi });
  // `expireSeconds` varies a repeated action so it is not the same transaction (tx_duplicate)
  const msigAct = (name: string, actor: string, data: Record<string, unknown>, key: PrivateKey, expireSeconds = 60) =>
    transact(dn.client, [{ account: 'eosio.msig', name, authorization: `${actor}@active`, data }], {
      keys: [key],
      abi: msig.abi,
      expireSeconds,
    });
  const nextBlock = () => dn.node.produceBlock();

  test.before(async () => {
    // the node holds producer1's block signing key, so it goes on producing once setprods is active
    dn = await startDevNode(undefined, { producers: ['producer1'] });
    const accounts: ActSpec[] = [
      newAccountAction('eosio.msig', String(k.msig.toPublic())),
      newAccountAction('eosio.wrap', String(k.msig.toPublic())),
      newAccountAction('eosio.token', String(k.token.toPublic())),
      newAccountAction('sysdeploy', String(k.msig.toPublic())),
      newAccountAction('alice', String(k.alice.toPublic())),
      newAccountAction('bob', String(k.bob.toPublic())),
      newAccountAction('producer1', String(k.prod.toPublic())),
      {
        // carol's active is a 2-of-2 of alice and bob: only a multisig moves her funds
        account: 'eosio',
        name: 'newaccount',
        authorization: 'eosio@active',
        data: {
          creator: 'eosio',
          name: 'carol',
          owner: keyAuth(String(k.carol.toPublic())),
          active: {
            threshold: 2,
            keys: [],
            accounts: [
              { permission: { actor: 'alice', permission: 'active' }, weight: 1 },
              { permission: { actor: 'bob', permission: 'active' }, weight: 1 },
            ],
            waits: [],
          },
        },
      },
    ];
    await transact(dn.client, accounts);
  });
  test.after(async () => {
    await dn.close();
  });

  test('setcode accepts every import of eosio.bios, eosio.msig, eosio.system, eosio.token and eosio.wrap', async () => {
    await deploy('eosio', bios);
    await deploy('eosio.msig', msig, [k.msig]);
    await deploy('eosio.wrap', wrap, [k.msig]);
    await deploy('sysdeploy', system, [k.msig]);
    await deploy('eosio.token', token, [k.token]);
    for (const a of ['eosio', 'eosio.msig', 'eosio.wrap', 'sysdeploy', 'eosio.token']) {
      const raw = await dn.client.v1.chain.get_raw_abi(a);
      assert.ok(String(raw.code_hash) !== '0'.repeat(64), `${a} has code`);
    }
  });

  test('eosio.bios setpriv makes eosio.msig privileged (get_account reports it)', async () => {
    assert.is((await dn.client.v1.chain.get_account('eosio.msig')).privileged.valueOf(), false);
    await biosAct('setpriv', { account: 'eosio.msig', is_priv: 1 });
    assert.is((await dn.client.v1.chain.get_account('eosio.msig')).privileged.valueOf(), true);
  });

  test('eosio.bios setalimits sets resource limits that get_account reports', async () => {
    await biosAct('setalimits', { account: 'bob', ram_bytes: 1_000_000, net_weight: 7, cpu_weight: 9 });
    const bob = (await dn.client.v1.chain.get_account('bob')) as unknown as { ram_quota: number; net_weight: number; cpu_weight: number };
    assert.equal([Number(bob.ram_quota), Number(bob.net_weight), Number(bob.cpu_weight)], [1_000_000, 7, 9]);
  });

  test('unprivileged contracts may not call privileged intrinsics: unaccessible_api', async () => {
    // eosio.token is not privileged; bios's setpriv on another account runs bios code as eosio (privileged),
    // so deploy bios's code check through a non-privileged receiver instead: sysdeploy runs eosio.system,
    // whose setpriv calls set_privileged
    const name = await errorName(
      transact(
        dn.client,
        [{ account: 'sysdeploy', name: 'setpriv', authorization: 'sysdeploy@active', data: { account: 'bob', is_priv: 1 } }],
        {
          keys: [k.msig],
          abi: system.abi,
        },
      ),
    );
    assert.is(name, 'unaccessible_api');
  });

  test('eosio.bios reqactivated sees the builtin protocol features; activate refuses them as already active', async () => {
    await biosAct('reqactivated', { feature_digest: BUILTIN_PROTOCOL_FEATURES.ACTION_RETURN_VALUE!.digest });
    assert.is(await errorName(biosAct('reqactivated', { feature_digest: '11'.repeat(32) })), 'eosio_assert_message_exception');
    assert.is(
      await errorName(biosAct('activate', { feature_digest: BUILTIN_PROTOCOL_FEATURES.GET_SENDER!.digest })),
      'protocol_feature_exception',
    );
  });

  test('eosio.bios setprods proposes a schedule that becomes active once the proposing block is irreversible', async () => {
    const prodKey = dn.node.producers.find((p) => p.name === 'producer1')!.key;
    await biosAct('setprods', {
      schedule: [
        { producer_name: 'producer1', authority: ['block_signing_authority_v0', { threshold: 1, keys: [{ key: prodKey, weight: 1 }] }] },
      ],
    });
    const st = dn.node.chain.state.producers;
    assert.is(st.proposed?.version, 1);
    assert.equal(
      st.proposed?.producers.map((p) => p.producerName),
      ['producer1'],
    );
    // Leap's legacy path: announced in a header once the proposing block is irreversible, active at the LIB after that
    for (let i = 0; i < 10 && st.active.version === 0; i++) await nextBlock();
    await biosAct('setalimits', { account: 'alice', ram_bytes: -1, net_weight: -1, cpu_weight: -1 });
    assert.is(st.active.version, 1);
    assert.is(dn.node.chain.head.state.activeSchedule.producers[0]?.producerName.toString(), 'producer1');
    assert.is(st.proposed, null);
    assert.is(
      await errorName(
        biosAct('setprods', {
          schedule: [
            { producer_name: 'nobody', authority: ['block_signing_authority_v0', { threshold: 1, keys: [{ key: prodKey, weight: 1 }] }] },
          ],
        }),
      ),
      'wasm_execution_error',
    );
  });

  test('eosio.msig: propose, approve, unapprove, exec (inline from a privileged account), cancel', async () => {
    await transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'create',
          authorization: 'eosio.token@active',
          data: { issuer: 'eosio.token', maximum_supply: '1000.0000 SYS' },
        },
      ],
      {
        keys: [k.token],
        abi: token.abi,
      },
    );
    await transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'issue',
          authorization: 'eosio.token@active',
          data: { to: 'eosio.token', quantity: '100.0000 SYS', memo: '' },
        },
      ],
      {
        keys: [k.token],
        abi: token.abi,
      },
    );
    await transact(
      dn.client,
      [
        {
          account: 'eosio.token',
          name: 'transfer',
          authorization: 'eosio.token@active',
          data: { from: 'eosio.token', to: 'carol', quantity: '10.0000 SYS', memo: '' },
        },
      ],
      { keys: [k.token], abi: token.abi },
    );
    const info = await dn.client.v1.chain.get_info();
    const inner = Transaction.from(
      {
        ...info.getTransactionHeader(3600),
        actions: [
          {
            account: 'eosio.token',
            name: 'transfer',
            authorization: [{ actor: 'carol', permission: 'active' }],
            data: { from: 'carol', to: 'alice', quantity: '4.0000 SYS', memo: 'by multisig' },
          },
        ],
      },
      token.abi,
    );
    const requested = [
      { actor: 'alice', permission: 'active' },
      { actor: 'bob', permission: 'active' },
    ];
    await msigAct('propose', 'alice', { proposer: 'alice', proposal_name: 'pay', requested, trx: inner }, k.alice);
    const rows = await dn.client.v1.chain.get_table_rows({ code: 'eosio.msig', scope: 'alice', table: 'approvals2', json: true });
    assert.is((rows.rows[0] as { requested_approvals: unknown[] }).requested_approvals.length, 2);

    await msigAct('approve', 'alice', { proposer: 'alice', proposal_name: 'pay', level: requested[0] }, k.alice);
    assert.is(
      await errorName(msigAct('exec', 'alice', { proposer: 'alice', proposal_name: 'pay', executer: 'alice' }, k.alice)),
      'eosio_assert_message_exception',
      'one approval of two: exec refused',
    );
    await msigAct('approve', 'bob', { proposer: 'alice', proposal_name: 'pay', level: requested[1] }, k.bob);
    await msigAct('unapprove', 'bob', { proposer: 'alice', proposal_name: 'pay', level: requested[1] }, k.bob);
    assert.is(
      await errorName(msigAct('exec', 'alice', { proposer: 'alice', proposal_name: 'pay', executer: 'alice' }, k.alice, 61)),
      'eosio_assert_message_exception',
      'unapproved again: exec refused',
    );
    await msigAct('approve', 'bob', { proposer: 'alice', proposal_name: 'pay', level: requested[1] }, k.bob, 61);
    const res = await msigAct('exec', 'bob', { proposer: 'alice', proposal_name: 'pay', executer: 'bob' }, k.bob);
    const traces = (flatTraces(res) as Array<{ act: { account: string; name: string } }>).map((t) => `${t.act.account}::${t.act.name}`);
    assert.ok(traces.includes('eosio.msig::exec'));
    const balance = await dn.client.v1.chain.get_currency_balance('eosio.token', 'alice', 'SYS');
    assert.equal(balance.map(String), ['4.0000 SYS']);
    const left = await dn.client.v1.chain.get_table_rows({ code: 'eosio.msig', scope: 'alice', table: 'proposal', json: true });
    assert.is(left.rows.length, 0, 'an executed proposal is removed');

    await msigAct('propose', 'alice', { proposer: 'alice', proposal_name: 'again', requested, trx: inner }, k.alice);
    await msigAct('cancel', 'alice', { proposer: 'alice', proposal_name: 'again', canceler: 'alice' }, k.alice);
    const after = await dn.client.v1.chain.get_table_rows({ code: 'eosio.msig', scope: 'alice', table: 'proposal', json: true });
    assert.is(after.rows.length, 0, 'a cancelled proposal is removed');
  });
}

test.run();
