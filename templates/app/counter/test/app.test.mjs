import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndInstall, run } from './peeros.mjs';

test('__NAME__ counts and keeps its count in storage', () => {
  buildAndInstall();
  assert.deepEqual(run('get'), { count: 0 });
  assert.deepEqual(run('increment'), { count: 1 });
  assert.deepEqual(run('increment', { by: 41 }), { count: 42 });
  assert.deepEqual(run('get'), { count: 42 });
  assert.deepEqual(run('reset'), { count: 0 });
});
