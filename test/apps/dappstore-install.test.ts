// The dAppStore app asks the host to install (store.request-install), through the real host on a
// real dev node with the registry contract: the app names APP@VERSION and nothing else; the host
// reads the registry row, fetches and checks the package, shows ITS consent (who asked, publisher,
// capabilities, what changed) in the host's install dialog and installs only on a yes. Refused by
// test: a declined dialog (nothing installed), a yanked release, a package that no longer matches
// its row, a downgrade, a release of the installed precedence with other code (the dialog is never
// shown for those), malformed names and versions, and a host with no dialog at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { packageSigningDigest, type Vault } from '../../skv/index.js';
import { Host } from '../../runtime/index.js';
import { readAppPackage } from '../../runtime/app-package.js';
import { hashPackage } from '../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../runtime/app-identity/package-signature.js';
import { packPackage } from '../../runtime/package-archive/package-file.js';
import { publishRelease, yankRelease } from '../../runtime/store/store-publish.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import {
  MAX_INSTALL_REASON_CHARS,
  refusalReason,
  serveInstallRequest,
  type InstallDialogRequest,
} from '../../runtime/app-install-request.js';
import { pack } from '../../abi/msgpack/codec.js';
import { BridgeError } from '../../runtime/host-bridge/bridge-error.js';
import { startWorld, newAccount, tempHome, ROOT, PASS, type World } from '../e2e/world.js';
import { runCli } from '../e2e/measured-cli.js';
import { refusalCode } from '../runtime/helpers.js';

const STORE_WASM = join(ROOT, 'build/contracts/dappstore/dappstore.wasm');
let w: World;
let host: Host;
let tmp: string;
const key = PrivateKey.generate();
const shown: InstallDialogRequest[] = [];
let answer = false;

const run = (cmd: string, args: Record<string, unknown> = {}) => host.run('dappstore', cmd, args);
type Answer = { status: string; app: string; version?: string; reason?: string };

/** The calculator at `version` (with extra capabilities), signed by the publisher key, packed and published by alice; returns the file. */
async function publish(version: string, capabilities: Record<string, unknown> = {}): Promise<string> {
  const dir = join(tmp, `calculator-${version}`);
  cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
  rmSync(join(dir, 'peeros.sig'), { force: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as Record<string, unknown>;
  manifest.version = version;
  manifest.capabilities = { ...(manifest.capabilities as object), ...capabilities };
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest, null, 2));
  const pkg = await readAppPackage(dir);
  const hash = hashPackage(pkg);
  const sig = formatPackageSignature({
    version: 1,
    publicKey: key.toPublic().toString(),
    packageHash: Buffer.from(hash).toString('hex'),
    signature: key.sign(packageSigningDigest(hash)).toString(),
  });
  const { bytes } = packPackage(pkg, Buffer.from(sig));
  const file = join(tmp, `calculator-${version}.peeros`);
  writeFileSync(file, bytes);
  await publishRelease({
    vault: w.vault as Vault,
    backend: w.backend,
    store: 'dappstore',
    account: 'alice',
    pkg,
    size: bytes.length,
    locations: [file],
  });
  return file;
}

const installedVersion = async () => (await host.list()).find((a) => a.name === 'calculator')?.version;

