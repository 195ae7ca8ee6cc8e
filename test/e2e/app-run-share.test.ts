// `peeros app run` and a peer-to-peer share, through the real CLI, one process per command: the
// one-shot host serves no shares (a recipient reads a share from the host that made it for as long
// as the share lives, and this process ends with its command), so dBox's `share` of a file over
// 4 KiB is refused before anything is made or signed, and stderr says exactly what to run instead
// (`peeros console --share-listen HOST:PORT`, then `peeros share serve --listen` on the same address).
// A small text file still goes inline on chain from the same command, so the refusal is the share
// path's alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DmcsRegistry, HttpBackend } from '../../runtime/dispatch/index.js';
import { OfflineQueue } from '../../runtime/offline-queue/index.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { DEV_PRIVATE_KEY } from '../../dmcs/index.js';
import { ROOT, newAccount, startWorld, tempHome, type World } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

const PASSPHRASE = 'app run share passphrase';
const DBOX_WASM = join(ROOT, 'build/contracts/dbox/dbox.wasm');
let home: string;
let w: World;

function peeros(args: string[], stdin = ''): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE }, 120_000, stdin);
}

async function ok(args: string[], stdin = ''): Promise<string> {
  const r = await peeros(args, stdin);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}

async function sharesOf(account: string): Promise<unknown[]> {
  const r = await new HttpBackend(w.node.endpoint!).getTableRows({ code: 'dbox', scope: account, table: 'shares', json: true, limit: 10 });
  return r.rows;
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'dbox');
  await newAccount(w, 'bob');
  await deployContract({
    vault: w.vault,
    backend: w.backend,
    account: 'dbox',
    wasmPath: DBOX_WASM,
    abiPath: DBOX_WASM.replace(/\.wasm$/, '.abi'),
  });
  // alice's own home, driven by the CLI only
  home = tempHome('app-run-share');
  await new DmcsRegistry(home).add('local', w.node.endpoint!);
  await ok(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY);
  await ok(['account', 'create', 'alice', '--yes']);
  await ok(['login', 'alice', '--yes']);
  await ok(['app', 'install', join(ROOT, 'apps/dbox'), '--yes']);
  await ok(['grant', 'dbox', '--max-count', '10', '--yes']);
});
test.after(async () => {
  await w?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('a $share from app run is refused before anything is made or signed, naming what to run; an inline share still works', async () => {
  await ok(['app', 'run', 'dbox', 'put', JSON.stringify({ path: 'big.txt', text: 'x'.repeat(5000) })]);
  const r = await peeros(['app', 'run', 'dbox', 'share', JSON.stringify({ path: 'big.txt', to: 'bob' })]);
  assert.is.not(r.code, 0, r.out);
  assert.match(r.err, '"files/big.txt" would be shared peer to peer', r.err);
  assert.match(r.err, 'this host serves no shares', r.err);
  assert.match(r.err, '`peeros console --share-listen HOST:PORT`', r.err);
  assert.match(r.err, '`peeros share serve --listen HOST:PORT` (the same address)', r.err);
  assert.match(r.err, 'Nothing was shared or signed');
  assert.match(`${r.out}${r.err}`, /UNAVAILABLE/i, 'the app hears unavailable, not a malformed push');
  assert.not.ok(existsSync(join(home, 'shares')), 'no share store was made');
  assert.equal(await sharesOf('bob'), [], 'nothing on chain');
  assert.equal(OfflineQueue.snapshot({ home }), [], 'nothing queued');

  // the same command with a small text file: sealed inline on chain, no share service needed
  await ok(['app', 'run', 'dbox', 'put', JSON.stringify({ path: 'small.txt', text: 'hello bob' })]);
  const out = JSON.parse(await ok(['app', 'run', 'dbox', 'share', JSON.stringify({ path: 'small.txt', to: 'bob' })])) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  assert.is((await sharesOf('bob')).length, 1);
});

test.run();
