// Session grant uses as an append log (runtime/transaction-service/session-grant-uses.ts, issue 15):
// an approval appends its use (session-grants.json is not rewritten); a restart reads the same uses;
// a torn tail is ignored and cut; the log is folded into the JSON file past
// SESSION_GRANT_USES_MAX_BYTES, and a crash between the fold and the emptying reads the same; old
// records never count for a grant set again; a whole frame that is not a record is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionGrantStore, validateSessionGrant, SESSION_GRANTS_FILE } from '../../../runtime/transaction-service/session-grants.js';
import { SESSION_GRANT_USES_FILE } from '../../../runtime/transaction-service/session-grant-uses.js';
import { SESSION_GRANT_USES_MAX_BYTES } from '../../../runtime/transaction-service/limits.js';
import { TransactionServiceError } from '../../../runtime/transaction-service/transaction-service-error.js';
import { Asset } from '../../../abi/antelope/index.js';
import { frameOf } from '../../../lib/crc-frames.js';
import { withFileLock } from '../../../lib/file-lock.js';

const root = mkdtempSync(join(tmpdir(), 'peeros-grant-uses-'));
let n = 0;
const home = () => join(root, `h${n++}`);
const moved = (q: string) => new Map([['4,RSN', Asset.from(q)]]);

test('an approval appends its use; the JSON file is not rewritten; a restart reads the same', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10, maxAmount: '5.0000 RSN' }));
  const json = readFileSync(join(h, SESSION_GRANTS_FILE), 'utf8');
  for (let i = 0; i < 3; i++) assert.ok(await store.consume('dpay', moved('1.0000 RSN')));
  assert.is(readFileSync(join(h, SESSION_GRANTS_FILE), 'utf8'), json, 'the grants file was not rewritten');
  assert.ok(statSync(join(h, SESSION_GRANT_USES_FILE)).size > 8, 'the uses went to the log');
  const again = new SessionGrantStore(h);
  assert.is(again.remaining('dpay')!.count, 7);
  assert.is(again.remaining('dpay')!.amount!.toString(), '2.0000 RSN');
  assert.not.ok(await again.consume('dpay', moved('2.5000 RSN')), 'over the amount left');
  assert.ok(await again.consume('dpay', moved('2.0000 RSN')));
  assert.is(store.remaining('dpay')!.count, 6, 'the other store object sees it too');
});

test('a torn tail is ignored, then cut before the next append', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  assert.ok(await store.consume('dpay', new Map()));
  const path = join(h, SESSION_GRANT_USES_FILE);
  const whole = statSync(path).size;
  appendFileSync(path, frameOf(Buffer.from('{"app":"dpay","setAt":"x","use":{"since":1,"count":0,')).subarray(0, 30)); // a crash mid-append
  assert.is(store.remaining('dpay')!.count, 9, 'the torn record never counted');
  assert.ok(await store.consume('dpay', new Map()));
  assert.is(store.remaining('dpay')!.count, 8);
  assert.ok(statSync(path).size > whole);
  assert.is(new SessionGrantStore(h).remaining('dpay')!.count, 8, 'the tail was cut: the new record reads');
});

test('past SESSION_GRANT_USES_MAX_BYTES the log is folded into session-grants.json and emptied', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 100_000 }));
  const path = join(h, SESSION_GRANT_USES_FILE);
  let approvals = 0;
  let folded = false;
  for (let last = 0; approvals < 2000 && !folded; approvals++) {
    assert.ok(await store.consume('dpay', new Map()));
    const size = statSync(path).size;
    assert.ok(size <= SESSION_GRANT_USES_MAX_BYTES + 1024, `the log at ${size} bytes`);
    folded = size < last;
    last = size;
  }
  assert.ok(folded, `no fold after ${approvals} approvals`);
  assert.is(statSync(path).size, 8, 'emptied to its magic');
  const json = JSON.parse(readFileSync(join(h, SESSION_GRANTS_FILE), 'utf8'));
  assert.is(json.used.dpay.count, approvals, 'the JSON file holds every use');
  assert.is(new SessionGrantStore(h).remaining('dpay')!.count, 100_000 - approvals);
});

test('a crash between the fold and the emptying reads the same uses; records of an earlier grant never count', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  await store.set(validateSessionGrant({ app: 'notes', maxCount: 10 }));
  for (let i = 0; i < 4; i++) assert.ok(await store.consume('dpay', new Map()));
  assert.ok(await store.consume('notes', new Map()));
  const path = join(h, SESSION_GRANT_USES_FILE);
  const log = readFileSync(path);
  await store.set(validateSessionGrant({ app: 'other', maxCount: 1 })); // folds and empties
  assert.is(statSync(path).size, 8);
  writeFileSync(path, log); // as if the emptying never happened
  assert.is(store.remaining('dpay')!.count, 6);
  assert.is(store.remaining('notes')!.count, 9);
  // dpay's grant set again: its old records (still in the restored log) do not count for it
  await new Promise((r) => setTimeout(r, 2)); // another setAt
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  writeFileSync(path, log);
  assert.is(store.remaining('dpay')!.count, 10);
  assert.is(store.remaining('notes')!.count, 9);
});