test.before(async () => {
  tmp = tempHome('store-request');
  w = await startWorld({
    installDialog: async (r) => {
      shown.push(r);
      return answer;
    },
  });
  await newAccount(w, 'alice');
  await newAccount(w, 'dappstore');
  await deployContract({
    vault: w.vault,
    backend: w.backend,
    account: 'dappstore',
    wasmPath: STORE_WASM,
    abiPath: STORE_WASM.replace(/\.wasm$/, '.abi'),
  });
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/dappstore'), { grant: async () => true });
  await publish('1.0.0');
});
test.after(async () => {
  key.clear();
  await host?.close();
  await w?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('declined in the host dialog: nothing installed; the dialog showed who asked, publisher and capabilities', async () => {
  answer = false;
  const out = (await run('install', { app: 'calculator' })) as Answer;
  assert.equal(out, { status: 'declined', app: 'calculator', version: '1.0.0' });
  assert.is(await installedVersion(), undefined);
  const seen = shown.at(-1)!;
  assert.is(seen.requestedBy, 'dappstore');
  const text = seen.lines.join('\n');
  assert.match(text, /requested by the app "dappstore"; the host checked the package against the store dappstore \(published by alice\)/);
  assert.match(text, /app +"calculator" 1\.0\.0/);
  assert.match(text, new RegExp(`publisher +${key.toPublic().toString()} \\(verified: it signed this package\\)`));
  assert.match(text, /requests no capabilities|requests these capabilities/);
});

test('consented: installed through the verified path and runs', async () => {
  answer = true;
  const out = (await run('install', { app: 'calculator', version: '1.0.0' })) as Answer;
  assert.equal(out, { status: 'installed', app: 'calculator', version: '1.0.0' });
  assert.is(await installedVersion(), '1.0.0');
  const listed = (await host.list()).find((a) => a.name === 'calculator')!;
  assert.ok(listed.verified, 'identity is the publisher key that signed it');
  assert.is(await host.run('calculator', 'add', { a: '2', b: '3' }), '5');
});

test('an update shows what changed; a downgrade, a yanked release and a tampered package are refused without a dialog', async () => {
  await publish('1.1.0', { clock: {}, 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] }, maxAmount: '1.0000 RSN' } });
  answer = true;
  assert.not.ok((await w.vault.status()).grants?.includes('calculator'));
  const out = (await run('install', { app: 'calculator' })) as Answer;
  assert.equal(out, { status: 'installed', app: 'calculator', version: '1.1.0' });
  const text = shown.at(-1)!.lines.join('\n');
  assert.match(text, /installed now: 1\.0\.0\n +new capability clock\n +new capability dmcs\.push/);
  assert.match(text, /dmcs\.push +push dpay\.token::\{transfer\}, at most 1\.0000 RSN per transaction/);
  assert.ok((await w.vault.status()).grants?.includes('calculator'), 'the vault holds its signing grant, as after peeros app install');
  const dialogs = shown.length;

  const down = (await run('install', { app: 'calculator', version: '1.0.0' })) as Answer;
  assert.is(down.status, 'refused');
  assert.match(down.reason!, /downgrades are refused/);

  // the installed precedence with other code: build metadata does not make it newer
  await publish('1.1.0+rebuilt', { random: {} });
  const rebuilt = (await run('install', { app: 'calculator', version: '1.1.0+rebuilt' })) as Answer;
  assert.is(rebuilt.status, 'refused');
  assert.match(rebuilt.reason!, /calculator 1\.1\.0\+rebuilt has the same precedence as the installed 1\.1\.0 but is another release/);

  await publish('1.2.0');
  await yankRelease({
    vault: w.vault as Vault,
    backend: w.backend,
    store: 'dappstore',
    account: 'alice',
    app: 'calculator',
    version: '1.2.0',
  });
  const yanked = (await run('install', { app: 'calculator', version: '1.2.0' })) as Answer;
  assert.is(yanked.status, 'refused');
  assert.match(yanked.reason!, /was yanked by its publisher/);

  const file = await publish('1.3.0');
  const bytes = Buffer.from(readFileSync(file));
  const body = bytes.subarray(0, bytes.length - 32);
  const inModule = body.indexOf(Buffer.from('\0asm')) + 200;
  body[inModule] = body[inModule]! ^ 1;
  writeFileSync(file, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  const tampered = (await run('install', { app: 'calculator', version: '1.3.0' })) as Answer;
  assert.is(tampered.status, 'refused');
  // the app hears that no location gave the package, not what the publisher's locations answered
  // (a local file's size, an internal server's status: an oracle for an app and its publisher)
  assert.is(tampered.reason, 'no location of calculator 1.3.0 gave the package the registry describes; nothing was installed');
  assert.not.match(tampered.reason!, /peeros|hashes to/);

  const missing = (await run('install', { app: 'nosuchapp' })) as Answer;
  assert.is(missing.status, 'refused');
  assert.match(missing.reason!, /has no app 'nosuchapp'/);

  assert.is(shown.length, dialogs, 'no dialog for a refused release');
  assert.is(await installedVersion(), '1.1.0');
});

test('malformed names and versions never reach the host services', async () => {
  const dialogs = shown.length;
  assert.is(await refusalCode(run('install', { app: '../calculator' })), 'ISA_INVALID_ARGUMENT');
  assert.is(await refusalCode(run('install', { app: 'Calculator' })), 'ISA_INVALID_ARGUMENT');
  assert.is(await refusalCode(run('install', { app: 'calculator', version: 'latest' })), 'ISA_INVALID_ARGUMENT');
  assert.is(await refusalCode(run('install', { app: 'calculator', version: `1.0.0-${'x'.repeat(80)}` })), 'ISA_INVALID_ARGUMENT');
  assert.is(shown.length, dialogs);
});

