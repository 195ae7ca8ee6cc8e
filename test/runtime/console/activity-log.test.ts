// The console's activity log: every request the vault asks the console's verifier about is
// recorded with its host-decoded summary and outcome, survives a restart, and is read back bounded;
// an app that has the verifier asked again and again cannot grow the file without bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityLog } from '../../../runtime/console/index.js';
import { MAX_ACTIVITY_LOG_BYTES, MAX_ACTIVITY_RECORDS } from '../../../runtime/console/activity-log.js';
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

test('an app refused over and over (its pushes, in parallel) keeps the file under MAX_ACTIVITY_LOG_BYTES; the newest records survive a reopen, once each', async () => {
  const home = tempHome('activity-flood');
  try {
    const log = await ActivityLog.open(home);
    const policy = new GrantPolicyVerifier({ store: new SessionGrantStore(home), fallback: async () => false });
    const v = new RecordingVerifier(policy, log);
    v.register(registration);
    // as long a summary as a record keeps: 32 lines of 500 characters of app text (a memo)
    const summary = Array.from({ length: 32 }, (_, i) => `action ${i}: memo ${'"\u202e'.repeat(100)}`);
    const path = join(home, 'console', 'activity.log');
    const total = Math.ceil((3 * MAX_ACTIVITY_LOG_BYTES) / (32 * 500));
    let largest = 0;
    for (let i = 0; i < total; i += 8) {
      await Promise.all(
        Array.from({ length: 8 }, (_, j) => v.verify({ ...request(`flood${i + j}`), summary }).catch((err: VaultError) => err.code)),
      );
      largest = Math.max(largest, statSync(path).size);
    }
    assert.ok(largest <= MAX_ACTIVITY_LOG_BYTES, `the file reached ${largest} bytes`);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const apps = lines.map((l) => (JSON.parse(l) as { app: string }).app);
    assert.is(new Set(apps).size, apps.length, 'no record written twice');
    const again = (await ActivityLog.open(home)).list();
    assert.ok(again.length > 0);
    const last = Math.ceil(total / 8) * 8 - 1;
    assert.is(again[0]!.app, `flood${last}`, 'the newest record is kept');
    // a reopen reads the file's last MiB: the newest records, in order
    assert.equal(
      again.map((r) => r.app),
      apps.reverse().slice(0, again.length),
    );
  } finally {
    cleanup(home);
  }
});

test.run();
