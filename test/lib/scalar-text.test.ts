// lib/scalar-text.ts: a value from another party as text only when it is a scalar, never through a
// toString the sender chose (an object without a usable one makes String() throw).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scalarText } from '../../lib/scalar-text.js';

test('scalars as String writes them; objects, arrays, null and undefined are not text', () => {
  assert.is(scalarText('alice'), 'alice');
  assert.is(scalarText(''), '');
  assert.is(scalarText(12.5), '12.5');
  assert.is(scalarText(false), 'false');
  assert.is(scalarText(7n), '7');
  for (const v of [null, undefined, {}, [], ['a'], { toString: false, valueOf: 1 }, { toString: () => 'forged' }])
    assert.is(scalarText(v), undefined, JSON.stringify(v));
});

test.run();
