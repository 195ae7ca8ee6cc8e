// Single account model: `login` against a real dev node and a real vault worker — success writes
// the session that `ual` reads; a vault without the account's key is refused with the keys it
// needs; a proof signed by the wrong key does not verify; an unknown account; logout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PrivateKey } from '../../abi/antelope/index.js';
import { sessionAccount } from '../../runtime/isa/ual.js';
import {
  readSession,
  clearSession,
  requireSession,
  loginChallenge,
  verifyLoginProof,
  loadPermissionTree,
  SessionError,
  checkAccountName,
} from '../../runtime/session/index.js';
import { startWorld, newAccount, loginAs, type World } from './world.js';

let w: World;

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  // carol's key is NOT in the vault
  await newAccount(w, 'carol', PrivateKey.generate().toPublic().toString());
});
test.after(async () => {
  await w.close();
});

async function sessionError(p: Promise<unknown>, code: string): Promise<SessionError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, SessionError, String(err));
    assert.is((err as SessionError).code, code, (err as Error).message);
    return err as SessionError;
  }
  throw new Error(`expected SessionError ${code}`);
}

test('not logged in: no session, ual answers nothing, requireSession says how to fix it', () => {
  assert.is(readSession(w.home), undefined);
  assert.is(sessionAccount(w.home), undefined);
  try {
    requireSession(w.home);
    assert.unreachable();
  } catch (err) {
    assert.is((err as SessionError).code, 'NOT_LOGGED_IN');
    assert.match((err as Error).message, /peeros login/);
  }
});

test('login alice: the vault signs the challenge after verification, the host verifies it, the session persists', async () => {
  const before = w.verifier.seen.length;
  const s = await loginAs(w, 'alice');
  assert.is(s.account, 'alice');
  assert.is(s.permission, 'active');
  assert.is(s.chainId, w.backend.chainId);
  assert.is(s.keys.length, 1);
  const seen = w.verifier.seen.slice(before);
  assert.is(seen.length, 1, 'one user verification');
  assert.match(seen[0]!.summary.join('\n'), /log in to PeerOS as alice@active/);
  assert.equal(readSession(w.home), s);
  assert.is(sessionAccount(w.home), 'alice', 'the ual ISA reads the same file');
});

test('login fails with the wrong key: the vault has no key of carol, the error names the key needed', async () => {
  const e = await sessionError(loginAs(w, 'carol'), 'NO_MATCHING_KEY');
  assert.match(e.message, /carol@active/);
  assert.match(e.message, /peeros key import/);
  assert.is(sessionAccount(w.home), 'alice', 'a failed login leaves the old session');
});

test('a proof signed by a key outside the authority does not verify', async () => {
  const tree = await loadPermissionTree((n) => w.backend.getAccount(n), 'alice');
  const c = loginChallenge({ account: 'alice', permission: 'active', chainId: w.backend.chainId, dmcs: 'local' });
  const wrong = PrivateKey.generate().sign(c.digest).toString();
  assert.throws(
    () => verifyLoginProof(tree, c, [wrong]),
    (e: unknown) => e instanceof SessionError && e.code === 'PROOF_INVALID',
  );
  const expired = { ...c, expiresAt: Date.now() - 1 };
  assert.throws(() => verifyLoginProof(tree, expired, [wrong]), /expired/);
});

test('unknown account and bad names are refused with clear errors', async () => {
  await sessionError(loginAs(w, 'nobody'), 'UNKNOWN_ACCOUNT');
  assert.throws(() => checkAccountName('Alice!'), /not an Antelope account name/);
  await sessionError(loginAs(w, 'Bad.Name'), 'BAD_ARGUMENT');
});

test('logout removes the session', () => {
  assert.ok(clearSession(w.home));
  assert.is(readSession(w.home), undefined);
  assert.not.ok(clearSession(w.home));
});

test.run();
