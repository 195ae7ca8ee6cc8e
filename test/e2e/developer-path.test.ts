// What a new developer does, from a folder outside the clone, with the real CLI against a real
// embedded node: `app init` → build (the SDK imported by package path) → install → run;
// `contract init` → `contract build` → `set contract` → `push action` → `get table`, and the other
// cleos-style commands; a declined `account create` leaves no key behind; `sign` of an action no
// ABI decodes says so loudly. The tarball half (npm pack, install into an empty folder) is in
// package-tarball.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, DEV_PRIVATE_KEY, DEV_PUBLIC_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { Transaction } from '../../abi/antelope/index.js';
import { tempHome } from './world.js';
import { okPeeros, runPeeros, type PeerosOptions, type PeerosRun } from './run-cli.js';

const PASSPHRASE = 'developer path passphrase';
let home: string;
let work: string;
let node: EmbeddedNode;

/** The real CLI as this test's user, in its work folder; `stdin` piped then closed; killed after 90 s. */
const asUser = (stdin = ''): PeerosOptions => ({
  cwd: work,
  env: { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE },
  stdin,
  timeoutMs: 90_000,
});
const peeros = (args: string[], stdin = ''): Promise<PeerosRun> => runPeeros(args, asUser(stdin));
const ok = (...args: string[]): Promise<string> => okPeeros(args, asUser());

