// `peeros share serve`, `share list` and `share revoke` through the real CLI, in child processes.
// Alice's home (a real-KDF vault, as the CLI takes) made a folder share and a revoked one; her
// `share serve` child owns the share store, publishes a write made while it was down, and serves the
// folder to bob's host (another PEEROS_HOME with its own vault and corestore, over loopback TCP).
// While it runs, `share list` reads the records and a second `serve` or a `revoke` is refused
// (SHARE_BUSY); SIGTERM and SIGINT close it cleanly and release the store; then `share revoke`
// stops the share at once (a new serve no longer offers it). List output escapes what the records hold.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, USER_APP, Vault } from '../../skv/index.js';
import { Drive, driveDir } from '../../runtime/fs/drive.js';
import { driveKey } from '../../runtime/fs/drive-key.js';
import { ShareService } from '../../runtime/fs/share-service.js';
import { INCOMING_FILE } from '../../runtime/fs/share-records.js';
import { cleanup } from '../runtime/helpers.js';
import { runCli } from './measured-cli.js';
import { PASS, tempHome } from './world.js';
import { startShareServe, stopShareServe, until, type ShareServeProcess } from '../fixtures/share-serve-process.js';
import { codeOf } from '../fixtures/share-code.js';

const QUOTA = 16 << 20;
let aliceHome: string;
let bobHome: string;
let bob: { vault: Vault; key: string; shares: ShareService };
let folderShare: { id: string; descriptor: string };
let revokedId: string;
const BIG = randomBytes(150_000);
const env = (): Record<string, string> => ({ PEEROS_HOME: aliceHome, PEEROS_PASSPHRASE: PASS });

async function openDrive(home: string, vault: Vault, account: string, key: string): Promise<Drive> {
  const dir = driveDir(join(home, 'data', 'dbox'), account);
  return new Drive(dir, QUOTA, { key: await driveKey(vault, USER_APP, dir, key) });
}

test.before(async () => {
  // alice: made here and closed, so the CLI's processes take the locks
  aliceHome = tempHome('share-cli-alice');
  const vault = Vault.open({ home: aliceHome });
  await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
  const key = (await vault.createKey('alice')).publicKey;
  const d = await openDrive(aliceHome, vault, 'alice', key);
  assert.ok(d.writeFile('files/docs/big.bin', BIG).ok);
  assert.ok(d.writeFile('files/note.txt', Buffer.from('short-lived')).ok);
  const shares = await ShareService.open({ home: aliceHome, vault, userApp: USER_APP, serve: { host: '127.0.0.1', port: 0 } });
  folderShare = await shares.share({ app: 'dbox', account: 'alice', accountKey: key, path: 'files/docs', to: 'bob' });
  revokedId = (await shares.share({ app: 'dbox', account: 'alice', accountKey: key, path: 'files/note.txt', to: 'bob' })).id;
  await shares.revoke(revokedId);
  await shares.close();
  // written while no host serves: the serve's first cycle publishes it
  assert.ok(d.writeFile('files/docs/late.txt', Buffer.from('written while down')).ok);
  await vault.close();

  bobHome = tempHome('share-cli-bob');
  const bv = Vault.open({ home: bobHome, insecureTestKdf: true });
  await bv.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
  bob = {
    vault: bv,
    key: (await bv.createKey('bob')).publicKey,
    shares: await ShareService.open({ home: bobHome, vault: bv, userApp: USER_APP }),
  };
});

test.after(async () => {
  await bob?.shares.close().catch(() => {});
  await bob?.vault.close().catch(() => {});
  for (const h of [aliceHome, bobHome]) if (h) cleanup(h);
});

const bobOpens = (timeoutMs?: number) =>
  bob.shares.open({
    app: 'dbox',
    account: 'bob',
    accountKey: bob.key,
    from: 'alice',
    descriptor: folderShare.descriptor,
    maxBytes: QUOTA,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });

