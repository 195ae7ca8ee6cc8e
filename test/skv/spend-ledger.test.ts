// The spend ledger as an append log (skv/spend-ledger.ts): a write appends one authenticated record
// and syncs it in place; the last whole record is the ledger; an append cut short by a crash is
// ignored and cut before the next one; any whole record that fails its MAC is refused; the file is
// rewritten with one record before it passes MAX_SPEND_LEDGER_BYTES; the one-record file the vault
// wrote before is read as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpendLedger } from '../../skv/spend-ledger.js';
import { MAX_SPEND_LEDGER_BYTES } from '../../skv/limits.js';
import { VaultError } from '../../skv/error.js';
import { lastLedgerRecord } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'peeros-spend-ledger-'));
const macKey = randomBytes(32);
const ID = 'keystore-1';
let n = 0;
const fresh = () => join(dir, `ledger-${n++}`);
const spend = (units: bigint) => ({ day: '2026-12-03', units, symbol: '4,RSN' });
const load = (path: string) => SpendLedger.load(path, macKey, ID);
const records = (path: string) => readFileSync(path, 'latin1').split('\nmac=').length - 1;
const refused = async (path: string) => {
  const err = await load(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, VaultError);
  assert.is((err as VaultError).code, 'KEYSTORE_TAMPERED');
};

test('each write appends one record; the last one is the ledger', async () => {
  const path = fresh();
  let ledger = await load(path);
  assert.is(ledger.get('dpay'), undefined, 'missing: nothing spent');
  for (let i = 1; i <= 5; i++) {
    ledger = await load(path);
    await ledger.set('dpay', spend(BigInt(i * 10_000)));
  }
  assert.is(records(path), 5);
  assert.is((await load(path)).get('dpay')!.units, 50_000n);
  assert.equal(lastLedgerRecord(readFileSync(path, 'utf8')), {
    version: 1,
    keystoreId: ID,
    entries: { dpay: { day: '2026-12-03', units: '50000', symbol: '4,RSN' } },
  });
});

test('an append cut short by a crash is ignored, then cut before the next append', async () => {
  const path = fresh();
  await (await load(path)).set('dpay', spend(10_000n));
  await (await load(path)).set('dpay', spend(20_000n));
  const whole = statSync(path).size;
  appendFileSync(path, '{"version":1,"keystoreId":"keystore-1","entries":{"dpay":{"units":"99'); // torn
  assert.is((await load(path)).get('dpay')!.units, 20_000n, 'the torn record never counted');
  appendFileSync(path, Buffer.alloc(40)); // zeros past the end, as a crash can leave them
  const ledger = await load(path);
  assert.is(ledger.get('dpay')!.units, 20_000n);
  await ledger.set('dpay', spend(30_000n));
  assert.is(records(path), 3);
  assert.is((await load(path)).get('dpay')!.units, 30_000n);
  assert.ok(statSync(path).size < whole + 200, 'the torn bytes were cut');
});

test('a whole record that fails authentication, anywhere, is refused', async () => {
  const path = fresh();
  for (const u of [10_000n, 20_000n, 30_000n]) await (await load(path)).set('dpay', spend(u));
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, good.replace('"units":"10000"', '"units":"00000"')); // the first, older record
  await refused(path);
  writeFileSync(path, good.replace('"units":"30000"', '"units":"00000"')); // the last
  await refused(path);
  writeFileSync(path, 'not a ledger\n');
  await refused(path);
  // another keystore's key
  writeFileSync(path, good);
  const err = await SpendLedger.load(path, randomBytes(32), ID).then(
    () => undefined,
    (e: VaultError) => e,
  );
  assert.is(err?.code, 'KEYSTORE_TAMPERED');
});

test('the file never passes MAX_SPEND_LEDGER_BYTES: it is rewritten with the last record alone', async () => {
  const path = fresh();
  let maxSeen = 0;
  let rewrites = 0;
  let last = 0;
  for (let i = 1; i <= 200; i++) {
    const ledger = await load(path);
    ledger.put(`app${i % 7}`, spend(BigInt(i)));
    await ledger.save();
    const size = statSync(path).size;
    if (size < last) rewrites++;
    last = size;
    maxSeen = Math.max(maxSeen, size);
  }
  assert.ok(maxSeen <= MAX_SPEND_LEDGER_BYTES, `${maxSeen} bytes`);
  assert.ok(rewrites >= 1, 'the bound was reached and the file rewritten');
  const ledger = await load(path);
  assert.is(ledger.get('app4')!.units, 200n, 'the latest totals survive the rewrite (i = 200 set app4)');
  assert.is(ledger.get('app3')!.units, 199n);
});

test('the one-record file of earlier versions reads as before', async () => {
  const path = fresh();
  const body = JSON.stringify({ version: 1, keystoreId: ID, entries: { dpay: { day: '2026-12-03', units: '70000', symbol: '4,RSN' } } });
  writeFileSync(path, `${body}\nmac=${createHmac('sha256', macKey).update(body).digest('hex')}\n`);
  const ledger = await load(path);
  assert.is(ledger.get('dpay')!.units, 70_000n);
  await ledger.set('dpay', spend(80_000n));
  assert.is(records(path), 2, 'appended to it');
  assert.is((await load(path)).get('dpay')!.units, 80_000n);
});

test('fresh(): the same ledger while the file is as it left it; read again after another writer, a replace or a tamper', async () => {
  const path = fresh();
  const mine = await load(path);
  await mine.set('dpay', spend(10_000n));
  assert.is(await mine.fresh(), mine, 'its own write: no read');
  assert.is(await mine.fresh(), mine);
  // another vault (another process) appends under the lock: the size changes, the file is read
  const other = await load(path);
  assert.is.not(other, mine);
  await other.set('dpay', spend(30_000n));
  const seen = await mine.fresh();
  assert.is.not(seen, mine);
  assert.is(seen.get('dpay')!.units, 30_000n, 'the other writer counted');
  assert.is(await seen.fresh(), seen);
  // replaced by another file of the same size (another inode): read again, and its record authenticated
  const bytes = readFileSync(path);
  writeFileSync(`${path}.new`, bytes);
  const { renameSync } = await import('node:fs');
  renameSync(`${path}.new`, path);
  const replaced = await seen.fresh();
  assert.is.not(replaced, seen);
  assert.is(replaced.get('dpay')!.units, 30_000n);
  // tampered after it was cached: refused at the next look, not served from memory
  const text = readFileSync(path, 'latin1');
  writeFileSync(path, text.replace('30000', '300000'), 'latin1'); // (a write that keeps size and inode within one clock tick would not be seen: the keystore's rule too)
  const err = await replaced.fresh().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.is((err as VaultError).code, 'KEYSTORE_TAMPERED');
  // a missing file is read again each time (nothing cached to trust)
  const none = await load(fresh());
  assert.is.not(await none.fresh(), none);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
