// The built dPay token contract on the contract VM: eosio.token's actions, semantics, errors and
// table layout (accounts: scope owner, key symbol code, {balance}; stat: scope = key = symbol code).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContractError } from '../../../dmcs/vm/contract-error.js';
import { ROW_BILLABLE_BYTES, TABLE_BILLABLE_BYTES } from '../../../dmcs/vm/contract-host.js';
import { TokenHarness, symCode } from './token-harness.js';
import { n } from './memory-host.js';

function throwsContract(fn: () => unknown, code: string, message: string | RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ContractError);
    assert.is((e as ContractError).code, code);
    if (typeof message === 'string') assert.ok((e as Error).message.includes(message), `message: ${(e as Error).message}`);
    else assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

function funded(): TokenHarness {
  const h = new TokenHarness();
  h.push('create', { issuer: 'alice', maximum_supply: '1000000.0000 RSN' }, ['dpay.token']);
  h.push('issue', { to: 'alice', quantity: '1000.0000 RSN', memo: 'mint' }, ['alice']);
  return h;
}

test('create stores stat under scope = primary key = symbol code', () => {
  const h = new TokenHarness();
  h.push('create', { issuer: 'alice', maximum_supply: '1000000.0000 RSN' }, ['dpay.token']);
  const rows = h.rows('stat', symCode('RSN')) as Record<string, unknown>[];
  assert.is(rows.length, 1);
  assert.is(String(rows[0]!.supply), '0.0000 RSN');
  assert.is(String(rows[0]!.max_supply), '1000000.0000 RSN');
  assert.is(String(rows[0]!.issuer), 'alice');
  assert.is(h.host.db.findTable(h.contract, symCode('RSN'), n('stat'))!.rows[0]!.primary, symCode('RSN'));
});

test('create: needs the contract authority, refuses duplicates and bad supplies', () => {
  const h = new TokenHarness();
  throwsContract(
    () => h.push('create', { issuer: 'alice', maximum_supply: '10.0000 RSN' }, ['alice']),
    'missing_auth_exception',
    'missing authority of dpay.token',
  );
  h.push('create', { issuer: 'alice', maximum_supply: '10.0000 RSN' }, ['dpay.token']);
  throwsContract(
    () => h.push('create', { issuer: 'bob', maximum_supply: '10.00 RSN' }, ['dpay.token']),
    'eosio_assert_message_exception',
    'token with symbol already exists',
  );
  throwsContract(
    () => h.push('create', { issuer: 'bob', maximum_supply: '-1.0000 NEG' }, ['dpay.token']),
    'eosio_assert_message_exception',
    'max-supply must be positive',
  );
});

