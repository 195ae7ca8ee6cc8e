// The test runner itself: a sanity check that uvu runs and that dist/ is built from these sources.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';

test('the build produced the CLI entry', () => {
  assert.ok(existsSync(new URL('../runtime/cli/main.js', import.meta.url)));
});

test.run();
