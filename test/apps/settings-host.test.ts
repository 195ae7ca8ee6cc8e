// apps/settings' view of host state (host.state, capability host.read) through the real host with
// real host services (e2e world: dev node over HTTP, vault worker): installed apps with what each was
// granted, the DMCS list (origin only: no credentials a URL may carry), the vault's status and the
// session, with no key material. The view is bounded (MAX_STATE_APPS) and has no write: an app
// without host.read cannot even link the import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import { AppRegistry, readAppPackage } from '../../runtime/app-registry.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { REGISTRY_FILE } from '../../runtime/dispatch/dmcs-registry.js';
import { MAX_STATE_APPS, MAX_STATE_DMCS, readHostState, urlOrigin } from '../../runtime/host-bridge/host-state.js';
import { startWorld, newAccount, loginAs, ROOT, type World } from '../e2e/world.js';
import { tempHome, cleanup } from '../runtime/helpers.js';
import { runCli } from '../e2e/measured-cli.js';
import { pack } from '../../abi/msgpack/codec.js';
import { BridgeError } from '../../runtime/host-bridge/bridge-error.js';

let w: World;
let host: Host;
const run = (cmd: string) => host.run('settings', cmd, {});

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/settings'), { grant: async () => true });
  await host.install(join(ROOT, 'apps/dbnk'), { grant: async () => true });
});
test.after(async () => {
  await host?.close();
  await w?.close();
});

test('apps: each installed app with its identity and the host-written lines of its grants', async () => {
  const apps = (await run('apps')) as Array<{ name: string; version: string; verified: boolean; capabilities: string[]; grants: string[] }>;
  assert.equal(apps.map((a) => a.name).sort(), ['dbnk', 'settings']);
  const dbnk = apps.find((a) => a.name === 'dbnk')!;
  assert.equal(dbnk.capabilities.sort(), ['chain.read', 'dmcs.push', 'storage', 'ual']);
  assert.ok(
    dbnk.grants.some((g) =>
      /^dmcs\.push +push dpay\.token::\{transfer\}, dbnk::\{withdraw\}, at most 100\.0000 RSN per transaction$/.test(g),
    ),
    dbnk.grants.join('\n'),
  );
  const settings = apps.find((a) => a.name === 'settings')!;
  assert.ok(settings.grants.some((g) => g.startsWith('host.read ')));
});

