// Vault revocations waiting for the next unlock are bounded: past MAX_PENDING_REVOCATIONS the oldest
// go (harmless: each grant is bound to its removed app's identity), a damaged file means none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PendingRevocations, PENDING_REVOCATIONS_FILE } from '../../../runtime/transaction-service/pending-revocations.js';
import { MAX_PENDING_REVOCATIONS } from '../../../runtime/transaction-service/limits.js';

const home = mkdtempSync(join(tmpdir(), 'peeros-pending-'));
test.after(() => rmSync(home, { recursive: true, force: true }));

test('at most MAX_PENDING_REVOCATIONS entries, the oldest dropped; re-adding an app/identity does not duplicate it', async () => {
  const full = Array.from({ length: MAX_PENDING_REVOCATIONS + 5 }, (_, i) => ({
    app: `app${i}`,
    identity: `unverified:${i}`,
    removedAt: new Date(i).toISOString(),
  }));
  writeFileSync(join(home, PENDING_REVOCATIONS_FILE), JSON.stringify({ version: 1, pending: full }));
  const p = new PendingRevocations(home);
  await p.add('newest', 'unverified:n');
  await p.add('newest', 'unverified:n');
  const list = p.list();
  assert.is(list.length, MAX_PENDING_REVOCATIONS);
  assert.is(list[list.length - 1]!.app, 'newest');
  assert.is(list.filter((e) => e.app === 'newest').length, 1);
  assert.not.ok(
    list.some((e) => e.app === 'app0'),
    'the oldest went first',
  );
});

test('a damaged file is read as nothing pending', () => {
  writeFileSync(join(home, PENDING_REVOCATIONS_FILE), '{not json');
  assert.equal(new PendingRevocations(home).list(), []);
});

test.run();
