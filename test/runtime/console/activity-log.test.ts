// The console's activity log: every request the vault asks the console's verifier about is
// recorded with its host-decoded summary and outcome, survives a restart, and is read back bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityLog } from '../../../runtime/console/index.js';
import { MAX_ACTIVITY_RECORDS } from '../../../runtime/console/activity-log.js';
import { RecordingVerifier } from '../../../runtime/console/recording-verifier.js';
import { GrantPolicyVerifier } from '../../../runtime/transaction-service/grant-policy-verifier.js';
import { SessionGrantStore } from '../../../runtime/transaction-service/session-grants.js';
import { VaultError } from '../../../skv/index.js';
import { tempHome, cleanup } from '../helpers.js';

const registration = { scheme: 'hmac-sha256' as const, secret: new Uint8Array(32).fill(7), session: 's1' };
const request = (app: string) => ({
  purpose: 'sign' as const,
  app,
  digest: new Uint8Array(32).fill(1),
  summary: ['eosio.token::transfer alice → bob 1.0000 RSN', 'memo: "<img src=x onerror=alert(1)>"'],
});

test('approved and refused requests are recorded with their summary, newest first, and survive a reopen', async () => {
  const home = tempHome('activity');
  try {
    const log = await ActivityLog.open(home);
    let answer = true;
    const policy = new GrantPolicyVerifier({ store: new SessionGrantStore(home), fallback: async () => answer });
    const v = new RecordingVerifier(policy, log);
    v.register(registration);
    const a = await v.verify(request('dpay'));
    assert.is(a.app, 'dpay');
    answer = false;
    try {
      await v.verify(request('notes'));
      assert.unreachable('refused');
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'NOT_APPROVED');
    }
    const again = (await ActivityLog.open(home)).list();
    assert.equal(
      again.map((r) => [r.app, r.outcome, r.note]),
      [
        ['notes', 'refused', 'NOT_APPROVED'],
        ['dpay', 'approved', 'session-grant'],
      ],
    );
    assert.equal(again[1]!.summary, request('dpay').summary);
    assert.is(again[1]!.digest, '01'.repeat(32));
  } finally {
    cleanup(home);
  }
});

test('a torn line is skipped and only the newest records are kept', async () => {
  const home = tempHome('activity-tail');
  try {
    mkdirSync(join(home, 'console'), { recursive: true });
    const line = (i: number) =>
      `${JSON.stringify({ at: new Date(i).toISOString(), purpose: 'sign', app: `a${i}`, digest: '', summary: [], outcome: 'approved' })}\n`;
    let text = '';
    for (let i = 0; i < MAX_ACTIVITY_RECORDS + 50; i++) text += line(i);
    appendFileSync(join(home, 'console', 'activity.log'), `${text}{"at":"torn`);
    const records = (await ActivityLog.open(home)).list();
    assert.is(records.length, MAX_ACTIVITY_RECORDS);
    assert.is(records[0]!.app, `a${MAX_ACTIVITY_RECORDS + 49}`);
  } finally {
    cleanup(home);
  }
});

test.run();
