// Antelope authority semantics on the checker alone (no chain): weights and thresholds, account
// permissions recursing to depth 6, waits, provided permissions, used/unused keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AntelopeError, AuthorityChecker, MAX_AUTHORITY_DEPTH, isValidAuthority, type Authority } from '../../abi/antelope/index.js';

const perms = new Map<string, Authority>();
const lookup = (actor: string, perm: string) => perms.get(`${actor}@${perm}`);
const keys = (...ks: Array<[string, number]>) => ks.map(([key, weight]) => ({ key, weight }));
function set(level: string, auth: Partial<Authority> & { threshold: number }) {
  perms.set(level, { keys: [], accounts: [], waits: [], ...auth });
}

set('multi@active', { threshold: 3, keys: keys(['k1', 1], ['k2', 2], ['k3', 1]) });
set('corp@active', {
  threshold: 2,
  accounts: [
    { permission: { actor: 'ann', permission: 'active' }, weight: 1 },
    { permission: { actor: 'ben', permission: 'active' }, weight: 1 },
  ],
});
set('ann@active', { threshold: 1, keys: keys(['kann', 1]) });
set('ben@active', { threshold: 1, keys: keys(['kben', 1]) });
set('waiter@active', { threshold: 2, keys: keys(['kw', 1]), waits: [{ wait_sec: 60, weight: 1 }] });
set('code@active', {
  threshold: 1,
  keys: keys(['kc', 1]),
  accounts: [{ permission: { actor: 'code', permission: 'eosio.code' }, weight: 1 }],
});
// a chain d0 → d1 → … → d7, each satisfied only through the next; the last has a key
for (let i = 0; i < 8; i++) {
  set(
    `d${i}@active`,
    i === 7
      ? { threshold: 1, keys: keys(['kdeep', 1]) }
      : { threshold: 1, accounts: [{ permission: { actor: `d${i + 1}`, permission: 'active' }, weight: 1 }] },
  );
}
set('loop@active', { threshold: 1, accounts: [{ permission: { actor: 'loop', permission: 'active' }, weight: 1 }] });

test('weights add up to the threshold', () => {
  assert.ok(new AuthorityChecker(lookup, new Set(['k2', 'k1'])).satisfied({ actor: 'multi', permission: 'active' }));
  assert.not.ok(new AuthorityChecker(lookup, new Set(['k1', 'k3'])).satisfied({ actor: 'multi', permission: 'active' }));
});

test('heaviest first: keys beyond the threshold are unused', () => {
  const c = new AuthorityChecker(lookup, new Set(['k1', 'k2', 'k3']));
  assert.ok(c.satisfied({ actor: 'multi', permission: 'active' }));
  assert.equal(c.unusedKeys(), ['k3']);
});

test('account permissions satisfy through their own keys', () => {
  assert.ok(new AuthorityChecker(lookup, new Set(['kann', 'kben'])).satisfied({ actor: 'corp', permission: 'active' }));
  const c = new AuthorityChecker(lookup, new Set(['kann']));
  assert.not.ok(c.satisfied({ actor: 'corp', permission: 'active' }));
  assert.equal(c.unusedKeys(), ['kann'], 'a key in a failed branch is not counted as used');
});

test(`recursion stops at depth ${MAX_AUTHORITY_DEPTH}`, () => {
  // d2 → d3 → … → d7: the key's authority is the 6th evaluated (Leap's limit); d1 needs a 7th
  assert.ok(new AuthorityChecker(lookup, new Set(['kdeep'])).satisfied({ actor: 'd2', permission: 'active' }));
  assert.not.ok(new AuthorityChecker(lookup, new Set(['kdeep'])).satisfied({ actor: 'd1', permission: 'active' }));
  assert.not.ok(new AuthorityChecker(lookup, new Set(['kdeep'])).satisfied({ actor: 'd0', permission: 'active' }));
});

test('a self-referencing permission terminates unsatisfied', () => {
  assert.not.ok(new AuthorityChecker(lookup, new Set()).satisfied({ actor: 'loop', permission: 'active' }));
});

test('waits count only with enough provided delay', () => {
  assert.not.ok(new AuthorityChecker(lookup, new Set(['kw'])).satisfied({ actor: 'waiter', permission: 'active' }));
  assert.ok(new AuthorityChecker(lookup, new Set(['kw']), [], 60).satisfied({ actor: 'waiter', permission: 'active' }));
});

test('provided permissions (eosio.code) satisfy without keys', () => {
  assert.ok(
    new AuthorityChecker(lookup, new Set(), [{ actor: 'code', permission: 'eosio.code' }]).satisfied({
      actor: 'code',
      permission: 'active',
    }),
  );
  assert.not.ok(new AuthorityChecker(lookup, new Set()).satisfied({ actor: 'code', permission: 'active' }));
});

test('a missing top-level permission is UNKNOWN_PERMISSION (the node reports it as permission_query_exception)', () => {
  assert.throws(
    () => new AuthorityChecker(lookup, new Set()).satisfied({ actor: 'nobody', permission: 'active' }),
    (e: unknown) => e instanceof AntelopeError && e.code === 'UNKNOWN_PERMISSION' && /does not exist/.test(e.message),
  );
});

test('validity: sorted unique keys, threshold reachable, no zero first wait', () => {
  assert.ok(isValidAuthority({ threshold: 2, keys: keys(['a', 1], ['b', 1]), accounts: [], waits: [] }));
  assert.not.ok(isValidAuthority({ threshold: 2, keys: keys(['b', 1], ['a', 1]), accounts: [], waits: [] }));
  assert.not.ok(isValidAuthority({ threshold: 2, keys: keys(['a', 1], ['a', 1]), accounts: [], waits: [] }));
  assert.not.ok(isValidAuthority({ threshold: 3, keys: keys(['a', 1]), accounts: [], waits: [] }));
  assert.not.ok(isValidAuthority({ threshold: 0, keys: keys(['a', 1]), accounts: [], waits: [] }));
  assert.not.ok(isValidAuthority({ threshold: 1, keys: [], accounts: [], waits: [{ wait_sec: 0, weight: 1 }] }));
});

test.run();
