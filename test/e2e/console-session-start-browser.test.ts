// The console page's first request, the session start, under a connection flood: it is made before
// the page has a session, so the console's connection limit cannot tell it from another local
// process's flood and may close its connection before reading it (9 in 1,000 under 64 flood
// sockets churning 5,400 connections a second). The page took the launch secret out of the address bar first, so that one
// lost connection left it with "No console session" until the console was restarted. Now the page
// sends the session start again when its connection is lost (the secret is spent only with its
// answer sent); an answer such as a wrong secret is final. Here Chromium loses the first two
// connections (a reset, as the limit closing them gives) and the page still starts its session.
// Runs when Chromium and playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { chromium } from '../fixtures/chromium.js';
import { type Browser, newPage, type Route, until } from '../fixtures/console-page.js';
import { startConsole, stopConsole } from '../fixtures/console-process.js';
import { tempHome } from './world.js';

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('the session start survives lost connections');
} else {
  let browser: Browser;
  test.before(async () => {
    browser = await browserOrWhy.launch();
  });
  test.after(async () => {
    await browser?.close();
  });

  /** Opens a fresh console's page, failing the first `lost` session starts with `failure`; what the page ended with. */
  async function openLosing(lost: number, failure: (route: Route) => Promise<void>): Promise<{ outcome: string; tries: number }> {
    const home = tempHome('console-session-start');
    const console_ = await startConsole({ PEEROS_HOME: home });
    try {
      const page = await newPage(await browser.newContext());
      let tries = 0;
      await page.route('**/api/session', (route) => (++tries <= lost ? failure(route) : route.continue()));
      await page.goto(console_.url);
      const outcome = await until(
        async () => {
          if (await page.$('#passphrase-again')) return 'session'; // the first run's vault form: the session started
          const text = (await page.textContent('main')) ?? '';
          return /No console session/.test(text) ? `no session: ${await page.textContent('#message')}` : undefined;
        },
        'the session start to end',
        30_000,
      );
      return { outcome, tries };
    } finally {
      await stopConsole(console_);
      rmSync(home, { recursive: true, force: true });
    }
  }

  test('the session start survives its first two connections lost', async () => {
    const r = await openLosing(2, (route) => route.abort('connectionreset'));
    assert.is(r.outcome, 'session', `the page after two lost connections: ${r.outcome}`);
    assert.is(r.tries, 3);
  });

  test('an answer is final: a wrong secret is not sent again', async () => {
    // the page's request is answered (403 BAD_SECRET, as for a spent secret): no retry
    const r = await openLosing(1, (route) => route.continue({ postData: JSON.stringify({ secret: 'not-the-secret' }) }));
    assert.match(r.outcome, /no session: BAD_SECRET/);
    assert.is(r.tries, 1);
  });
}

test.run();
