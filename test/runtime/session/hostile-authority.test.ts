// A hostile DMCS answering get_account (a real HTTP chain API double on loopback, read through the
// host's HttpBackend): what it says about an account's permissions reaches `peeros login`, every
// app push (the keys are picked from it) and sealed fields. A reply that is not Leap's shape is the
// typed AUTHORITY_UNRESOLVED (it was a TypeError: "Cannot read properties of undefined"); an
// authority of more than MAX_AUTHORITY_ENTRIES entries is refused before its keys are parsed and
// before the accounts it names are fetched (it was ~2.8 s of main-thread CPU per 16 MiB account,
// 32 accounts a resolve); the keys an error names are capped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PrivateKey } from '../../../abi/antelope/index.js';
import { HttpBackend } from '../../../runtime/dispatch/index.js';
import { SessionError, loadPermissionTree } from '../../../runtime/session/index.js';
import { MAX_AUTHORITY_ENTRIES, MAX_NAMED_KEYS } from '../../../runtime/session/limits.js';
import { pickKeys } from '../../../runtime/transaction-service/key-picker.js';
import { FakeChain } from '../../fixtures/fake-chain.js';

let chain: FakeChain;
let backend: HttpBackend;
const getAccount = (n: string) => backend.getAccount(n);
const perm = (auth: Record<string, unknown>, name = 'active') => ({
  perm_name: name,
  parent: name === 'owner' ? '' : 'owner',
  required_auth: { threshold: 1, keys: [], accounts: [], waits: [], ...auth },
});
const keys = (n: number) => {
  const k = PrivateKey.generate().toPublic().toString();
  return Array.from({ length: n }, () => ({ key: k, weight: 1 }));
};

async function refused(what: string, run: () => Promise<unknown>): Promise<SessionError> {
  try {
    await run();
  } catch (err) {
    assert.instance(err, SessionError, `${what}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    assert.is((err as SessionError).code, 'AUTHORITY_UNRESOLVED', `${what}: ${(err as Error).message}`);
    return err as SessionError;
  }
  throw new Error(`${what}: resolved`);
}

test.before(async () => {
  chain = await new FakeChain().start();
  backend = new HttpBackend(chain.url);
});
test.after(async () => {
  await backend.close();
  await chain.stop();
});

test('a get_account reply not in Leap shape is AUTHORITY_UNRESOLVED, never a TypeError', async () => {
  const replies: Array<[string, unknown[]]> = [
    ['a null permission', [null]],
    ['a permission as text', ['active']],
    ['no required_auth', [{ perm_name: 'active', parent: 'owner' }]],
    ['keys not a list', [perm({ keys: 'PUB_K1' })]],
    ['a key without its key', [perm({ keys: [{ weight: 1 }] })]],
    ['an account entry without its permission', [perm({ accounts: [{ weight: 1 }] })]],
    [
      'an account entry naming no account',
      [perm({ accounts: [{ permission: { actor: { toString: 1 }, permission: 'active' }, weight: 1 }] })],
    ],
    ['a threshold as text', [perm({ threshold: '1' })]],
    ['a perm_name that is no name', [perm({}, 'ACTIVE\u001b[2J')]],
    ['waits not a list', [perm({ waits: {} })]],
  ];
  for (const [what, permissions] of replies) {
    chain.accounts.set('alice', { account_name: 'alice', permissions });
    await refused(`login's resolve, ${what}`, () => loadPermissionTree(getAccount, 'alice'));
    // the push path picks its keys from the same reply
    await refused(`a push's key pick, ${what}`, () => pickKeys(getAccount, [{ actor: 'alice', permission: 'active' }], []));
  }
});

test('an authority past MAX_AUTHORITY_ENTRIES is refused before its keys are parsed and before the accounts it names are read', async () => {
  const names = Array.from({ length: 31 }, (_, i) => `acct${'abcdefghijklmnopqrstuvwxyz12345'[i]}`);
  chain.accounts.set('alice', {
    account_name: 'alice',
    permissions: [perm({ accounts: names.map((actor) => ({ permission: { actor, permission: 'active' }, weight: 1 })) })],
  });
  // each named account answers a permission over the whole budget by itself
  for (const n of names) chain.accounts.set(n, { account_name: n, permissions: [perm({ keys: keys(MAX_AUTHORITY_ENTRIES + 1) })] });
  const before = chain.count('/v1/chain/get_account');
  const err = await refused('31 accounts of keys', () => loadPermissionTree(getAccount, 'alice'));
  assert.match(err.message, new RegExp(`more than ${MAX_AUTHORITY_ENTRIES}`));
  assert.is(chain.count('/v1/chain/get_account') - before, 2, 'alice and the first account she names, no more');
  // and through many small ones: the budget is the whole tree's
  const share = Math.ceil(MAX_AUTHORITY_ENTRIES / 8);
  for (const n of names) chain.accounts.set(n, { account_name: n, permissions: [perm({ keys: keys(share) })] });
  const again = chain.count('/v1/chain/get_account');
  await refused('31 accounts sharing the budget', () => loadPermissionTree(getAccount, 'alice'));
  assert.ok(chain.count('/v1/chain/get_account') - again <= 10, 'stops once the budget is spent');
});

test('a permission within the budget still resolves; the error names at most MAX_NAMED_KEYS keys', async () => {
  const many = Array.from({ length: 1000 }, () => ({ key: PrivateKey.generate().toPublic().toString(), weight: 1 }));
  chain.accounts.set('alice', { account_name: 'alice', permissions: [perm({ keys: many }), perm({ keys: keys(1) }, 'owner')] });
  try {
    await pickKeys(getAccount, [{ actor: 'alice', permission: 'active' }], [PrivateKey.generate().toPublic().toString()]);
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code?: string }).code, 'NO_MATCHING_KEY', (err as Error).message);
    assert.match((err as Error).message, /and 992 more/);
    assert.ok((err as Error).message.length < 200 + MAX_NAMED_KEYS * 100, `a ${(err as Error).message.length}-character message`);
  }
});

test.run();
