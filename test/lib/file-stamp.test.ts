// lib/file-stamp.ts: the stamp changes with every write the stores make (an atomic replace, an
// append) and stays put without one; a missing file is `absent` (or throws, for `fileStamp`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStamp, fileStampOrAbsent, stampOf } from '../../lib/file-stamp.js';

const dir = mkdtempSync(join(tmpdir(), 'peeros-file-stamp-'));

test('a replace and an append change the stamp; a read does not; absent is told apart', () => {
  const path = join(dir, 'f');
  assert.is(fileStampOrAbsent(path), 'absent');
  assert.throws(
    () => fileStamp(path),
    (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
  );
  writeFileSync(path, 'one');
  const first = fileStamp(path);
  assert.is(fileStampOrAbsent(path), first);
  assert.is(stampOf(statSync(path, { bigint: true })), first);
  assert.is(fileStamp(path), first, 'unchanged without a write');
  // an atomic replace with the same size (and, on a coarse clock, the same time): a new inode
  writeFileSync(`${path}.tmp`, 'two');
  renameSync(`${path}.tmp`, path);
  const replaced = fileStamp(path);
  assert.is.not(replaced, first);
  appendFileSync(path, '+');
  assert.is.not(fileStamp(path), replaced, 'an append grows the size');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
