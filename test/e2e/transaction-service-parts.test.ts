// The transaction service's parts on their own: the host-rendered confirmation (app text quoted and cut,
// never new lines), the grant's amount check per symbol, transaction building (TaPoS from the head
// block id, expiration, the digest the vault will sign), ABIs offline, session grant periods.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Transaction, signingDigest, Abi } from '../../abi/antelope/index.js';
import { Action } from '../../abi/antelope/index.js';
import { DmcsError } from '../../runtime/dispatch/index.js';
import { CacheStore } from '../../runtime/hybrid-cache/index.js';
import {
  renderConfirmation,
  checkAmountGranted,
  checkActionsGranted,
  movedAmounts,
  buildTransaction,
  pushBody,
  AbiSource,
  TransactionServiceError,
} from '../../runtime/transaction-service/index.js';
import { TOKEN_TRANSFER_ABI as TOKEN_ABI } from '../fixtures/token-abi.js';

const CHAIN = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';
const HEAD = {
  chain_id: CHAIN,
  head_block_num: 0x12345,
  head_block_id: `00012345${'ab'.repeat(4)}0102030405060708090a0b0c0d0e0f101112131415161718`,
};

test('confirmation: identity from the install record, actions decoded, app strings quoted and cut', () => {
  const lines = renderConfirmation({
    app: { name: 'dpay', version: '1.2.3', publisher: 'peeros', sha256: 'f'.repeat(64) },
    account: 'alice',
    permission: 'active',
    dmcs: 'local',
    chainId: CHAIN,
    actions: [
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: ['alice@active'],
        data: { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: `ok\napp: evil 9.9.9 (publisher eosio)${'x'.repeat(300)}` },
      },
    ],
  });
  assert.is(lines.length, 3);
  assert.is(lines[0], 'app: dpay 1.2.3 (publisher peeros, module ffffffffffffffff…)');
  assert.is(lines[1], `signs as: alice@active on DMCS 'local' (chain ${CHAIN.slice(0, 12)}…)`);
  assert.match(lines[2]!, /^action 1: dpay\.token::transfer — from: alice, to: bob, quantity: 1\.0000 RSN, memo: "ok\\napp: evil/);
  assert.match(lines[2]!, /… \(cut\)$/);
  assert.not.match(lines.join('|'), /\n/);
});

test('amount caps: transfers summed over actions, read from the serialized bytes; another symbol is refused', () => {
  const scope = { contracts: { 'dpay.token': ['transfer'] }, maxAmount: '10.0000 RSN' };
  const abi = Abi.from(TOKEN_ABI);
  const t = (q: string) =>
    Action.from(
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: [{ actor: 'alice', permission: 'active' }],
        data: { from: 'alice', to: 'bob', quantity: q, memo: '' },
      },
      abi,
    );
  checkAmountGranted('dpay', scope, [t('4.0000 RSN'), t('6.0000 RSN')]);
  assert.throws(() => checkAmountGranted('dpay', scope, [t('4.0000 RSN'), t('6.0001 RSN')]), /10\.0001 RSN, above its cap/);
  assert.throws(() => checkAmountGranted('dpay', scope, [t('1.0000 EOS')]), /its cap is in RSN/);
  const q = (quantity: string) => ({ account: 'dpay.token', name: 'transfer', data: { quantity } });
  assert.is(movedAmounts([q('1.0000 RSN'), q('2.0000 EOS'), { account: 'x', name: 'y', data: {} }]).size, 2);
  checkActionsGranted('dpay', scope, [{ account: 'dpay.token', name: 'transfer' }]);
  assert.throws(
    () => checkActionsGranted('dpay', scope, [{ account: 'dpay.token', name: 'issue' }]),
    (e: unknown) => e instanceof TransactionServiceError && e.code === 'CAPABILITY_DENIED',
  );
  assert.throws(() => checkActionsGranted('dpay', undefined, [{ account: 'dpay.token', name: 'transfer' }]), /not granted dmcs\.push/);
});

test('transaction building: TaPoS from the head block, expiration ahead, the digest the vault signs', () => {
  const action = Action.from(
    {
      account: 'dpay.token',
      name: 'transfer',
      authorization: [{ actor: 'alice', permission: 'active' }],
      data: { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: '' },
    },
    Abi.from(TOKEN_ABI),
  );
  const now = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
  const u = buildTransaction(HEAD, [action], { now, expireSeconds: 60 });
  const trx = Transaction.fromBinary(u.bytes);
  assert.is(trx.ref_block_num, 0x2345);
  assert.is(trx.ref_block_prefix, Buffer.from(HEAD.head_block_id, 'hex').readUInt32LE(8));
  assert.is(trx.expiration.toString(), '2026-01-01T12:01:00');
  assert.equal(u.digest, signingDigest(CHAIN, u.bytes).array);
  assert.is(u.id, trx.id.toString());
  const body = pushBody(u.bytes, ['SIG_K1_x']);
  assert.equal(body, {
    signatures: ['SIG_K1_x'],
    compression: 0,
    packed_context_free_data: '',
    packed_trx: Buffer.from(u.bytes).toString('hex'),
  });
});

test('ABIs: fetched once, kept in the cache store, used from it while the DMCS is unreachable', async () => {
  const cache = new CacheStore();
  let calls = 0;
  let down = false;
  const fetch = async () => {
    calls++;
    if (down) throw DmcsError.unreachable('local', 'connection refused');
    return { account_name: 'dpay.token', abi: TOKEN_ABI };
  };
  const a = new AbiSource(fetch, { store: { cache, chainId: CHAIN } });
  await a.serializer('dpay.token');
  await a.serializer('dpay.token');
  assert.is(calls, 1, 'reused');
  down = true;
  const b = new AbiSource(fetch, { store: { cache, chainId: CHAIN } }); // a new process, same cache
  const s = await b.serializer('dpay.token');
  assert.ok(s.actionType('transfer'));
  const c = new AbiSource(fetch, { store: { cache: new CacheStore(), chainId: CHAIN } });
  try {
    await c.serializer('dpay.token');
    assert.unreachable();
  } catch (err) {
    assert.is((err as TransactionServiceError).code, 'UNAVAILABLE');
  }
  const eosio = await c.serializer('eosio');
  assert.ok(eosio.actionType('newaccount'), 'the native ABI needs no fetch');
});

test.run();
