// The dAppStore's host-side parts on their own: version precedence (semver.org §11's own example
// order), which release is chosen, what a capability diff says, the fetcher's byte caps (a server
// that sends more, less or announces another size; a file of another size; other schemes), and
// registry rows from a hostile node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostError } from '../../../runtime/errors.js';
import { compareVersions } from '../../../runtime/store/version-order.js';
import { chooseRelease, manifestChanges, parseAppRef, resolveStoreInstall } from '../../../runtime/store/store-install.js';
import { releaseReplacement, StoreVersionError } from '../../../runtime/store/release-replacement.js';
import { fetchPackage } from '../../../runtime/store/package-fetch.js';
import { dmcsIsLocal, isPublicAddress, publicOnlyLookup } from '../../../runtime/store/location-policy.js';
import { StoreRegistry, type StoreRelease } from '../../../runtime/store/store-registry.js';
import { appKey } from '../../../runtime/store/app-key.js';
import { planUpdates } from '../../../runtime/store/update-plan.js';
import { validateManifest } from '../../../runtime/manifest.js';
import type { TableRowsQuery } from '../../../runtime/dispatch/index.js';
import { describePublisherKey, permissionsWithKey } from '../../../runtime/store/publisher-key.js';
import { PrivateKey } from '../../../abi/antelope/index.js';

async function rejects(p: Promise<unknown>, code: string, why: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, HostError);
    assert.is((err as HostError).code, code);
    assert.match((err as Error).message, why);
    return;
  }
  assert.unreachable('accepted');
}

test('versions order as semver.org §11 lists them; build metadata is ignored', () => {
  const order = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.9.0',
    '1.10.0',
    '2.0.0',
  ];
  for (let i = 0; i < order.length; i++)
    for (let j = 0; j < order.length; j++)
      assert.is(Math.sign(compareVersions(order[i]!, order[j]!)), Math.sign(i - j), `${order[i]} vs ${order[j]}`);
  assert.is(compareVersions('1.0.0+build.1', '1.0.0+build.2'), 0);
});

const rel = (version: string, yanked = false): StoreRelease => ({
  id: 1,
  version,
  packageHash: '0'.repeat(64),
  size: 1,
  capabilitiesHash: '0'.repeat(64),
  locations: ['x'],
  yanked,
  published: '2026-01-01T00:00:00',
});

test('the newest release not yanked is chosen by version, not by publishing order; yanked and unknown versions are refused', () => {
  assert.is(chooseRelease('a', [rel('1.10.0'), rel('1.9.0'), rel('2.0.0', true)], undefined).version, '1.10.0');
  assert.throws(() => chooseRelease('a', [rel('1.0.0', true)], undefined), /every release of a in the store is yanked/);
  assert.throws(() => chooseRelease('a', [rel('1.0.0', true)], '1.0.0'), /yanked/);
  assert.throws(() => chooseRelease('a', [rel('1.0.0')], '1.0.1'), /no version 1\.0\.1/);
  assert.equal(parseAppRef('notes@1.2.0'), { app: 'notes', version: '1.2.0' });
  assert.equal(parseAppRef('notes'), { app: 'notes' });
});

test('the capability diff names new, changed and dropped capabilities and changed limits', () => {
  const base = { name: 'a', version: '1.0.0', publisher: 'alice', entry: 'a.wasm', commands: { x: { description: 'x' } } };
  const from = validateManifest({
    ...base,
    capabilities: { clock: {}, storage: { prefixes: ['a/'], maxBytes: 10 } },
    limits: { cpuMs: 100 },
  });
  const to = validateManifest({ ...base, capabilities: { random: {}, storage: { prefixes: ['a/'], maxBytes: 20 } } });
  assert.equal(manifestChanges(from, to), [
    'new capability random',
    'capability storage: scope changed',
    'capability clock no longer requested',
    'limit cpuMs: 100 → default',
  ]);
  assert.equal(manifestChanges(from, from), []);
});

