// The session grants' lease on their lock (lib/file-lock.ts, issue 15), attacked as a second
// process would: while this thread approves in a tight loop (keeping the lock between approvals and
// skipping the files' stats), a real `node` child revokes the grant. It must get the lock at this
// thread's next approval (its announcement makes the holder let go), and the very next approval after
// its revoke must see it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionGrantStore, validateSessionGrant, SESSION_GRANTS_FILE } from '../../../runtime/transaction-service/session-grants.js';
import { LOCK_LEASE_IDLE_MS } from '../../../lib/file-lock.js';

const CHILD = fileURLToPath(new URL('./session-grants-lease.child.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'peeros-grant-lease-'));

test('a process revoking while this thread approves in a tight loop gets the lock at the next approval, and that approval sees the revoke', async () => {
  const home = join(root, 'h');
  const store = new SessionGrantStore(home);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 100_000 }));
  const want = `${join(home, SESSION_GRANTS_FILE)}.lock.want`;
  const child = spawn(process.execPath, [CHILD, home], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  try {
    for (const end = Date.now() + 120_000; !out.includes('ready') && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
    assert.ok(out.includes('ready'), 'the child started');
    let t0 = Date.now();
    /** Each approval: when it started, whether the child had announced itself / reported its revoke by then, and the answer. */
    const approvals: { at: number; announced: boolean; reported: boolean; approved: boolean }[] = [];
    let announcedAt: number | undefined;
    for (let i = 0; ; i++) {
      // a pause lets the lease go, so a stretch starts at approval 20 (far from its bound, LOCK_LEASE_MAX_MS);
      // the loop keeps the lock between approvals from there: now the child wants it
      if (i === 20) await new Promise((r) => setTimeout(r, 2 * LOCK_LEASE_IDLE_MS));
      if (i === 21) {
        child.stdin.end('go\n');
        t0 = Date.now();
      }
      const reported = out.includes('"done"');
      if (announcedAt === undefined && existsSync(want)) announcedAt = Date.now();
      const at = Date.now();
      const approved = await store.consume('dpay', new Map());
      if (i < 21) continue;
      approvals.push({ at, announced: announcedAt !== undefined, reported, approved });
      if (reported) break;
      assert.ok(Date.now() - t0 < 120_000, `no revoke within 120 s (${i} approvals)`);
      if (!approved) await new Promise((r) => setTimeout(r, 1)); // let the child's report in
    }
    const { revoked, done } = JSON.parse(/\{.*"done".*\}/.exec(out)![0]) as { revoked: boolean; done: number };
    assert.ok(revoked, 'the child revoked the grant');
    const approvedAfterAnnounce = approvals.filter((a) => a.announced && a.approved).length;
    const firstRefused = approvals.findIndex((a) => !a.approved);
    console.log(
      `  ${approvals.length} approvals; the child announced itself at +${announcedAt === undefined ? '?' : announcedAt - t0} ms, revoked at +${done - t0} ms; ${approvedAfterAnnounce} approved after its announcement`,
    );
    assert.ok(firstRefused >= 0, 'the revoke was seen');
    assert.ok(
      approvals.slice(firstRefused).every((a) => !a.approved),
      'nothing approved after the first refusal',
    );
    assert.not.ok(approvals.find((a) => a.reported)?.approved, 'the first approval after the revoke was reported sees it');
    assert.ok(
      approvals.filter((a) => a.at > done).every((a) => !a.approved),
      'no approval that started after the revoke was approved',
    );
    // the holder looks for an announcement at the start of each approval: at most the one running then is approved
    assert.ok(approvedAfterAnnounce <= 1, `${approvedAfterAnnounce} approvals after the child announced itself`);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'close');
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