test('a refusal reason is at most MAX_INSTALL_REASON_CHARS', () => {
  assert.is(refusalReason('short'), 'short');
  const long = refusalReason('x'.repeat(MAX_INSTALL_REASON_CHARS + 50));
  assert.is(long.length, MAX_INSTALL_REASON_CHARS);
  assert.ok(long.endsWith('…'));
});

test('a host with no install dialog answers unavailable and installs nothing', async () => {
  try {
    await serveInstallRequest({
      home: w.home,
      requestedBy: 'dappstore',
      payload: pack({ app: 'calculator', version: '1.1.0' }),
      backend: async () => w.backend,
      dialog: undefined,
    });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, BridgeError);
    assert.is((e as BridgeError).code, 'UNAVAILABLE');
  }
  try {
    await serveInstallRequest({
      home: w.home,
      requestedBy: 'dappstore',
      payload: pack({ app: 'calculator', file: '/tmp/x.peeros' }),
      backend: async () => w.backend,
      dialog: async () => true,
    });
    assert.unreachable();
  } catch (e) {
    assert.is((e as BridgeError).code, 'INVALID_ARGUMENT', 'a location or a file is no part of a request');
  }
  assert.is((await host.list()).find((a) => a.name === 'calculator')?.version, '1.1.0');
});

test('peeros app run without a terminal: the host draws its consent on stderr and declines; nothing installed', async () => {
  const home = tempHome('store-request-cli');
  try {
    const env = { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS };
    const step = async (args: string[]) => {
      const r = await runCli(args, env, 120_000);
      assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
      return r;
    };
    await step(['dmcs', 'add', 'local', w.node.endpoint!]);
    await step(['key', 'create', '--label', 'me']);
    await step(['app', 'install', join(ROOT, 'apps/dappstore'), '--yes']);
    const r = await step(['app', 'run', 'dappstore', 'install', '{"app":"calculator","version":"1.0.0"}']);
    assert.match(r.out, /declined/);
    assert.match(r.err, /peeros: .*requested by the app "dappstore"/);
    assert.match(r.err, /peeros: app +"calculator" 1\.0\.0/);
    assert.match(r.err, /no terminal to ask: the install of "calculator" that "dappstore" requested was declined/);
    assert.not.match((await step(['app', 'list'])).out, /calculator/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a stale chain view is warned about in the dialog, by the rule `peeros app install APP` warns with; a fresh one is not', async () => {
  assert.ok(shown.length > 0 && shown.every((r) => r.stale === undefined), 'the dev node produces: its view is fresh');
  const seen: InstallDialogRequest[] = [];
  const headMs = async () => Date.parse(`${(await w.backend.getInfo()).head_block_time}Z`);
  // the host's clock ten minutes ahead of the node's head block: as a DMCS that stopped producing ten minutes ago
  let used = 0;
  const before = await headMs();
  const { answer: out } = await serveInstallRequest({
    home: w.home,
    requestedBy: 'dappstore',
    payload: pack({ app: 'calculator', version: '1.1.0' }),
    backend: async () => w.backend,
    dialog: async (r) => {
      seen.push(r);
      return false;
    },
    now: () => {
      used = Date.now() + 10 * 60_000;
      return used;
    },
  });
  const after = await headMs();
  assert.is(out.status, 'declined', JSON.stringify(out));
  assert.is(seen.length, 1);
  const said = seen[0]!.stale ?? '';
  const m = /^the DMCS's head block is (\d+) s old; its view of the store may be stale \(a yank or a newer release may be missing\)$/.exec(
    said,
  );
  assert.ok(m, said);
  // the age is the host's clock less the head block read meanwhile; a head block's time is its slot,
  // which may run ahead of the wall clock while blocks come faster than one a slot, so no fixed 600
  const [lo, hi] = [Math.round((used - after) / 1000), Math.round((used - before) / 1000)];
  assert.ok(Number(m![1]) >= lo && Number(m![1]) <= hi && lo > 500, `${said} (between ${lo} and ${hi})`);
});

test.run();
