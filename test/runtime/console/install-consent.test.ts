// Installing from a folder on the console's page: the preview reads and proves the package (nothing
// written, app text escaped), the install grants only the package whose hash was consented to, and
// the folder argument is an absolute path of bounded length.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleHost, ConsoleError } from '../../../runtime/console/index.js';
import { folderArg, MAX_FOLDER_PATH_CHARS } from '../../../runtime/console/install-consent.js';
import { HostError } from '../../../runtime/errors.js';
import { ROOT } from '../../e2e/world.js';
import { tempHome, cleanup } from '../helpers.js';

test('folder argument: absolute, bounded, no NUL', () => {
  assert.is(folderArg('/srv/apps/x'), '/srv/apps/x');
  for (const bad of ['apps/x', '', `/${'a'.repeat(MAX_FOLDER_PATH_CHARS)}`, '/a\0b', 42]) {
    try {
      folderArg(bad);
      assert.unreachable(String(bad));
    } catch (e) {
      assert.instance(e, ConsoleError);
      assert.is((e as ConsoleError).code, 'BAD_REQUEST');
    }
  }
});

test('preview then install: only the package consented to is installed; app text escaped', async () => {
  const home = tempHome('console-install');
  const dir = join(home, 'calc');
  cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
  const host = await ConsoleHost.open({ home, insecureTestKdf: true, flusher: false });
  try {
    await host.unlock('install pass', true);
    const first = await host.installPreview(dir);
    assert.is(first.name, 'calculator');
    assert.ok(first.publisherKey?.startsWith('PUB_K1_'), 'the stock app is signed');
    assert.equal(await host.apps(), [], 'a preview writes nothing');

    // the folder changes after the consent: unsigned now, another description (markup, a bidi override)
    const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8'));
    writeFileSync(join(dir, 'peeros.json'), JSON.stringify({ ...manifest, description: '<b>x</b>\u202E' }));
    rmSync(join(dir, 'peeros.sig'));
    const changed = await host.installPreview(dir);
    assert.is.not(changed.packageHash, first.packageHash);
    assert.is(changed.publisherKey, null, 'its signature no longer verifies');
    assert.is(changed.description, '<b>x</b>\\u202e');
    const refused = await host.install(dir, first.packageHash).catch((e: unknown) => e);
    assert.instance(refused, HostError);
    assert.is((refused as HostError).code, 'NOT_GRANTED');
    assert.equal(await host.apps(), []);

    const r = await host.install(dir, changed.packageHash);
    assert.equal(r, { name: 'calculator', version: first.version, verified: false, signingGrant: false });
    assert.is((await host.apps())[0]?.name, 'calculator');
  } finally {
    await host.close();
    cleanup(home);
  }
});

test.run();