test('share serve: owns the store, publishes and serves; list works beside it; a second serve and a revoke are refused; SIGTERM closes it cleanly', async () => {
  const before = (JSON.parse((await runCli(['share', 'list', '--json'], env())).out) as { outgoing: Array<{ id: string }> }).outgoing;
  assert.is(before.length, 2);
  let serve: ShareServeProcess | undefined;
  try {
    // the descriptor names the address the share was made on: serve there again
    const port = Number(/"at":"127\.0\.0\.1:(\d+)"/.exec(folderShare.descriptor)![1]);
    serve = await startShareServe(env(), ['--listen', `127.0.0.1:${port}`]);
    assert.equal(serve.at, { host: '127.0.0.1', port });
    await until(
      () => /published 1 changed file/.test(serve!.out()),
      () => `the first cycle publishes the write made while down (out: ${serve!.out()}; err: ${serve!.err()})`,
    );

    const got = await bobOpens();
    assert.equal(got.saved.sort(), ['docs/big.bin', 'docs/late.txt']);
    const b = await openDrive(bobHome, bob.vault, 'bob', bob.key);
    const r = b.read('shared/alice/docs/big.bin', 0, QUOTA);
    assert.ok(r.ok && Buffer.from(r.value).equals(BIG));

    const list = await runCli(['share', 'list', '--json'], env());
    assert.is(list.code, 0, list.err);
    assert.not.ok(/sealedKey|nonce|"key"/.test(list.out), 'no key material in the listing');
    const { outgoing } = JSON.parse(list.out) as {
      outgoing: Array<{ id: string; path: string; to: string; at?: string; revoked: boolean; blocks: number; bytes: number }>;
    };
    const served = outgoing.find((s) => s.id === folderShare.id)!;
    assert.equal([served.path, served.to, served.revoked, served.at], ['files/docs', 'bob', false, `127.0.0.1:${port}`]);
    assert.ok(served.bytes > BIG.length && served.blocks >= 5, JSON.stringify(served));
    assert.equal(
      outgoing.filter((s) => s.revoked).map((s) => s.id),
      [revokedId],
    );
    const human = await runCli(['share', 'list'], env());
    assert.match(human.out, `${folderShare.id}  dbox  alice → bob  files/docs/  served at 127.0.0.1:${port}, `);
    assert.match(human.out, `${revokedId}  dbox  alice → bob  files/note.txt  revoked`);

    const second = await runCli(['share', 'serve', '--listen', '127.0.0.1:0'], env(), 120_000);
    assert.is(second.code, 1, second.err);
    assert.match(second.err, 'another process holds this host');
    const busy = await runCli(['share', 'revoke', folderShare.id], env());
    assert.is(busy.code, 1, busy.err);
    assert.match(busy.err, 'another process holds this host');

    assert.is(await stopShareServe(serve, 'SIGTERM'), 0, serve.err());
    assert.match(serve.err(), 'stopped serving shares');
    assert.not.match(serve.err(), 'name another address');

    // served elsewhere than its descriptors name: said at once
    serve = await startShareServe(env(), ['--listen', '127.0.0.1:0']);
    const s = serve;
    await until(
      () => /name another address/.test(s.err()),
      () => `no warning: ${s.err()}`,
    );
    assert.match(s.err(), `1 active share(s) name another address (127.0.0.1:${port})`);
    assert.is(await stopShareServe(s, 'SIGTERM'), 0, s.err());
  } finally {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  }
  // the store is free again: bob's sync now finds nobody
  assert.is(await codeOf(bobOpens(2000)), 'SHARE_UNREACHABLE');
});

test('share revoke ID: at once, without the chain; a new serve no longer offers the core (SIGINT stops it); unknown and bad ids are clear errors', async () => {
  const bad = await runCli(['share', 'revoke', 'not-an-id'], env());
  assert.is(bad.code, 2, bad.err);
  assert.match(bad.err, 'ID is 32 hex digits');
  const unknown = await runCli(['share', 'revoke', 'ab'.repeat(16)], env());
  assert.is(unknown.code, 1, unknown.err);
  assert.match(unknown.err, 'no outgoing share');
  const again = await runCli(['share', 'revoke', revokedId], env());
  assert.is(again.code, 1, again.err);
  assert.match(again.err, 'already revoked');

  const done = await runCli(['share', 'revoke', folderShare.id], env());
  assert.is(done.code, 0, done.err);
  assert.match(done.out, `revoked ${folderShare.id}`);
  const { outgoing } = JSON.parse((await runCli(['share', 'list', '--json'], env())).out) as {
    outgoing: Array<{ id: string; revoked: boolean; bytes: number }>;
  };
  assert.equal(
    outgoing.map((s) => [s.id, s.revoked, s.bytes]).sort(),
    [
      [folderShare.id, true, 0],
      [revokedId, true, 0],
    ].sort(),
  );

  let serve: ShareServeProcess | undefined;
  try {
    const port = Number(/"at":"127\.0\.0\.1:(\d+)"/.exec(folderShare.descriptor)![1]);
    serve = await startShareServe(env(), ['--listen', `127.0.0.1:${port}`]);
    assert.is(await codeOf(bobOpens(3000)), 'SHARE_UNREACHABLE', 'the revoked core is not offered');
    assert.is(await stopShareServe(serve, 'SIGINT'), 0, serve.err());
  } finally {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  }
  const usage = await runCli(['share', 'serve', '--listen', 'nowhere'], env());
  assert.is(usage.code, 2, usage.err);
});

test('share list on the recipient shows what it synced; whatever the records hold is escaped for the terminal', async () => {
  const mine = await runCli(['share', 'list', '--json'], { PEEROS_HOME: bobHome });
  assert.is(mine.code, 0, mine.err);
  const { incoming } = JSON.parse(mine.out) as { incoming: Array<{ from: string; path: string; files: number; blocks: number }> };
  assert.equal(
    incoming.map((s) => [s.from, s.path, s.files]),
    [['alice', 'files/docs', 2]],
  );
  assert.ok(incoming[0]!.blocks > 0);

  const home = tempHome('share-cli-escape');
  try {
    mkdirSync(join(home, 'shares'), { recursive: true });
    const record = {
      app: 'dbox',
      account: 'bob',
      from: 'alice',
      path: 'files/\u001b[2Jevil\u202e',
      folder: false,
      core: 'ab'.repeat(32),
      position: { length: 3, fork: 0, treeHash: '' },
      files: {},
      bytes: 10,
      synced: 0,
    };
    writeFileSync(join(home, 'shares', INCOMING_FILE), JSON.stringify({ version: 1, shares: [record] }));
    const r = await runCli(['share', 'list'], { PEEROS_HOME: home });
    assert.is(r.code, 0, r.err);
    assert.not.ok(r.out.includes('\u001b') || r.out.includes('\u202e'), 'no raw escape reaches the terminal');
    assert.match(r.out, '\\x1b[2Jevil\\u202e');
  } finally {
    cleanup(home);
  }
});

test.run();
