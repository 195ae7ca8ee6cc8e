import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAndInstall, peeros } from './peeros.mjs';

// Transfers need a DMCS with the __CONTRACT__ contract and a logged-in account (peeros node,
// peeros login); without a session the app answers NO_SESSION, which this test checks.
test('__NAME__ builds, installs and asks for a session before it reads the chain', () => {
  buildAndInstall();
  const r = peeros('app', 'run', '__NAME__', 'whoami', '{}');
  assert.equal(r.code, 1);
  assert.match(r.err, /NO_SESSION/);
});
