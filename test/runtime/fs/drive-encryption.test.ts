// A drive with a key stores every file sealed (runtime/fs/file-seal.ts): no plaintext on disk,
// sizes and listings as the app wrote them, ranges and renames work, a restart with the same key
// reads everything back; another key, a record moved to another path, or one altered byte answers
// `internal`, never wrong bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsaErrorCode } from '../../../abi/boundary-errors.js';
import { Drive } from '../../../runtime/fs/drive.js';
import { FILE_SEAL_OVERHEAD } from '../../../runtime/fs/file-seal.js';
import { AppStore, STORE_LOG_NAME } from '../../../runtime/storage/app-store.js';
import { FS_FOLDER_CHARGE_BYTES } from '../../../runtime/limits.js';
import { tempHome, cleanup } from '../helpers.js';

const home = tempHome('drive-encryption');
const key = randomBytes(32);
const enc = (s: string) => new TextEncoder().encode(s);
const text = (r: { ok: boolean; value?: Uint8Array }) => (r.ok ? new TextDecoder().decode(r.value) : `error`);
const SECRET = 'the launch code is 0000, do not tell anyone';

test.after(() => cleanup(home));

test('files are sealed on disk; reads, sizes, listings, ranges and renames are as the app wrote them', () => {
  const dir = join(home, 'a');
  const d = new Drive(dir, 1 << 20, { key });
  assert.ok(d.encrypted);
  assert.ok(d.writeFile('docs/secret.txt', enc(SECRET)).ok);
  assert.ok(d.write('docs/secret.txt', 19, enc('1234')).ok);
  assert.is(text(d.read('docs/secret.txt', 0, 1000)), SECRET.replace('0000', '1234'));
  assert.is(text(d.read('docs/secret.txt', 19, 4)), '1234');
  assert.equal(d.stat('docs/secret.txt'), { ok: true, value: { dir: false, size: SECRET.length } });
  assert.equal(d.list('docs', 10), { ok: true, value: [{ name: 'secret.txt', dir: false, size: SECRET.length }] });
  assert.ok(d.rename('docs/secret.txt', 'docs/moved.txt').ok);
  assert.is(text(d.read('docs/moved.txt', 0, 1000)), SECRET.replace('0000', '1234'));
  const disk = readFileSync(join(dir, STORE_LOG_NAME));
  assert.not.ok(disk.includes(Buffer.from('launch code')), 'no plaintext in the log');
  assert.is(d.usedBytes, AppStore.charge(Buffer.byteLength('docs/moved.txt'), SECRET.length + FILE_SEAL_OVERHEAD) + FS_FOLDER_CHARGE_BYTES); // and the folder
});

test('a restart with the same key reads back; another key answers internal', () => {
  const dir = join(home, 'a');
  assert.is(text(new Drive(dir, 1 << 20, { key }).read('docs/moved.txt', 0, 1000)), SECRET.replace('0000', '1234'));
  assert.equal(new Drive(dir, 1 << 20, { key: randomBytes(32) }).read('docs/moved.txt', 0, 1000), {
    ok: false,
    code: IsaErrorCode.INTERNAL,
  });
  assert.throws(() => new Drive(dir, 1 << 20, { key: randomBytes(16) }), /32 bytes/);
});

test('a record moved to another path, or one altered byte, does not open', () => {
  const dir = join(home, 'b');
  const d = new Drive(dir, 1 << 20, { key });
  assert.ok(d.writeFile('docs/a', enc('for a only')).ok);
  const raw = new AppStore(dir);
  raw.set('docs/b', raw.get('docs/a')!); // someone with disk access swaps records
  assert.equal(new Drive(dir, 1 << 20, { key }).read('docs/b', 0, 100), { ok: false, code: IsaErrorCode.INTERNAL });
  // one bit of the sealed value flipped, framed properly (the log's own checksum would catch a raw edit)
  const altered = Uint8Array.from(raw.get('docs/a')!);
  altered[20]! ^= 1;
  raw.set('docs/a', altered);
  assert.equal(new Drive(dir, 1 << 20, { key }).read('docs/a', 0, 100), { ok: false, code: IsaErrorCode.INTERNAL });
});

test.run();