test('issue credits the issuer and raises the supply; errors by name', () => {
  const h = funded();
  assert.is(h.balance('alice'), '1000.0000 RSN');
  assert.is(String((h.rows('stat', symCode('RSN'))[0] as Record<string, unknown>).supply), '1000.0000 RSN');
  throwsContract(
    () => h.push('issue', { to: 'bob', quantity: '1.0000 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'tokens can only be issued to issuer account',
  );
  throwsContract(
    () => h.push('issue', { to: 'alice', quantity: '1.0000 RSN', memo: '' }, ['bob']),
    'missing_auth_exception',
    'missing authority of alice',
  );
  throwsContract(
    () => h.push('issue', { to: 'alice', quantity: '1.00 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'symbol precision mismatch',
  );
  throwsContract(
    () => h.push('issue', { to: 'alice', quantity: '1.0000 XYZ', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'token with symbol does not exist, create token before issue',
  );
  throwsContract(
    () => h.push('issue', { to: 'alice', quantity: '999999.0001 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'quantity exceeds available supply',
  );
  throwsContract(
    () => h.push('issue', { to: 'alice', quantity: '1.0000 RSN', memo: 'x'.repeat(257) }, ['alice']),
    'eosio_assert_message_exception',
    'memo has more than 256 bytes',
  );
});

test('transfer moves balances, notifies both parties and charges the new row to the sender', () => {
  const h = funded();
  const before = h.host.db.ramUsage.get(n('alice')) ?? 0;
  h.push('transfer', { from: 'alice', to: 'bob', quantity: '12.5000 RSN', memo: 'lunch' }, ['alice']);
  assert.is(h.balance('alice'), '987.5000 RSN');
  assert.is(h.balance('bob'), '12.5000 RSN');
  assert.equal(h.host.notified, [n('alice'), n('bob')]);
  assert.is((h.host.db.ramUsage.get(n('alice')) ?? 0) - before, TABLE_BILLABLE_BYTES + ROW_BILLABLE_BYTES + 16);
  h.push('transfer', { from: 'bob', to: 'alice', quantity: '2.5000 RSN', memo: '' }, ['bob']);
  assert.is(h.balance('alice'), '990.0000 RSN');
  assert.is(h.balance('bob'), '10.0000 RSN');
});

test('transfer errors: overdrawn, precision, auth, self, unknown account, non-positive', () => {
  const h = funded();
  h.push('transfer', { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: '' }, ['alice']);
  throwsContract(
    () => h.push('transfer', { from: 'bob', to: 'alice', quantity: '2.0000 RSN', memo: '' }, ['bob']),
    'eosio_assert_message_exception',
    'overdrawn balance',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'bob', quantity: '1.00 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'symbol precision mismatch',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'bob', quantity: '1.0000 RSN', memo: '' }, ['bob']),
    'missing_auth_exception',
    'missing authority of alice',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'alice', quantity: '1.0000 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'cannot transfer to self',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'nobody', quantity: '1.0000 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'to account does not exist',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'bob', quantity: '0.0000 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'must transfer positive quantity',
  );
  throwsContract(
    () => h.push('transfer', { from: 'carol', to: 'bob', quantity: '1.0000 RSN', memo: '' }, ['carol']),
    'eosio_assert_message_exception',
    'no balance object found',
  );
  throwsContract(
    () => h.push('transfer', { from: 'alice', to: 'bob', quantity: '1.0000 ZZZ', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'unable to find key',
  );
});

test('open creates a zero balance paid by ram_payer; close removes it only when zero', () => {
  const h = funded();
  h.push('open', { owner: 'carol', symbol: '4,RSN', ram_payer: 'alice' }, ['alice']);
  assert.is(h.balance('carol'), '0.0000 RSN');
  assert.is(h.host.db.findTable(h.contract, n('carol'), n('accounts'))!.rows[0]!.payer, n('alice'));
  h.push('open', { owner: 'carol', symbol: '4,RSN', ram_payer: 'alice' }, ['alice']); // idempotent
  throwsContract(
    () => h.push('open', { owner: 'carol', symbol: '2,RSN', ram_payer: 'alice' }, ['alice']),
    'eosio_assert_message_exception',
    'symbol precision mismatch',
  );
  throwsContract(
    () => h.push('open', { owner: 'carol', symbol: '4,XYZ', ram_payer: 'alice' }, ['alice']),
    'eosio_assert_message_exception',
    'symbol does not exist',
  );
  throwsContract(
    () => h.push('open', { owner: 'ghost', symbol: '4,RSN', ram_payer: 'alice' }, ['alice']),
    'eosio_assert_message_exception',
    'owner account does not exist',
  );
  throwsContract(
    () => h.push('open', { owner: 'carol', symbol: '4,RSN', ram_payer: 'alice' }, ['carol']),
    'missing_auth_exception',
    'missing authority of alice',
  );
  h.push('transfer', { from: 'alice', to: 'carol', quantity: '1.0000 RSN', memo: '' }, ['alice']);
  throwsContract(
    () => h.push('close', { owner: 'carol', symbol: '4,RSN' }, ['carol']),
    'eosio_assert_message_exception',
    'Cannot close because the balance is not zero.',
  );
  h.push('transfer', { from: 'carol', to: 'alice', quantity: '1.0000 RSN', memo: '' }, ['carol']);
  h.push('close', { owner: 'carol', symbol: '4,RSN' }, ['carol']);
  assert.is(h.balance('carol'), undefined);
  assert.is(h.host.db.findTable(h.contract, n('carol'), n('accounts')), undefined, 'the emptied table is gone');
  throwsContract(
    () => h.push('close', { owner: 'carol', symbol: '4,RSN' }, ['carol']),
    'eosio_assert_message_exception',
    'Balance row already deleted or never existed',
  );
});

test('retire lowers supply and the issuer balance', () => {
  const h = funded();
  h.push('retire', { quantity: '100.0000 RSN', memo: 'burn' }, ['alice']);
  assert.is(h.balance('alice'), '900.0000 RSN');
  assert.is(String((h.rows('stat', symCode('RSN'))[0] as Record<string, unknown>).supply), '900.0000 RSN');
  throwsContract(
    () => h.push('retire', { quantity: '1.0000 RSN', memo: '' }, ['bob']),
    'missing_auth_exception',
    'missing authority of alice',
  );
  throwsContract(
    () => h.push('retire', { quantity: '-1.0000 RSN', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'must retire positive quantity',
  );
  throwsContract(
    () => h.push('retire', { quantity: '1.0000 XYZ', memo: '' }, ['alice']),
    'eosio_assert_message_exception',
    'token with symbol does not exist',
  );
});

test('RAM: table and row usage is charged and fully refunded after close', () => {
  const h = funded();
  const base = h.host.db.ramUsage.get(n('bob')) ?? 0;
  h.push('open', { owner: 'bob', symbol: '4,RSN', ram_payer: 'bob' }, ['bob']);
  assert.is(h.host.db.ramUsage.get(n('bob'))! - base, TABLE_BILLABLE_BYTES + ROW_BILLABLE_BYTES + 16);
  h.push('close', { owner: 'bob', symbol: '4,RSN' }, ['bob']);
  assert.is(h.host.db.ramUsage.get(n('bob')), base);
});

test('an unknown action of the contract fails by name; notifications to it are ignored', () => {
  const h = funded();
  throwsContract(
    () =>
      h.vm.apply(h.wasm, { receiver: h.contract, account: h.contract, name: n('mint'), data: new Uint8Array(), authorization: [] }, h.host),
    'eosio_assert_message_exception',
    'unknown action mint',
  );
  const r = h.vm.apply(
    h.wasm,
    { receiver: h.contract, account: n('eosio.token'), name: n('transfer'), data: new Uint8Array(), authorization: [] },
    h.host,
  );
  assert.ok(r.cpuUnits > 0);
});

test.run();
