// Oracle: the same dPay wasm + ABI on @proton/vert (another JS Antelope VM) and on ours, the same
// actions in the same order, must leave the same table contents and fail with the same messages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import vert from '@proton/vert';
import { TokenHarness, DPAY_WASM, DPAY_ABI, symCode } from './token-harness.js';
import { n } from './memory-host.js';

type Step = { action: string; args: Record<string, unknown>; auth: string };

const STEPS: Step[] = [
  { action: 'create', args: { issuer: 'alice', maximum_supply: '1000000.0000 RSN' }, auth: 'dpay.token' },
  { action: 'create', args: { issuer: 'bob', maximum_supply: '500.00 USD' }, auth: 'dpay.token' },
  { action: 'issue', args: { to: 'alice', quantity: '1000.0000 RSN', memo: 'mint' }, auth: 'alice' },
  { action: 'issue', args: { to: 'bob', quantity: '100.00 USD', memo: '' }, auth: 'bob' },
  { action: 'transfer', args: { from: 'alice', to: 'bob', quantity: '10.0000 RSN', memo: 'a' }, auth: 'alice' },
  { action: 'transfer', args: { from: 'bob', to: 'carol', quantity: '2.5000 RSN', memo: 'b' }, auth: 'bob' },
  { action: 'transfer', args: { from: 'bob', to: 'alice', quantity: '30.00 USD', memo: 'c' }, auth: 'bob' },
  { action: 'transfer', args: { from: 'carol', to: 'alice', quantity: '5.0000 RSN', memo: 'overdrawn' }, auth: 'carol' },
  { action: 'transfer', args: { from: 'alice', to: 'bob', quantity: '1.00 RSN', memo: 'precision' }, auth: 'alice' },
  { action: 'open', args: { owner: 'carol', symbol: '2,USD', ram_payer: 'carol' }, auth: 'carol' },
  { action: 'retire', args: { quantity: '100.0000 RSN', memo: 'burn' }, auth: 'alice' },
  { action: 'transfer', args: { from: 'carol', to: 'bob', quantity: '2.5000 RSN', memo: 'all' }, auth: 'carol' },
  { action: 'close', args: { owner: 'carol', symbol: '4,RSN' }, auth: 'carol' },
  { action: 'close', args: { owner: 'alice', symbol: '4,RSN' }, auth: 'alice' },
];
const OWNERS = ['alice', 'bob', 'carol'];
const SYMBOLS = ['RSN', 'USD'];

const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test('vert and our VM agree on tables and errors after the same actions', async () => {
  const bc = new vert.Blockchain();
  bc.createAccounts(...OWNERS);
  const token = bc.createAccount({
    name: 'dpay.token',
    wasm: new Uint8Array(readFileSync(DPAY_WASM)),
    abi: JSON.parse(readFileSync(DPAY_ABI, 'utf8')),
    enableInline: true,
  });
  const ours = new TokenHarness([...OWNERS, 'dpay.token']);

  let failures = 0;
  for (const s of STEPS) {
    let vertError: string | null = null;
    let ourError: string | null = null;
    try {
      await token.actions[s.action]!(s.args).send(`${s.auth}@active`);
    } catch (e) {
      vertError = (e as Error).message;
    }
    try {
      ours.push(s.action, s.args, [s.auth]);
    } catch (e) {
      ourError = (e as Error).message;
    }
    assert.is(ourError === null, vertError === null, `${s.action} ${JSON.stringify(s.args)}: vert ${vertError}, ours ${ourError}`);
    if (vertError && ourError) {
      failures++;
      const msg = vertError.replace(/^eosio_assert_message:\s*/, '');
      assert.ok(ourError.includes(msg), `${s.action}: vert "${vertError}", ours "${ourError}"`);
    }
  }

  assert.is(failures, 3, 'overdrawn, precision mismatch and non-zero close fail on both');
  for (const owner of OWNERS) {
    const v = norm(token.tables.accounts!(n(owner)).getTableRows());
    assert.equal(norm(ours.rows('accounts', n(owner))), v, `accounts of ${owner}`);
  }
  for (const sym of SYMBOLS) {
    const v = norm(token.tables.stat!(symCode(sym)).getTableRows());
    assert.equal(norm(ours.rows('stat', symCode(sym))), v, `stat of ${sym}`);
  }
});

test.run();