test('a whole frame that is not a use record: the uses are refused as damaged', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  assert.ok(await store.consume('dpay', new Map()));
  // written under the lock, as every writer of the store does (the store's lease would not see a write without it)
  await withFileLock(`${join(h, SESSION_GRANTS_FILE)}.lock`, async () =>
    appendFileSync(join(h, SESSION_GRANT_USES_FILE), frameOf(Buffer.from('{"app":"dpay","use":"lots"}'))),
  );
  const err = await store.consume('dpay', new Map()).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, TransactionServiceError);
  assert.is((err as TransactionServiceError).code, 'NOT_APPROVED');
});

test('a store parses only past what it read, yet sees another writer rewrite the log to the same size', async () => {
  const h = home();
  const store = new SessionGrantStore(h);
  await store.set(validateSessionGrant({ app: 'dpay', maxCount: 10 }));
  assert.ok(await store.consume('dpay', new Map()));
  assert.is(store.remaining('dpay')!.count, 9);
  const path = join(h, SESSION_GRANT_USES_FILE);
  const before = readFileSync(path);
  // another process folded the log and appended a use of 5: the same bytes but one digit
  const { setAt } = JSON.parse(readFileSync(join(h, SESSION_GRANTS_FILE), 'utf8')).grants.dpay;
  const record = JSON.parse(before.subarray(16).toString('utf8'));
  assert.is(record.setAt, setAt);
  const rewritten = Buffer.concat([
    before.subarray(0, 8),
    frameOf(Buffer.from(JSON.stringify({ ...record, use: { ...record.use, count: 5 } }))),
  ]);
  assert.is(rewritten.length, before.length, 'the same size');
  writeFileSync(path, rewritten);
  assert.is(store.remaining('dpay')!.count, 5, 'the rewritten use counts, not the one read before');
  // appends by another store object are read by this one, and its own appends by the other
  const other = new SessionGrantStore(h);
  assert.ok(await other.consume('dpay', new Map()));
  assert.is(store.remaining('dpay')!.count, 4);
  assert.ok(await store.consume('dpay', new Map()));
  assert.is(other.remaining('dpay')!.count, 3);
  assert.is(store.remaining('dpay')!.count, 3);
  // damage inside the part already read is still found
  const now = readFileSync(path);
  now[20]! ^= 0xff;
  writeFileSync(path, now);
  assert.is(store.remaining('dpay')!.count, 10, 'every record after the damaged one is a torn tail: none counts');
});

test('a store keeps what it read under the lock, yet every write of another store is seen by its next approval', async () => {
  const h = home();
  const a = new SessionGrantStore(h);
  const b = new SessionGrantStore(h);
  await a.set(validateSessionGrant({ app: 'dpay', maxCount: 5 }));
  assert.ok(await a.consume('dpay', new Map()));
  assert.ok(await a.consume('dpay', new Map()));
  // b appends two uses: a's next approvals must count them (it kept count 2 in memory)
  assert.ok(await b.consume('dpay', new Map()));
  assert.ok(await b.consume('dpay', new Map()));
  assert.ok(await a.consume('dpay', new Map()), 'the fifth');
  assert.not.ok(await a.consume('dpay', new Map()), 'a sixth is refused: the other store used two');
  assert.not.ok(await b.consume('dpay', new Map()));
  // b revokes (the JSON file replaced, the log emptied): a approves nothing more
  assert.ok(await b.revoke('dpay'));
  assert.not.ok(await a.consume('dpay', new Map()), 'revoked by the other store');
  // b sets a new grant of 1: a approves exactly one under it
  await b.set(validateSessionGrant({ app: 'dpay', maxCount: 1 }));
  assert.ok(await a.consume('dpay', new Map()));
  assert.not.ok(await b.consume('dpay', new Map()), 'b counts the use a made');
  assert.not.ok(await a.consume('dpay', new Map()));
  // a log folded by b once full: a still counts from the folded file
  await b.set(validateSessionGrant({ app: 'dpay', maxCount: 100_000 }));
  assert.ok(await a.consume('dpay', new Map()), 'a reads the new grant');
  let used = 1;
  const json = statSync(join(h, SESSION_GRANTS_FILE)).ino;
  do {
    assert.ok(await b.consume('dpay', new Map()));
    used++;
    assert.ok(used < SESSION_GRANT_USES_MAX_BYTES / 16, 'the log is folded long before this');
  } while (statSync(join(h, SESSION_GRANT_USES_FILE)).size > 8);
  assert.is.not(statSync(join(h, SESSION_GRANTS_FILE)).ino, json, 'b folded the log into a new JSON file');
  assert.ok(await a.consume('dpay', new Map()));
  used++;
  assert.is(new SessionGrantStore(h).remaining('dpay')!.count, 100_000 - used);
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
