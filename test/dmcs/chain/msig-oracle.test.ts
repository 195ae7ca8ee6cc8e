// Our eosio.msig (contracts/msig) against Leap's compiled eosio.msig as the oracle: the same script
// of propose / approve (with right and wrong hashes) / unapprove / invalidate / exec / cancel,
// expiry and refusals runs on both, side by side on one node, and gives the same transcript: each
// step's outcome (the Antelope exception name and message when refused) and the contract's table
// rows decoded with Leap's ABI (approval times reduced to set / unset). So tools reading
// eosio.msig's tables read ours, and ours refuses what Leap's refuses, with the same words.
// Runs when PEEROS_LEAP_CONTRACTS names a folder made by scripts/leap-contracts.sh.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABI, Action, Bytes, Checksum256, Name, Serializer, Transaction, type PrivateKey } from '@wharfkit/antelope';
import { startDevNode, transact, newAccountAction, testKey, keyAuth, type DevNode } from '../helpers.js';
import { built, governorWasm } from '../governed-chain.js';

const dir = process.env.PEEROS_LEAP_CONTRACTS;

if (!dir) {
  console.log('  skipped: PEEROS_LEAP_CONTRACTS is not set (make it with scripts/leap-contracts.sh)');
  test.skip("our eosio.msig against Leap's (set PEEROS_LEAP_CONTRACTS to run)");
} else {
  const leap = {
    wasm: readFileSync(join(dir, 'eosio.msig.wasm')),
    abi: ABI.from(JSON.parse(readFileSync(join(dir, 'eosio.msig.abi'), 'utf8'))),
  };
  const ours = built('msig');
  const k = { sys: testKey('oracle.sys'), alice: testKey('oracle.alice'), bob: testKey('oracle.bob'), dave: testKey('oracle.dave') };
  let dn: DevNode;
  let eosioAbi: ABI;
  let salt = 0;

  const outcome = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      const err = e as { error?: { name?: string; details?: Array<{ message?: string }> }; message?: string };
      return `${err.error?.name}: ${(err.error?.details?.[0]?.message ?? err.message ?? '').replace(/^assertion failure with message: /, '')}`;
    }
  };
  /** Each run proposes its own transactions (TaPoS, expiry): a stored one is named by its role. */
  const proposed = new Map<string, string>();
  const normalize = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([key, x]) => {
          if (key === 'time' || key === 'last_invalidation_time' || (key === 'earliest_exec_time' && x !== null))
            return [key, String(x).startsWith('1970-01-01') ? 'unset' : 'set'];
          if (key === 'packed_transaction') return [key, proposed.get(String(x)) ?? String(x)];
          return [key, normalize(x)];
        }),
      );
    return v;
  };
  /** The rows of `table` in `scope`, as Leap's ABI decodes their bytes. */
  const rows = async (code: string, scope: string, table: string) => {
    const r = await dn.client.v1.chain.get_table_rows({ code, scope, table, json: false });
    const type = leap.abi.tables.find((t) => String(t.name) === table)!.type;
    return r.rows.map((hex) =>
      normalize(Serializer.objectify(Serializer.decode({ data: Bytes.from(String(hex), 'hex'), type, abi: leap.abi }))),
    );
  };

  /** The script, run against the multisig on `code`; every step is its own block (distinct times, no duplicates). */
  async function transcript(code: string): Promise<unknown[]> {
    const out: unknown[] = [];
    const step = async (label: string, name: string, actor: string, key: PrivateKey, data: Record<string, unknown>) => {
      const r = await outcome(
        transact(dn.client, [{ account: code, name, authorization: `${actor}@active`, data }], {
          keys: [key],
          abi: leap.abi,
          expireSeconds: 60 + salt++,
        }),
      );
      await dn.node.produceBlock();
      out.push({
        step: label,
        r,
        proposal: await rows(code, 'alice', 'proposal'),
        approvals2: await rows(code, 'alice', 'approvals2'),
        invals: await rows(code, code, 'invals'),
      });
    };
    const info = await dn.client.v1.chain.get_info();
    const inner = Action.from(
      {
        account: 'eosio',
        name: 'updateauth',
        authorization: [{ actor: 'carol', permission: 'active' }],
        data: { account: 'carol', permission: 'extra', parent: 'active', auth: keyAuth(String(k.dave.toPublic())) },
      },
      eosioAbi,
    );
    const trx = Transaction.from({ ...info.getTransactionHeader(3600), actions: [inner] });
    const packed = Serializer.encode({ object: trx });
    const hash = String(Checksum256.hash(packed));
    proposed.set(packed.hexString, 'the proposed transaction');
    const both = [
      { actor: 'alice', permission: 'active' },
      { actor: 'bob', permission: 'active' },
    ];
    const p = (proposal_name: string) => ({ proposer: 'alice', proposal_name });
    const level = (actor: string) => ({ actor, permission: 'active' });
    await step('propose', 'propose', 'alice', k.alice, { ...p('p1'), requested: both, trx });
    await step('propose again', 'propose', 'alice', k.alice, { ...p('p1'), requested: both, trx });
    await step('propose unsatisfiable', 'propose', 'alice', k.alice, { ...p('p2'), requested: [both[0]], trx });
    await step('approve, not requested', 'approve', 'dave', k.dave, { ...p('p1'), level: level('dave') });
    await step('approve, wrong hash', 'approve', 'alice', k.alice, { ...p('p1'), level: level('alice'), proposal_hash: '00'.repeat(32) });
    await step('approve, right hash', 'approve', 'alice', k.alice, { ...p('p1'), level: level('alice'), proposal_hash: hash });
    await step('exec at 1 of 2', 'exec', 'dave', k.dave, { ...p('p1'), executer: 'dave' });
    await step('unapprove, never approved', 'unapprove', 'bob', k.bob, { ...p('p1'), level: level('bob') });
    await step('approve bob', 'approve', 'bob', k.bob, { ...p('p1'), level: level('bob') });
    await step('invalidate bob', 'invalidate', 'bob', k.bob, { account: 'bob' });
    await step('exec, bob invalidated', 'exec', 'dave', k.dave, { ...p('p1'), executer: 'dave' });
    await step('unapprove bob', 'unapprove', 'bob', k.bob, { ...p('p1'), level: level('bob') });
    await step('approve bob again', 'approve', 'bob', k.bob, { ...p('p1'), level: level('bob') });
    await step('cancel by another, not expired', 'cancel', 'dave', k.dave, { ...p('p1'), canceler: 'dave' });
    await step('exec', 'exec', 'dave', k.dave, { ...p('p1'), executer: 'dave' });
    await step('exec, gone', 'exec', 'dave', k.dave, { ...p('p1'), executer: 'dave' });
    const shortTrx = Transaction.from({ ...(await dn.client.v1.chain.get_info()).getTransactionHeader(3), actions: [inner] });
    proposed.set(Serializer.encode({ object: shortTrx }).hexString, 'the short-lived transaction');
    await step('propose, expiring', 'propose', 'alice', k.alice, { ...p('p3'), requested: both, trx: shortTrx });
    for (let i = 0; i < 8; i++) await dn.node.produceBlock(); // ≥ 4 s of block time
    await step('approve alice', 'approve', 'alice', k.alice, { ...p('p3'), level: level('alice') });
    await step('approve bob', 'approve', 'bob', k.bob, { ...p('p3'), level: level('bob') });
    await step('exec, expired', 'exec', 'dave', k.dave, { ...p('p3'), executer: 'dave' });
    await step('cancel by another, expired', 'cancel', 'dave', k.dave, { ...p('p3'), canceler: 'dave' });
    return out;
  }

  test.before(async () => {
    dn = await startDevNode();
    eosioAbi = ABI.from((await dn.client.v1.chain.get_abi('eosio')).abi!);
    const pub = (key: PrivateKey) => String(key.toPublic());
    await transact(
      dn.client,
      [
        newAccountAction('leapmsig', pub(k.sys)),
        newAccountAction('ourmsig', pub(k.sys)),
        newAccountAction('alice', pub(k.alice)),
        newAccountAction('bob', pub(k.bob)),
        newAccountAction('dave', pub(k.dave)),
        {
          account: 'eosio',
          name: 'newaccount',
          authorization: 'eosio@active',
          data: {
            creator: 'eosio',
            name: 'carol',
            owner: keyAuth(pub(k.sys)),
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
      ],
      { abi: eosioAbi },
    );
    const setcode = (account: string, wasm: Uint8Array) => ({
      account: 'eosio',
      name: 'setcode',
      authorization: `${account}@active`,
      data: { account, vmtype: 0, vmversion: 0, code: Bytes.from(wasm).hexString },
    });
    await transact(dn.client, [setcode('eosio', governorWasm())], { abi: eosioAbi });
    for (const [account, c] of [
      ['leapmsig', leap],
      ['ourmsig', ours],
    ] as const) {
      const setabi = {
        account: 'eosio',
        name: 'setabi',
        authorization: `${account}@active`,
        data: { account, abi: Serializer.encode({ object: c.abi }).hexString },
      };
      await transact(dn.client, [setcode(account, c.wasm), setabi], { keys: [k.sys], abi: eosioAbi });
      const data = `${Serializer.encode({ object: Name.from(account) }).hexString}01`;
      await transact(dn.client, [{ account: 'eosio', name: 'setpriv', authorization: 'eosio@active', data }]);
    }
    await dn.node.produceBlock();
  });
  test.after(async () => {
    await dn.close();
  });

  test("our eosio.msig gives Leap's transcript: outcomes, messages and table rows", async () => {
    const theirs = await transcript('leapmsig');
    const mine = await transcript('ourmsig');
    assert.is(mine.length, theirs.length);
    for (let i = 0; i < theirs.length; i++) assert.equal(mine[i], theirs[i], `step ${(theirs[i] as { step: string }).step}`);
    // the script exercised both paths: what Leap's contract accepted and what it refused
    const outcomes = theirs.map((s) => (s as { r: string }).r);
    assert.is(outcomes.filter((r) => r === 'ok').length, 11);
    assert.ok(outcomes.includes('eosio_assert_message_exception: transaction expired'));
    assert.ok(outcomes.includes('crypto_api_exception: hash mismatch'));
    // the script did run the transaction (once per contract)
    const carol = await dn.client.v1.chain.get_account('carol');
    assert.ok(carol.permissions.some((perm) => String(perm.perm_name) === 'extra'));
  });
}

test.run();
