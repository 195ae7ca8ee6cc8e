// The session commands through the real `peeros` binary against a real dev node: key import,
// account create, login (success, unknown account, a vault without the key), logout, grant; bad
// arguments exit 2 with a hint; unknown command; unknown app.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { PrivateKey } from '../../abi/antelope/index.js';
import { readSession } from '../../runtime/session/index.js';
import { tempHome } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

let home: string;
let node: EmbeddedNode;

function peeros(args: string[], stdin = ''): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: 'cli passphrase' }, 60_000, stdin);
}

test.before(async () => {
  home = tempHome('cli');
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  const r = await peeros(['dmcs', 'add', 'local', node.endpoint!]);
  assert.is(r.code, 0, r.err);
  const k = await peeros(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY);
  assert.is(k.code, 0, k.err);
});
test.after(async () => {
  await node.close();
  rmSync(home, { recursive: true, force: true });
});

test('account create + login + logout', async () => {
  const a = await peeros(['account', 'create', 'alice', '--yes']);
  assert.is(a.code, 0, a.err);
  assert.match(a.out, /created account alice with key PUB_K1_/);
  const l = await peeros(['login', 'alice', '--yes']);
  assert.is(l.code, 0, l.err);
  assert.match(l.out, /logged in as alice@active on DMCS 'local'/);
  assert.is(readSession(home)?.account, 'alice');
  const o = await peeros(['logout']);
  assert.is(o.code, 0);
  assert.match(o.out, /logged out \(was alice\)/);
  assert.is(readSession(home), undefined);
});

test('login refusals: unknown account; an account whose key the vault lacks; no approval without a terminal', async () => {
  const u = await peeros(['login', 'nobody', '--yes']);
  assert.is(u.code, 1);
  assert.match(u.err, /account 'nobody' does not exist/);
  const c = await peeros(['account', 'create', 'carol', '--key', PrivateKey.generate().toPublic().toLegacyString(), '--yes']);
  assert.is(c.code, 0, c.err);
  const lc = await peeros(['login', 'carol', '--yes']);
  assert.is(lc.code, 1);
  assert.match(lc.err, /none of the vault's \d key\(s\) satisfies carol@active/);
  const n = await peeros(['login', 'alice']);
  assert.is(n.code, 1, 'without --yes and without a terminal the verifier declines');
  assert.match(n.err, /not approved/, n.err);
});

test('bad arguments, unknown commands and apps', async () => {
  const r1 = await peeros(['login']);
  assert.is(r1.code, 2);
  assert.match(r1.err, /login takes one ACCOUNT name.*--help/);
  const r2 = await peeros(['login', 'alice', '--frobnicate']);
  assert.is(r2.code, 2);
  assert.match(r2.err, /unknown option --frobnicate/);
  const r3 = await peeros(['account', 'delete', 'x']);
  assert.is(r3.code, 2);
  const r4 = await peeros(['frobnicate']);
  assert.is(r4.code, 2);
  assert.match(r4.err, /unknown command 'frobnicate'/);
  const r5 = await peeros(['grant', 'nosuchapp', '--max-count', '3']);
  assert.is(r5.code, 1);
  assert.match(r5.err, /nosuchapp/, JSON.stringify(r5));
  const r6 = await peeros(['grant', 'x', '--max-amount', '1.0000 RSN']);
  assert.ok(r6.code !== 0);
  const r7 = await peeros(['login', 'Not_A_Name', '--yes']);
  assert.is(r7.code, 2, 'a malformed account name is a usage error');
  assert.match(r7.err, /not an Antelope account name/);
  const r8 = await peeros(['app', 'run', 'nosuchapp', 'cmd']);
  assert.is(r8.code, 1);
  assert.match(r8.err, /UNKNOWN_APP/);
});

test('logout when nobody is logged in', async () => {
  await peeros(['logout']);
  const r = await peeros(['logout']);
  assert.is(r.code, 0);
  assert.match(r.out, /nobody was logged in/);
});

test.run();
