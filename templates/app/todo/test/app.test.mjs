import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndInstall, run } from './peeros.mjs';

test('__NAME__ adds, lists, completes and removes items', () => {
  buildAndInstall();
  const milk = run('add', { text: 'buy milk' });
  const mail = run('add', { text: 'answer mail' });
  assert.deepEqual(run('list').map((i) => i.text), ['buy milk', 'answer mail']);
  assert.equal(run('done', { id: milk.id }).done, true);
  run('remove', { id: mail.id });
  assert.deepEqual(run('list'), [{ id: milk.id, text: 'buy milk', done: true }]);
});