test('dmcs: the configured DMCS by origin; vault: status and session, no key material', async () => {
  const dmcs = (await run('dmcs')) as Array<{ name: string; origin: string; chainId: string; default: boolean }>;
  assert.equal(dmcs, [{ name: 'local', origin: `http://127.0.0.1:${w.port}`, chainId: w.backend.chainId, default: true }]);
  assert.equal(await run('vault'), { keystore: 'present', unlocked: true, session: null });
  await loginAs(w, 'alice');
  assert.equal(await run('vault'), { keystore: 'present', unlocked: true, session: 'alice' });
  const everything = JSON.stringify([await run('apps'), await run('dmcs'), await run('vault')]);
  const keys = await w.vault.listKeys();
  assert.ok(keys.length >= 2);
  for (const k of keys) assert.not.ok(everything.includes(k.publicKey), 'no vault key appears');
  assert.not.ok(everything.includes('eosio dev'), "no key label appears (the dev key's)");
  assert.not.ok(/keyCount|autoLock|grants"/.test(JSON.stringify(await run('vault'))), 'only keystore, unlocked and session');
});

test('the main thread checks the grant again: an app without host.read or store.install is refused whatever its worker sends', async () => {
  for (const [op, payload] of [
    ['host.state', new Uint8Array(0)],
    ['store.request-install', pack({ app: 'calculator', version: '' })],
  ] as const) {
    try {
      await w.services.handle('dbnk', op, payload);
      assert.unreachable(`${op} served to an app without its capability`);
    } catch (e) {
      assert.instance(e, BridgeError);
      assert.is((e as BridgeError).code, 'CAPABILITY_DENIED');
    }
  }
});

test('a DMCS URL shows only its origin (a user part, path or query may carry credentials)', () => {
  assert.is(urlOrigin('https://user:secret@node.example:8443/v1?token=abc'), 'https://node.example:8443');
  assert.is(urlOrigin('not a url'), '(invalid)');
});

test(`at most MAX_STATE_APPS (${MAX_STATE_APPS}) apps and MAX_STATE_DMCS (${MAX_STATE_DMCS}) DMCSs, truncated says so`, async () => {
  const home = tempHome('host-state');
  try {
    const registry = new AppRegistry(home);
    const pkg = await readAppPackage(join(ROOT, 'apps/calculator'));
    for (let i = 0; i <= MAX_STATE_APPS; i++) {
      const manifest = { ...pkg.manifest, name: `app-${i}` };
      await registry.install({ ...pkg, manifest }, {}, { identity: `unverified:${i}`, packageHash: '00'.repeat(32) });
    }
    const dmcs = Array.from({ length: MAX_STATE_DMCS + 1 }, (_, i) => ({
      name: `node${i}`,
      url: `http://127.0.0.1:${9000 + i}`,
      chainId: 'ab'.repeat(32),
      addedAt: new Date(0).toISOString(),
      verified: true,
    }));
    writeFileSync(join(home, REGISTRY_FILE), JSON.stringify({ version: 1, default: 'node0', dmcs }));
    assert.is((await new DmcsRegistry(home).list()).length, MAX_STATE_DMCS + 1);
    const st = await readHostState(home, async () => ({ keystore: 'missing', unlocked: false }));
    assert.is(st.apps.length, MAX_STATE_APPS);
    assert.is(st.dmcs.length, MAX_STATE_DMCS);
    assert.ok(st.truncated);
    assert.equal(st.vault, { keystore: 'missing', unlocked: false });
  } finally {
    cleanup(home);
  }
});

test('a Settings module without the host.read grant is refused at install, naming the import; host has no write function', async () => {
  const dir = join(tempHome('settings-nohost'), 'settings');
  try {
    cpSync(join(ROOT, 'apps/settings'), dir, { recursive: true });
    rmSync(join(dir, 'peeros.sig'), { force: true });
    const m = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as { capabilities: Record<string, unknown> };
    delete m.capabilities['host.read'];
    writeFileSync(join(dir, 'peeros.json'), JSON.stringify(m));
    const other = new Host({ home: tempHome('settings-nohost-home'), bridge: null, onLog: () => {} });
    try {
      await other.install(dir, { grant: async () => true });
      assert.unreachable('installed without host.read');
    } catch (e) {
      assert.match(String((e as Error).message), /host.*state[\s\S]*host\.read|host\.read[\s\S]*host.*state/);
    } finally {
      await other.close();
    }
  } finally {
    cleanup(join(dir, '..'));
  }
  const { ISA_IMPORTS } = await import('../../isa/generated/imports.js');
  assert.equal(
    ISA_IMPORTS.filter((i) => i.capability === 'host.read').map((i) => i.func),
    ['state'],
  );
});

test('peeros app run settings (on-demand services): the vault status without a passphrase, the DMCS by origin', async () => {
  const home = tempHome('settings-cli');
  try {
    const env = { PEEROS_HOME: home };
    const step = async (args: string[]) => {
      const r = await runCli(args, env, 120_000);
      assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
      return r.out;
    };
    await step(['dmcs', 'add', 'local', w.node.endpoint!]);
    await step(['app', 'install', join(ROOT, 'apps/settings'), '--yes']);
    const vault = await step(['app', 'run', 'settings', 'vault']);
    assert.equal(JSON.parse(vault), { keystore: 'missing', unlocked: false, session: null });
    const dmcs = JSON.parse(await step(['app', 'run', 'settings', 'dmcs'])) as Array<{ origin: string }>;
    assert.equal(
      dmcs.map((d) => d.origin),
      [`http://127.0.0.1:${w.port}`],
    );
  } finally {
    cleanup(home);
  }
});

test.run();
