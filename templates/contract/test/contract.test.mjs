// Builds the contract with the peeros that is installed (or linked) here and checks what a node
// will load: a module exporting only `apply` and its memory, and an ABI with the actions and the
// table the source dispatches. Deploy and call it with:
//   peeros set contract __NAME__ . && peeros push action __NAME__ post '{"user":"…","text":"hi"}' -p …
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const bin = join(dirname(createRequire(import.meta.url).resolve('peeros/package.json')), 'bin/peeros.js');
const root = join(import.meta.dirname, '..');

test('__NAME__ builds to a module exporting apply, with its ABI', () => {
  const r = spawnSync(process.execPath, [bin, 'contract', 'build', root, '--name', '__NAME__'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const module = new WebAssembly.Module(readFileSync(join(root, 'build/__NAME__.wasm')));
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name).sort(), ['apply', 'memory']);
  const abi = JSON.parse(readFileSync(join(root, 'build/__NAME__.abi'), 'utf8'));
  assert.deepEqual(abi.actions.map((a) => a.name), ['post', 'erase']);
  assert.deepEqual(abi.tables.map((t) => t.name), ['messages']);
});
