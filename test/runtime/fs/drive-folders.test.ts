// A drive's folder index follows the log when another process writes it (a CLI run beside a
// running host): a folder made there is a folder here, one emptied there is gone here, and a file
// can still never be created where the other process made a folder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { IsaErrorCode } from '../../../abi/boundary-errors.js';
import { Drive } from '../../../runtime/fs/drive.js';
import { tempHome, cleanup } from '../helpers.js';

const home = tempHome('drive-folders');
const enc = (s: string) => new TextEncoder().encode(s);
test.after(() => cleanup(home));

test('two drives on one folder (two processes) agree on folders', () => {
  const dir = join(home, 'shared');
  const here = new Drive(dir, 1 << 20);
  const there = new Drive(dir, 1 << 20);
  assert.ok(here.writeFile('docs/a.txt', enc('a')).ok);
  assert.equal(here.stat('docs'), { ok: true, value: { dir: true, size: 1 } }); // index built here
  assert.ok(there.writeFile('docs/sub/b.txt', enc('b')).ok);
  assert.equal(here.stat('docs/sub'), { ok: true, value: { dir: true, size: 1 } });
  assert.equal(here.writeFile('docs/sub', enc('x')), { ok: false, code: IsaErrorCode.INVALID_ARGUMENT });
  assert.ok(there.remove('docs/sub/b.txt').ok);
  assert.equal(here.stat('docs/sub'), { ok: false, code: IsaErrorCode.NOT_FOUND });
  assert.ok(here.writeFile('docs/sub', enc('now a file')).ok);
});

test.run();
