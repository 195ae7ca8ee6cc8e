// `peeros contract build DIR --print-abi` and `peeros app build DIR --print-commands` through the
// real CLI: the SDK transform runs inside the compile worker and its tables reach stdout; a
// contract folder without @contract, or with a type the ABI cannot describe, fails with a code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './measured-cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'peeros-decorated-'));
const env = { PEEROS_HOME: home };
// contracts and apps import the SDK by relative path: three levels below the repository, like apps/x/contract
const work = join(ROOT, 'build/test-contracts');
mkdirSync(work, { recursive: true });

test('contract build --print-abi prints the ABI generated from the decorated token', async () => {
  const dir = join(work, 'cli-token');
  cpSync(join(ROOT, 'apps/dpay/contract'), dir, { recursive: true, filter: (p) => !p.includes('/build') });
  const r = await runCli(['contract', 'build', dir, '--print-abi', '--name', 'token'], env);
  assert.is(r.code, 0, r.err);
  const abi = JSON.parse(r.out) as { version: string; actions: { name: string }[]; tables: { name: string }[] };
  assert.is(abi.version, 'eosio::abi/1.2');
  assert.equal(abi.actions.map((a) => a.name).sort(), ['close', 'create', 'issue', 'open', 'retire', 'transfer']);
  assert.equal(
    abi.tables.map((t) => t.name),
    ['accounts', 'stat'],
  );
  assert.match(r.err, /build\/token\.wasm/);
});

test('contract build refuses a folder without @contract and an unmappable type, with COMPILE_ERROR', async () => {
  const plain = join(work, 'cli-plain');
  mkdirSync(plain, { recursive: true });
  writeFileSync(join(plain, 'index.ts'), 'export function apply(r: u64, c: u64, a: u64): void {}\n');
  const r1 = await runCli(['contract', 'build', plain], env);
  assert.is(r1.code, 1);
  assert.match(r1.err, /COMPILE_ERROR: [\s\S]*no @contract class/, r1.err);
  const bad = join(work, 'cli-bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'index.ts'), '@contract\nclass C {\n  @action("hi") hi(f: Map<u64, u64>): void {}\n}\n');
  const r2 = await runCli(['contract', 'build', bad], env);
  assert.is(r2.code, 1);
  assert.match(r2.err, /COMPILE_ERROR: [\s\S]*C\.hi\(f\): type Map<u64, u64> has no Antelope ABI type/);
});

test('app build --print-commands prints the table generated from @command functions', async () => {
  const dir = join(ROOT, 'build/cli-calculator');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true, filter: (p) => !p.includes('/build') && !p.endsWith('peeros.sig') });
  const r = await runCli(['app', 'build', dir, '--print-commands'], env);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^ {2}eval \{expr: string\} — evaluates an expression/m);
  assert.match(r.out, /^ {2}add \{a: any, b: any\} — a \+ b$/m);
});

test.after(() => rmSync(home, { recursive: true, force: true }));
test.run();
