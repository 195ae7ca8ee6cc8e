/**
 * The session file read by every push and every `ual` call: kept while the file is the same one,
 * read again at once when `peeros login` replaces it or `peeros logout` removes it, and never
 * changed in place by a caller.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_SESSIONS_REMEMBERED,
  clearSession,
  readSession,
  sessionPath,
  writeSession,
  type Session,
} from '../../../runtime/session/session-file.js';
import { SessionError } from '../../../runtime/session/session-error.js';

const CHAIN = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';

function session(account: string): Session {
  return {
    version: 1,
    account,
    permission: 'active',
    dmcs: 'local',
    chainId: CHAIN,
    keys: ['PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63'],
    loggedInAt: '2026-12-07T00:00:00.000Z',
    proof: { digest: '00', signatures: [] },
  };
}

test('an unchanged session file is read once; a new login, a logout and a damaged replacement count at the next read', async () => {
  const home = mkdtempSync(join(tmpdir(), 'peeros-session-'));
  try {
    assert.is(readSession(home), undefined);
    await writeSession(home, session('alice'));
    const first = readSession(home);
    assert.is(first?.account, 'alice');
    assert.is(readSession(home), first, 'the same file: the session kept, not read and parsed again');

    // another login of the same length (bob / carl would differ; alice / alina do not)
    await writeSession(home, session('alina'));
    assert.is(readSession(home)?.account, 'alina');

    clearSession(home);
    assert.is(readSession(home), undefined, 'a logout counts at once');

    await writeSession(home, session('alice'));
    assert.is(readSession(home)?.account, 'alice');
    // a damaged file put in place whole, as an atomic writer would
    const tmp = `${sessionPath(home)}.tmp`;
    writeFileSync(tmp, '{"version":1,"account":"alice"}');
    renameSync(tmp, sessionPath(home));
    try {
      readSession(home);
      assert.unreachable('a damaged session file must be an error');
    } catch (err) {
      assert.instance(err, SessionError);
      assert.is((err as SessionError).code, 'SESSION_CORRUPT');
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the session kept for every caller cannot be changed in place by one of them', async () => {
  const home = mkdtempSync(join(tmpdir(), 'peeros-session-'));
  try {
    await writeSession(home, session('alice'));
    const s = readSession(home)!;
    assert.throws(() => {
      (s as { account: string }).account = 'mallory';
    });
    assert.throws(() => s.keys.push('PUB_K1_other'));
    assert.is(readSession(home)?.account, 'alice');
    assert.is(readSession(home)?.keys.length, 1);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('more homes than MAX_SESSIONS_REMEMBERED each read their own session, then and after', async () => {
  const homes = Array.from({ length: MAX_SESSIONS_REMEMBERED + 2 }, () => mkdtempSync(join(tmpdir(), 'peeros-session-')));
  try {
    const name = (i: number) => `user${String.fromCharCode(97 + i)}`; // usera, userb, … (valid names)
    for (const [i, home] of homes.entries()) await writeSession(home, session(name(i)));
    for (let round = 0; round < 2; round++)
      for (const [i, home] of homes.entries()) assert.is(readSession(home)?.account, name(i), `home ${i}, round ${round}`);
  } finally {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
});

test.run();
