// The page the console hands the desktop's browser: the launch address (its one-use secret in the
// fragment) stays in a file only this user can read, never on a command line (before, `xdg-open
// URL` put the secret in the opener's and the browser's argv, readable by other local users). A
// real Chromium opening the file lands on the address, fragment included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeLaunchPage } from '../../../runtime/console/index.js';
import { chromium } from '../../fixtures/chromium.js';
import { cleanup, tempHome } from '../helpers.js';

const home = tempHome('launch-page');
test.after(() => cleanup(home));
const url = 'http://127.0.0.1:45678/#secret=0123abcd';

test('the page is 0600 in a 0700 folder, holds the address as a script literal, and is removed', () => {
  const page = writeLaunchPage(url, home);
  assert.is(statSync(page.path).mode & 0o777, 0o600);
  assert.is(statSync(dirname(page.path)).mode & 0o777, 0o700);
  assert.ok(!page.path.includes('secret'), 'the path carries no secret');
  assert.ok(readFileSync(page.path, 'utf8').includes(`location.replace(${JSON.stringify(url)})`));
  // an address with markup in it cannot close the script
  const odd = writeLaunchPage('http://127.0.0.1:1/#</script><b>', home);
  assert.not.ok(readFileSync(odd.path, 'utf8').includes('</script><b>'));
  page.remove();
  odd.remove();
  assert.not.ok(existsSync(page.path));
  assert.not.ok(existsSync(dirname(page.path)));
});

interface Page {
  goto(url: string): Promise<unknown>;
  waitForURL(url: string, o: { timeout: number }): Promise<void>;
  url(): string;
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

test('Chromium opening the page lands on the launch address, fragment included', async () => {
  const c = chromium<Browser>();
  if ('missing' in c) {
    console.log(`  skipped: ${c.missing}`);
    return;
  }
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => res.end('console'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(server.address() as { port: number }).port}/#secret=0123abcd`;
  const page = writeLaunchPage(target, home);
  const browser = await c.launch();
  try {
    const tab = await browser.newPage();
    await tab.goto(`file://${page.path}`);
    await tab.waitForURL(target, { timeout: 10_000 });
    assert.is(tab.url(), target);
  } finally {
    await browser.close();
    server.close();
    page.remove();
  }
});

test.run();