test.before(async () => {
  home = tempHome('developer-path');
  work = mkdtempSync(join(tmpdir(), 'peeros-dev-work-')); // outside the clone: no node_modules/peeros above it
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  await new DmcsRegistry(home).add('local', node.endpoint!);
  const r = await peeros(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY);
  assert.is(r.code, 0, r.err);
});
test.after(async () => {
  await node?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('app init → build → install → run: a counter app from a folder outside the clone', async () => {
  const t0 = Date.now();
  assert.match(await ok('app', 'init', 'hello'), /created hello\/ from the counter template/);
  const source = readFileSync(join(work, 'hello/assembly/index.ts'), 'utf8');
  assert.match(source, /from "peeros\/sdk-as\/app"/, 'the template imports the SDK by package path');
  assert.match(await ok('app', 'build', 'hello'), /built .*hello\.wasm/);
  await ok('app', 'install', 'hello', '--yes');
  assert.equal(JSON.parse(await ok('app', 'run', 'hello', 'increment', '{"by":41}')), { count: 41 });
  assert.equal(JSON.parse(await ok('app', 'run', 'hello', 'increment')), { count: 42 });
  console.log(`  app init → first run: ${Date.now() - t0} ms`);
  const again = await peeros(['app', 'init', 'hello']);
  assert.is(again.code, 2, 'init never writes into a folder that has files');
});

test('contract init → build → set contract → push action → get table, and the other cleos-style reads', async () => {
  await ok('contract', 'init', 'board');
  assert.match(readFileSync(join(work, 'board/contract/index.ts'), 'utf8'), /from "peeros\/sdk-as\/contract"/);
  assert.match(await ok('contract', 'build', 'board'), /board\.wasm \(\d+ bytes\) and its ABI .*board\.abi/);
  await ok('account', 'create', 'board', '--yes');
  await ok('account', 'create', 'alice', '--yes');
  assert.match(await ok('set', 'contract', 'board', 'board', '--yes'), /executed transaction: [0-9a-f]{64}/);
  const pushed = await ok('push', 'action', 'board', 'post', '{"user":"alice","text":"hello"}', '-p', 'alice@active', '--yes');
  assert.match(pushed, /alice <= board::post|board <= board::post/);
  await ok('push', 'action', 'board', 'post', '["board", "first"]', '-p', 'board', '--yes'); // cleos's array form
  const table = JSON.parse(await ok('get', 'table', 'board', 'board', 'messages'));
  assert.equal(table.rows, [
    { user: 'alice', text: 'hello' },
    { user: 'board', text: 'first' },
  ]);
  const limited = JSON.parse(await ok('get', 'table', 'board', 'board', 'messages', '--limit', '1', '--reverse'));
  assert.equal(limited.rows, [{ user: 'board', text: 'first' }]);
  assert.ok(limited.more);
  const scopes = JSON.parse(await ok('get', 'scope', 'board'));
  assert.equal(
    scopes.rows.map((r: Record<string, unknown>) => [r.code, r.scope, r.table, r.count]),
    [['board', 'board', 'messages', 2]],
  );
  assert.is(scopes.more, '');
  assert.equal(JSON.parse(await ok('get', 'scope', 'board', '--table', 'other')).rows, [], '--table filters');

  const wasm = readFileSync(join(work, 'board/build/board.wasm'));
  assert.match(await ok('get', 'code', 'board'), new RegExp(`code hash: ${createHash('sha256').update(wasm).digest('hex')}`));
  assert.ok(JSON.parse(await ok('get', 'abi', 'board')).abi.tables.some((t: { name: string }) => t.name === 'messages'));
  assert.is(JSON.parse(await ok('get', 'info')).chain_id, node.chainId);
  const account = JSON.parse(await ok('get', 'account', 'alice', '--json'));
  assert.is(account.account_name, 'alice');
  assert.match(await ok('get', 'account', 'alice'), /active \(parent owner\) threshold 1/);
  assert.ok(JSON.parse(await ok('get', 'block', '2')).producer);

  const hex = (await ok('convert', 'pack_action_data', 'board', 'post', '{"user":"alice","text":"hi"}')).trim();
  assert.equal(JSON.parse(await ok('convert', 'unpack_action_data', 'board', 'post', hex)), { user: 'alice', text: 'hi' });
  const abiFile = join(work, 'board/build/board.abi');
  assert.is((await ok('convert', 'pack_action_data', 'board', 'post', '{"user":"alice","text":"hi"}', '--abi', abiFile)).trim(), hex);

  // -d -s: nothing signed or sent; the transaction's id is what get transaction-id computes
  const unsigned = JSON.parse(await ok('push', 'action', 'board', 'erase', '{"user":"alice"}', '-p', 'alice', '-d', '-s', '-x', '60'));
  assert.is((await ok('get', 'transaction-id', JSON.stringify(unsigned.transaction))).trim(), unsigned.transaction_id);
  assert.is(Transaction.from(unsigned.transaction).id.toString(), unsigned.transaction_id);
  assert.is(JSON.parse(await ok('get', 'table', 'board', 'board', 'messages')).rows.length, 2, '-d did not broadcast');

  const refused = await peeros(['push', 'action', 'board', 'post', '{"user":"alice","text":"x"}', '-p', 'board', '--yes']);
  assert.is(refused.code, 1, 'the contract requires alice, board signed');
  assert.match(refused.err, /missing_auth_exception|missing authority/);
});

test('account create, declined: no key is left in the vault', async () => {
  const before = await ok('key', 'list');
  const r = await peeros(['account', 'create', 'carol']); // no terminal, no --yes: the vault's verifier declines
  assert.is.not(r.code, 0);
  assert.match(r.err, /NOT_APPROVED|declined|not approved/i);
  assert.is(await ok('key', 'list'), before);
});

test('sign: data of a contract without an ABI is shown as raw hex, loudly; with --abi it is decoded', async () => {
  const info = JSON.parse(await ok('get', 'info'));
  const trx = {
    expiration: '2030-01-01T00:00:00',
    ref_block_num: 1,
    ref_block_prefix: 1,
    actions: [
      { account: 'nobody', name: 'post', authorization: [{ actor: 'eosio', permission: 'active' }], data: '0000000000855c34026869' },
    ],
  };
  const raw = await peeros(['sign', '--chain-id', info.chain_id, '--json', JSON.stringify(trx), '--key', DEV_PUBLIC_KEY, '--yes']);
  assert.is(raw.code, 0, raw.err);
  assert.match(raw.err, /RAW HEX/);
  const decoded = await peeros([
    'sign',
    '--chain-id',
    info.chain_id,
    '--json',
    JSON.stringify(trx),
    '--abi',
    join(work, 'board/build/board.abi'),
    '--key',
    DEV_PUBLIC_KEY,
    '--yes',
  ]);
  assert.is(decoded.code, 0, decoded.err);
  assert.not.match(decoded.err, /RAW HEX/);
  // a context-free action is signed with the rest, so it is summarized too (before, only the
  // actions were: this one, of a contract without an ABI, went unseen and without the warning)
  const withContextFree = {
    ...trx,
    context_free_actions: [{ ...trx.actions[0], authorization: [] }],
    actions: [
      {
        account: 'eosio',
        name: 'deleteauth',
        authorization: [{ actor: 'eosio', permission: 'active' }],
        data: '0000000000855c3400000000a8ed3232',
      },
    ],
  };
  const cf = await peeros([
    'sign',
    '--chain-id',
    info.chain_id,
    '--json',
    JSON.stringify(withContextFree),
    '--key',
    DEV_PUBLIC_KEY,
    '--yes',
  ]);
  assert.is(cf.code, 0, cf.err);
  assert.match(cf.err, /RAW HEX/, 'the context-free action is in the summary');
});

test.run();
