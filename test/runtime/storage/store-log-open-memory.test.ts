// Opening an app's store log keeps what the index needs, not an object per record. The log is
// bounded by twice the quota, deletes included, so an app that writes and deletes tiny keys can
// leave one of millions of dead 12-byte records; the open used to build a record object for each
// (about 84 bytes: 7 × the log's size, 14 × the quota) before keeping the live ones. Here a 34 MB
// log of 2.8 million dead records opens in a child whose heap is capped at 96 MB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeRecord, OP_DELETE, OP_PUT, STORE_MAGIC } from '../../../runtime/storage/store-log.js';
import { STORE_LOG_NAME } from '../../../runtime/storage/app-store.js';

const APP_STORE = fileURLToPath(new URL('../../../runtime/storage/app-store.js', import.meta.url));
const PAIRS = 1_400_000;

test('a log of millions of dead records opens within a heap a fraction of the record objects it used to build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-store-open-'));
  try {
    const key = Buffer.from('a');
    const pair = Buffer.concat([encodeRecord(OP_PUT, key, null), encodeRecord(OP_DELETE, key, null)]);
    const log = Buffer.alloc(STORE_MAGIC.length + pair.length * PAIRS);
    STORE_MAGIC.copy(log);
    log.fill(pair, STORE_MAGIC.length);
    const live = encodeRecord(OP_PUT, Buffer.from('kept'), Buffer.from('value'));
    writeFileSync(join(dir, STORE_LOG_NAME), Buffer.concat([log, live]));
    const script = `const { AppStore } = await import(${JSON.stringify(APP_STORE)});
      const s = new AppStore(${JSON.stringify(dir)});
      process.stdout.write(JSON.stringify({ keys: [...s.keys()], value: Buffer.from(s.get('kept')).toString() }));`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=96', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.is(r.status, 0, `the open ran out of its heap: ${r.stderr.slice(-400)}`);
    assert.equal(JSON.parse(r.stdout), { keys: ['kept'], value: 'value' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
