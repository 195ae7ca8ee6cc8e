// The one signing-scope rule (abi/signing-scope.ts) on its own: named actions only, own-property
// lookups, transfer amounts against the cap at its boundary, names checked before amounts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Asset, AssetSymbol } from '../../abi/antelope/index.js';
import { actionsInScope, transactionInScope, formatUnits, type SigningScope, type ScopeVerdict } from '../../abi/signing-scope.js';
import { transferData } from '../skv/helpers.js';

const transfer = (quantity: string, account = 'dpay.token') => ({
  account,
  name: 'transfer',
  data: transferData('alice', 'bob', quantity),
});
const reason = (v: ScopeVerdict) => (v.ok ? 'OK' : v.reason);

test('a grant lists names: "*" grants nothing, not even an action named "*"', () => {
  const scope: SigningScope = { contracts: { 'dpay.memo': ['*'], 'dpay.token': ['transfer'] } };
  assert.is(reason(actionsInScope(scope, [{ account: 'dpay.memo', name: 'post' }])), "action 'dpay.memo::post' is not granted");
  assert.is(reason(actionsInScope(scope, [{ account: 'dpay.memo', name: '*' }])), "action 'dpay.memo::*' is not granted");
  assert.ok(actionsInScope(scope, [{ account: 'dpay.token', name: 'transfer' }]).ok);
  assert.is(reason(actionsInScope(scope, [])), 'the transaction has no actions');
});

test('contracts are own properties: Object.prototype names are plain, ungranted accounts', () => {
  const scope: SigningScope = { contracts: { 'dpay.token': ['transfer'] } };
  for (const account of ['constructor', 'tostring', 'valueof', 'toString', 'hasOwnProperty', '__proto__', 'isprototypeof']) {
    assert.is(reason(actionsInScope(scope, [{ account, name: 'transfer' }])), `contract '${account}' is not granted`);
  }
  const named: SigningScope = { contracts: { constructor: ['tostring'] } };
  assert.ok(actionsInScope(named, [{ account: 'constructor', name: 'tostring' }]).ok);
  assert.is(reason(actionsInScope(named, [{ account: 'constructor', name: 'valueof' }])), "action 'constructor::valueof' is not granted");
  // a grant whose value is not a list (a hostile or damaged object) grants nothing
  assert.not.ok(actionsInScope({ contracts: { x: 'transfer' as unknown as string[] } }, [{ account: 'x', name: 'transfer' }]).ok);
});

test('cap: transfers summed, exactly the cap passes, one unit above is refused', () => {
  const scope: SigningScope = { contracts: { 'dpay.token': ['transfer', 'open'] }, maxAmountPerTx: '10.0000 RSN' };
  const ok = transactionInScope(scope, [transfer('4.0000 RSN'), transfer('6.0000 RSN')]);
  assert.equal(ok, { ok: true, moved: 100000n });
  assert.is(
    reason(transactionInScope(scope, [transfer('4.0000 RSN'), transfer('6.0001 RSN')])),
    'its transfers total 10.0001 RSN, above its cap of 10.0000 RSN per transaction',
  );
  assert.is(
    reason(transactionInScope(scope, [transfer('1.0000 EOS')])),
    'it transfers 1.0000 EOS, but its cap is in RSN with 4 decimals (10.0000 RSN)',
  );
  assert.is(
    reason(transactionInScope(scope, [transfer('1.000 RSN')])),
    'it transfers 1.000 RSN, but its cap is in RSN with 4 decimals (10.0000 RSN)',
  );
  assert.is(reason(transactionInScope(scope, [transfer('-1.0000 RSN')])), 'it transfers a negative amount (-1.0000 RSN)');
  assert.match(
    reason(transactionInScope(scope, [{ account: 'dpay.token', name: 'transfer', data: new Uint8Array([1, 2, 3]) }])),
    /not a token transfer/,
  );
  // another granted action does not count, whatever its bytes: its value cannot be read without an ABI
  assert.equal(transactionInScope(scope, [{ account: 'dpay.token', name: 'open', data: transferData('alice', 'bob', '999.0000 RSN') }]), {
    ok: true,
    moved: 0n,
  });
});

test('no cap: amounts are not read (undecodable transfers pass); a daily cap alone still fixes the symbol', () => {
  const scope: SigningScope = { contracts: { 'dpay.token': ['transfer'] } };
  assert.equal(transactionInScope(scope, [{ account: 'dpay.token', name: 'transfer', data: new Uint8Array(1) }]), { ok: true, moved: 0n });
  const daily: SigningScope = { ...scope, maxAmountPerDay: '5.0000 RSN' };
  assert.equal(transactionInScope(daily, [transfer('50.0000 RSN')]), { ok: true, moved: 500000n }, "the day total is the vault's to check");
  assert.not.ok(transactionInScope(daily, [transfer('1.0000 EOS')]).ok);
});

test('names before amounts: an ungranted action later in the list wins over an amount above the cap', () => {
  const scope: SigningScope = { contracts: { 'dpay.token': ['transfer'] }, maxAmountPerTx: '1.0000 RSN' };
  assert.is(reason(transactionInScope(scope, [transfer('2.0000 RSN'), { account: 'evil', name: 'x' }])), "contract 'evil' is not granted");
});

test("sums beyond one asset's range are reported, not thrown", () => {
  const max = (1n << 62n) - 1n;
  const big = Asset.fromUnits(max, '4,RSN').toString();
  const scope: SigningScope = { contracts: { 'dpay.token': ['transfer'] }, maxAmountPerTx: '1.0000 RSN' };
  assert.match(
    reason(transactionInScope(scope, [transfer(big), transfer(big)])),
    /its transfers total 922337203685477\.5806 RSN, above its cap/,
  );
  assert.is(formatUnits(5n, AssetSymbol.from('4,RSN')), '0.0005 RSN');
  assert.is(formatUnits(-123n, AssetSymbol.from('0,XYZ')), '-123 XYZ');
});

test.run();
