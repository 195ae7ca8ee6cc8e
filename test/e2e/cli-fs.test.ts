// The file system from the command line, one process per command: once logged in, an app's drive
// is encrypted under a key the vault holds; `peeros app run` opens the vault on demand (here with
// $PEEROS_PASSPHRASE) to create and open it. The next process reads the files back; the log on
// disk holds no plaintext; with no passphrase and no terminal the app hears that the drive cannot
// be opened, and nothing is written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, DEV_PRIVATE_KEY, type EmbeddedNode } from '../../dmcs/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { DRIVE_KEY_FILE } from '../../runtime/fs/drive-key.js';
import { ROOT, tempHome } from './world.js';
import { runCli, type CliRun } from './measured-cli.js';

const PASSPHRASE = 'cli fs passphrase';
let home: string;
let node: EmbeddedNode;

/** The real CLI as this test's user (home and vault passphrase set). */
function peeros(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASSPHRASE, ...env }, 60_000, stdin);
}

async function ok(args: string[], stdin = ''): Promise<string> {
  const r = await peeros(args, stdin);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}

test.before(async () => {
  home = tempHome('cli-fs');
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  await new DmcsRegistry(home).add('local', node.endpoint!);
  await ok(['key', 'import', '--label', 'eosio dev'], DEV_PRIVATE_KEY);
  await ok(['account', 'create', 'alice', '--yes']);
  await ok(['login', 'alice', '--yes']);
  await ok(['app', 'install', join(ROOT, 'apps/calendar'), '--yes']);
});
test.after(async () => {
  await node?.close();
  rmSync(home, { recursive: true, force: true });
});

test('app run creates an encrypted drive through the vault; the next process reads it back', async () => {
  const ev = JSON.parse(await ok(['app', 'run', 'calendar', 'add', '{"title":"dentist appointment","start":1800000000000}'])) as {
    id: string;
  };
  assert.match(ev.id, /^[0-9a-f]{8}$/);
  const drive = join(home, 'data', 'calendar', 'fs', 'alice');
  assert.ok(existsSync(join(drive, DRIVE_KEY_FILE)));
  assert.not.ok(readFileSync(join(drive, 'store.log')).includes(Buffer.from('dentist')), 'no plaintext on disk');
  const list = JSON.parse(await ok(['app', 'run', 'calendar', 'list'])) as Array<{ title: string }>;
  assert.equal(
    list.map((e) => e.title),
    ['dentist appointment'],
  );
});

test('without the vault (no passphrase, no terminal) the drive does not open and nothing is written', async () => {
  const before = readFileSync(join(home, 'data', 'calendar', 'fs', 'alice', 'store.log'));
  const r = await peeros(['app', 'run', 'calendar', 'add', '{"title":"x","start":1}'], '', { PEEROS_PASSPHRASE: '' });
  assert.is.not(r.code, 0);
  assert.match(r.err, /ISA_(UNAVAILABLE|CAPABILITY_DENIED|NO_SESSION)/, r.err);
  assert.equal(readFileSync(join(home, 'data', 'calendar', 'fs', 'alice', 'store.log')), before);
});

test.run();