let server: Server;
let base = '';
const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/exact': (res) => res.end(Buffer.alloc(10, 1)),
  '/more': (res) => {
    res.write(Buffer.alloc(8));
    res.end(Buffer.alloc(8));
  },
  '/less': (res) => res.end(Buffer.alloc(4)),
  '/announce': (res) => {
    res.setHeader('content-length', '1000');
    res.end(Buffer.alloc(1000));
  },
  '/redirect-exact': (res) => {
    res.statusCode = 302;
    res.setHeader('location', '/exact');
    res.end();
  },
  '/redirect-loop': (res) => {
    res.statusCode = 302;
    res.setHeader('location', '/redirect-loop');
    res.end();
  },
  '/redirect-ftp': (res) => {
    res.statusCode = 301;
    res.setHeader('location', 'ftp://example.invalid/p.peeros');
    res.end();
  },
  '/missing': (res) => {
    res.statusCode = 404;
    res.end();
  },
};
test.before(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? routes['/missing']!)(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
test.after(() => {
  server.close();
});

const local = { localLocations: true };
const remote = { localLocations: false };

test('fetching takes exactly the size the registry says, from http or a file, and nothing else', async () => {
  assert.is((await fetchPackage(`${base}/exact`, 10, local)).length, 10);
  await rejects(fetchPackage(`${base}/more`, 10, local), 'PACKAGE_INVALID', /more than the 10 bytes|announces 16 bytes/);
  await rejects(fetchPackage(`${base}/less`, 10, local), 'PACKAGE_INVALID', /sent 4 bytes|announces 4 bytes/);
  await rejects(fetchPackage(`${base}/announce`, 10, local), 'PACKAGE_INVALID', /announces 1000 bytes/);
  await rejects(fetchPackage(`${base}/missing`, 10, local), 'PACKAGE_INVALID', /HTTP 404/);
  await rejects(fetchPackage('ftp://example.invalid/x', 10, local), 'PACKAGE_INVALID', /only http\(s\) URLs and file paths/);
  await rejects(fetchPackage(`${base}/exact`, 2 ** 40, local), 'PACKAGE_INVALID', /registry says it has/);
  const dir = mkdtempSync(join(tmpdir(), 'peeros-fetch-'));
  try {
    writeFileSync(join(dir, 'p.peeros'), Buffer.alloc(10));
    assert.is((await fetchPackage(join(dir, 'p.peeros'), 10, local)).length, 10);
    await rejects(fetchPackage(join(dir, 'p.peeros'), 5, local), 'LIMIT_EXCEEDED', /more than the 5-byte limit/);
    await rejects(fetchPackage(join(dir, 'p.peeros'), 11, local), 'PACKAGE_INVALID', /it has 10 bytes, the registry says 11/);
    await rejects(fetchPackage(join(dir, 'none.peeros'), 11, local), 'PACKAGE_INVALID', /no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function fakeNode(apps: unknown[], releases: unknown[]) {
  return {
    async getTableRows(q: TableRowsQuery) {
      return { rows: q.table === 'apps' ? apps : releases, more: false };
    },
  };
}
const goodRelease = {
  id: 1,
  version: '1.0.0',
  package_hash: 'a'.repeat(64),
  size: 100,
  capabilities_hash: 'b'.repeat(64),
  locations: ['/x'],
  yanked: false,
  published: '2026-01-01T00:00:00',
};

test('one rule for install and update: a release of the installed precedence is allowed only as the installed release itself', async () => {
  const h = (c: string) => c.repeat(64);
  const installed = { version: '1.0.0+a', packageHash: h('a') };
  assert.is(releaseReplacement({ version: '1.0.1', packageHash: h('b') }, installed), 'update');
  assert.is(releaseReplacement({ version: '1.0.0+a', packageHash: h('a') }, installed), 'reinstall');
  assert.is(releaseReplacement({ version: '1.0.0+a', packageHash: h('A') }, installed), 'reinstall', 'hex in either case');
  assert.is(releaseReplacement({ version: '1.0.0+b', packageHash: h('b') }, installed), 'other-release', 'build metadata does not rank');
  assert.is(releaseReplacement({ version: '1.0.0', packageHash: h('b') }, installed), 'other-release');
  assert.is(releaseReplacement({ version: '1.0.0+a', packageHash: h('b') }, installed), 'other-release', 'the same text, other bytes');
  assert.is(releaseReplacement({ version: '1.0.0-rc.1', packageHash: h('b') }, installed), 'downgrade');
  assert.is(
    releaseReplacement({ version: '1.0.0+a', packageHash: h('b') }, { version: '1.0.0+a' }),
    'reinstall',
    'a record without a hash',
  );

  // the install refuses 1.0.0+b over 1.0.0+a before fetching anything (its location does not exist)
  const app = { key: appKey('notes').toString(), app: 'notes', publisher: 'alice', latest: '1.0.0+b', releases: 1 };
  const registry = new StoreRegistry(fakeNode([app], [{ ...goodRelease, version: '1.0.0+b', package_hash: h('b') }]));
  const manifest = validateManifest({
    name: 'notes',
    version: '1.0.0+a',
    publisher: 'alice',
    entry: 'a.wasm',
    capabilities: {},
    commands: { x: { description: 'x' } },
  });
  try {
    await resolveStoreInstall(registry, 'notes@1.0.0+b', { manifest, packageHash: h('a') });
    assert.unreachable('accepted');
  } catch (err) {
    assert.instance(err, StoreVersionError);
    const e = err as StoreVersionError;
    assert.is(e.code, 'STORE_REFUSED');
    assert.equal([e.version, e.installedVersion, e.replacement], ['1.0.0+b', '1.0.0+a', 'other-release']);
    assert.match(e.message, 'notes 1.0.0+b has the same precedence as the installed 1.0.0+a but is another release');
  }
  // and the plan says the same: not 'current' (before: 'current', while the install accepted it)
  const [plan] = await planUpdates(registry, [{ name: 'notes', ...installed }]);
  assert.ok(plan?.status === 'refused' && plan.version === '1.0.0+b', JSON.stringify(plan));
  assert.is(plan.error.message, new StoreVersionError('notes', '1.0.0+b', '1.0.0+a', 'other-release').message);
  assert.equal(await planUpdates(registry, [{ name: 'notes', version: '1.0.0+b', packageHash: h('b') }]), [
    { name: 'notes', status: 'current', version: '1.0.0+b' },
  ]);
});

test('registry rows from a hostile node are refused, and a key that names another app is no match', async () => {
  const app = { key: appKey('notes').toString(), app: 'notes', publisher: 'alice', latest: '1.0.0', releases: 1 };
  const ok = await new StoreRegistry(fakeNode([app], [goodRelease])).app('notes');
  assert.is(ok?.releases[0]?.size, 100);
  assert.is(await new StoreRegistry(fakeNode([{ ...app, app: 'other' }], [])).app('notes'), undefined);
  // a release row the host does not accept is left out; the app's other releases still read (the
  // contract takes versions such as 1.0.0.0 or 1.0.0- that no manifest carries: before, one such row
  // made the whole app unreadable, and `app update` stopped for every app)
  for (const bad of [
    { ...goodRelease, package_hash: 'A'.repeat(64) },
    { ...goodRelease, size: -1 },
    { ...goodRelease, size: '99999999999999999999' },
    { ...goodRelease, version: '1.0' },
    { ...goodRelease, version: '1.0.0.0' },
    { ...goodRelease, version: '1.0.0-' },
    { ...goodRelease, locations: [1] },
    { ...goodRelease, yanked: 'no' },
    { ...goodRelease, published: '\u001b[2J2026-01-01T00:00:00' },
    { ...goodRelease, locations: [] },
    { ...goodRelease, locations: Array(9).fill('/x') },
    { ...goodRelease, locations: ['/'.repeat(513)] },
  ]) {
    const read = await new StoreRegistry(fakeNode([app], [bad, { ...goodRelease, id: 2, version: '0.9.0' }])).app('notes');
    assert.equal(
      read?.releases.map((r) => r.version),
      ['0.9.0'],
      JSON.stringify(bad),
    );
  }
  await rejects(new StoreRegistry(fakeNode([{ ...app, app: '../x' }], [])).apps(), 'PACKAGE_INVALID', /malformed apps row/);
  await rejects(new StoreRegistry(fakeNode([{ ...app, publisher: 'al\u001b[2Jice' }], [])).apps(), 'PACKAGE_INVALID', /malformed apps row/);
});

test('app update plans each app on its own: one entry a hostile node garbles does not stop the others', async () => {
  const row = (name: string, extra: Record<string, unknown> = {}) => ({
    key: appKey(name).toString(),
    app: name,
    publisher: 'alice',
    latest: '2.0.0',
    releases: 1,
    ...extra,
  });
  const apps: Record<string, unknown> = {
    [appKey('broken').toString()]: row('broken', { publisher: 'al\u001b[2Jice' }),
    [appKey('notes').toString()]: row('notes'),
    [appKey('calendar').toString()]: row('calendar'),
    [appKey('dpay').toString()]: row('dpay'),
  };
  const releases: Record<string, unknown[]> = {
    [appKey('notes').toString()]: [goodRelease, { ...goodRelease, id: 2, version: '2.0.0' }],
    [appKey('calendar').toString()]: [goodRelease],
    [appKey('dpay').toString()]: [{ ...goodRelease, yanked: true }],
  };
  const node = {
    async getTableRows(q: TableRowsQuery) {
      if (q.table === 'apps') return { rows: apps[String(q.lower_bound)] ? [apps[String(q.lower_bound)]] : [], more: false };
      return { rows: releases[q.scope] ?? [], more: false };
    },
  };
  const plan = await planUpdates(new StoreRegistry(node), [
    { name: 'broken', version: '1.0.0' },
    { name: 'notes', version: '1.0.0' },
    { name: 'calendar', version: '1.0.0' },
    { name: 'dpay', version: '1.0.0' },
    { name: 'clock', version: '1.0.0' },
  ]);
  assert.equal(
    plan.map((s) => [s.name, s.status, 'version' in s ? s.version : undefined]),
    [
      ['broken', 'unreadable', undefined],
      ['notes', 'newer', '2.0.0'],
      ['calendar', 'current', '1.0.0'],
      ['dpay', 'yanked', undefined],
      ['clock', 'absent', undefined],
    ],
  );
  const broken = plan[0]!;
  assert.ok(broken.status === 'unreadable' && broken.error.code === 'PACKAGE_INVALID', JSON.stringify(broken));
  // an error that is not the host's own is no app's fault: it is not swallowed
  const failing = {
    async getTableRows(): Promise<never> {
      throw new TypeError('bug');
    },
  };
  try {
    await planUpdates(new StoreRegistry(failing), [{ name: 'notes', version: '1.0.0' }]);
    assert.unreachable('swallowed');
  } catch (err) {
    assert.instance(err, TypeError);
  }
});

test('a node whose pages do not advance is refused after a bounded number of requests, not followed for ever', async () => {
  for (const page of [
    { rows: [], more: true, next_key: 'x' },
    { rows: [{ app: 'a' }], more: true, next_key: '' + 'same' },
  ]) {
    let requests = 0;
    const node = {
      async getTableRows() {
        requests++;
        return page;
      },
    };
    await rejects(new StoreRegistry(node as never).apps(), 'PACKAGE_INVALID', /pages do not advance|malformed apps row/);
    assert.ok(requests <= 102, `${requests} requests`);
  }
  // pages that each move on but never end stop at the listing's bound
  let n = 0;
  const endless = {
    async getTableRows() {
      n++;
      return { rows: [{ key: '1', app: 'a', publisher: 'p', latest: '1.0.0', releases: 1 }], more: true, next_key: `k${n}` };
    },
  };
  await rejects(new StoreRegistry(endless as never).apps(), 'PACKAGE_INVALID', /pages do not advance/);
  assert.ok(n <= 102, `${n} requests`);
});

test('a store on another machine may name only https locations on public addresses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peeros-fetch-'));
  try {
    writeFileSync(join(dir, 'p.peeros'), Buffer.alloc(10));
    for (const location of [
      join(dir, 'p.peeros'),
      `${base}/exact`,
      'https://127.0.0.1/p.peeros',
      'https://[::1]/p.peeros',
      'https://[::ffff:127.0.0.1]/p.peeros',
      'https://[::ffff:a00:1]/p.peeros',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/p.peeros',
      'https://192.168.1.1/admin?action=reboot',
      'https://localhost/p.peeros',
      'https://x.localhost/p.peeros',
    ])
      await rejects(
        fetchPackage(location, 10, remote),
        'PACKAGE_INVALID',
        /only https:\/\/ locations|on this machine or its network|names this machine/,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // the address connected to is judged, whatever the name: localhost's addresses are refused by the lookup too
  const looked = await new Promise<{ err: NodeJS.ErrnoException | null }>((r) => publicOnlyLookup('localhost', {}, (err) => r({ err })));
  assert.is(looked.err?.code, 'ENOTPUBLIC');
  for (const [address, pub] of [
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['::ffff:8.8.8.8', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['100.64.0.1', false],
    ['172.16.0.1', false],
    ['192.168.0.1', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:808:808', true],
    ['fd00::1', false],
    ['fe80::1', false],
    ['not an address', false],
  ] as const)
    assert.is(isPublicAddress(address), pub, address);
  for (const [url, isLocal] of [
    ['http://127.0.0.1:8888', true],
    ['http://localhost:8888', true],
    ['http://[::1]:8888', true],
    ['https://eos.example.org', false],
    ['http://192.168.1.5:8888', false],
    [undefined, false],
  ] as const)
    assert.is(dmcsIsLocal(url), isLocal, String(url));
});

test('redirects are followed a bounded number of times, each judged as a location', async () => {
  assert.is((await fetchPackage(`${base}/redirect-exact`, 10, local)).length, 10);
  await rejects(fetchPackage(`${base}/redirect-loop`, 10, local), 'PACKAGE_INVALID', /more than 5 redirects/);
  await rejects(fetchPackage(`${base}/redirect-ftp`, 10, local), 'PACKAGE_INVALID', /redirects to a location that is not followed/);
});

test("the package's signing key is compared with the publisher account's keys, in either key spelling", async () => {
  const k = PrivateKey.generate();
  const pub = k.toPublic();
  k.clear();
  const other = 'PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63';
  const account = {
    async getAccount() {
      return {
        permissions: [
          { perm_name: 'owner', required_auth: { keys: [{ key: other }] } },
          { perm_name: 'active', required_auth: { keys: [{ key: pub.toLegacyString() }, { key: 'garbage' }] } },
        ],
      };
    },
  };
  assert.equal(await permissionsWithKey(account, 'alice', pub.toString()), ['active']);
  assert.match(await describePublisherKey(account, 'alice', pub.toString()), /a key of alice@active$/);
  assert.match(
    await describePublisherKey(account, 'alice', 'PUB_K1_8gBRcjqH4QAJBvsKJjLYiKfRfiVYs69sedWJYLPVqqNKDgJwqz'),
    /not a key of alice/,
  );
  assert.match(await describePublisherKey(account, 'alice', undefined), /unsigned/);
  const broken = { getAccount: async () => ({ permissions: 'x' }) };
  assert.equal(await permissionsWithKey(broken, 'alice', pub.toString()), []);
});

test.run();
