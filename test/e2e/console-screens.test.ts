// App screens in a real browser: Debian's Chromium (playwright-core) opens the console, unlocks it,
// opens the calculator's screen from the launcher and clicks its keypad — each click an event run
// by the console's Host in the app's worker, the view re-rendered — adds a note on the notes screen,
// and opens a hostile app's screen: its markup, script and escapes are drawn as text (no element
// made of them, no alert), its image comes from its own package, and each tree the host refuses
// (unknown component, __proto__ field, image outside the package, too deep, a huge string) is a
// typed error inside the app's frame while the chrome stays as it was. Screenshots are saved
// (PEEROS_CONSOLE_SHOTS names the folder). Skips (with a line) without Chromium or playwright-core.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli } from './measured-cli.js';
import { chromium } from '../fixtures/chromium.js';
import { type Browser, type Page, newPage, redrawn, until } from '../fixtures/console-page.js';
import { startConsole, stopConsole } from '../fixtures/console-process.js';

const PASS = 'console screens passphrase';

// The few playwright-core calls used here (typed locally: the project compiles without DOM types).

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('app screens in Chromium');
} else {
  let home: string;
  let shots: string;
  let console_: Awaited<ReturnType<typeof startConsole>> | undefined;
  let browser: Browser;
  const env = () => ({ PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS });

  test.before(async () => {
    home = tempHome('console-screens');
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    const key = await runCli(['key', 'create', '--label', 'main'], env());
    assert.is(key.code, 0, key.err);
    for (const dir of ['apps/calculator', 'apps/notes', 'test/fixtures/apps/ui-hostile', 'test/fixtures/apps/ui-gallery']) {
      const r = await runCli(['app', 'install', join(ROOT, dir), '--yes'], env());
      assert.is(r.code, 0, r.err);
    }
    console_ = await startConsole(env());
    browser = await browserOrWhy.launch();
  });
  test.after(async () => {
    await browser?.close();
    await stopConsole(console_);
    rmSync(home, { recursive: true, force: true });
    console.log(`  console screenshots: ${shots}`);
  });

  /** Waits until the frame has drawn `n` answers (each render or event is one). */
  // the console moves itself from 127.0.0.1 to localhost (a passkey needs a host name): screens open beside it
  const screenUrl = (page: Page, path: string) => new URL(path, page.url()).href;
  const drawn = (page: Page, n: number) => page.waitForSelector(`#frame[data-renders="${n}"]`);
  const frameText = async (page: Page) => (await page.textContent('#frame')) ?? '';

  test('app screens in Chromium: calculator clicks, a note added, a hostile view drawn as text', async () => {
    const context = await browser.newContext();
    const page = await newPage(context);
    await page.setViewportSize({ width: 900, height: 720 });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss?.();
    });
    page.on('pageerror', (e) => errors.push(e.message()));

    await page.goto(console_!.url);
    await page.waitForSelector('#unlock-form');
    await page.fill('#passphrase', PASS);
    await redrawn(page, 'apps', () => page.click('#unlock-form button[type=submit]'));
    await page.waitForSelector('.app-card[data-app="calculator"] a.open-screen');

    // the calculator: opened from its card; every key is an event the app answers with its next screen
    const t0 = performance.now();
    await page.click('.app-card[data-app="calculator"] a.open-screen');
    await drawn(page, 1);
    const openMs = performance.now() - t0;
    assert.is(await page.textContent('#app-name'), 'calculator');
    let n = 1;
    const t1 = performance.now();
    for (const key of ['key00', 'key34', 'key11', 'key02', 'key11']) {
      // 7 + 5 9 5 → "7+595"
      await page.click(`#frame button[data-id="${key}"]`);
      await drawn(page, ++n);
    }
    const perEventMs = (performance.now() - t1) / 5;
    assert.is(await page.evaluate<string>('document.getElementById("f-expr").value'), '7+595');
    await page.click('#frame button[data-id="equals"]');
    await drawn(page, ++n);
    assert.match(await frameText(page), '= 602');
    // typing works too: the field's value travels in the event's form
    await page.fill('#f-expr', '(0.1 + 0.2) * 3');
    await page.click('#frame button[data-id="equals"]');
    await drawn(page, ++n);
    assert.match(await frameText(page), '= 0.9');
    await page.screenshot({ path: join(shots, 'console-app-screen.png') });
    console.log(
      `  app screen: calculator opened in ${openMs.toFixed(0)} ms; ${perEventMs.toFixed(0)} ms per click (event → worker → re-render)`,
    );

    // notes: the form's fields go to the app, the list comes back with the new note
    await page.goto(screenUrl(page, 'app.html?app=notes'));
    await drawn(page, 1);
    assert.match(await frameText(page), 'No notes yet.');
    await page.fill('#f-title', 'Groceries <b>now</b>');
    await page.fill('#f-body', 'milk\neggs');
    await page.click('#frame button[data-id="add"]');
    await drawn(page, 2);
    assert.match(await frameText(page), 'Added "Groceries <b>now</b>".');
    await page.click('#frame button.v-button:not([data-id="add"])');
    await drawn(page, 3);
    assert.is(await page.textContent('#frame h2.v-heading'), 'Groceries <b>now</b>');
    assert.is(await page.textContent('#frame p.v-text'), 'milk\neggs');

    // every component of the SDK's builder: the fields' current values travel with the event
    await page.goto(screenUrl(page, 'app.html?app=ui-gallery'));
    await drawn(page, 1);
    await page.screenshot({ path: join(shots, 'console-app-gallery.png') });
    await page.fill('#f-name', 'Bo');
    await page.fill('#f-age', '7');
    await page.selectOption('#f-color', 'red');
    await page.click('#f-agree');
    await page.click('#frame button[data-id="save"]');
    await drawn(page, 2);
    assert.match(await frameText(page), 'event save value v1 name Bo age 7 color red agree no');
    // Refresh (the page's chrome) runs ui.render again
    await page.click('#refresh');
    await drawn(page, 3);
    assert.not.match(await frameText(page), 'event save');

    // the hostile app: every string drawn as text, no element made of it, no script run
    await page.goto(screenUrl(page, 'app.html?app=ui-hostile'));
    await drawn(page, 1);
    const chrome = await page.textContent('header');
    assert.is(await page.textContent('#frame h2.v-heading'), '<img src=x onerror=alert(1)><script>alert(2)</script>');
    assert.is(await page.textContent('#frame p.v-text'), 'pay \\u202eNSR 0001\\u202c to bob\\x1b[2J', 'bidi and escapes visible');
    assert.is(await page.evaluate<string>('document.getElementById("f-name").value'), '"><svg onload=alert(3)>');
    assert.is(await page.textContent('#frame td'), '<td onclick=alert(4)>');
    assert.is(
      await page.evaluate<number>(
        'document.querySelectorAll("#frame script, #frame svg, #frame b, #frame u, #frame img:not(.v-image), #frame [onerror], #frame [onclick]").length',
      ),
      0,
      'no element from app text',
    );
    // its image: a file of its own package, served as a PNG by its bytes
    await page.waitForSelector('#frame img.v-image');
    const width = await until(async () => {
      const w = await page.evaluate<number>('document.querySelector("#frame img.v-image").naturalWidth');
      return w === 0 ? undefined : w;
    }, 'the image loaded');
    assert.is(width, 48);
    await page.screenshot({ path: join(shots, 'console-app-hostile.png') });
    // a path out of the package is refused by the server too
    const outside = await page.evaluate<number>(
      'fetch("/api/apps/asset?app=ui-hostile&path=" + encodeURIComponent("assets/../../../keystore.json")).then((r) => r.status)',
    );
    assert.is(outside, 400);

    // each tree the host refuses is a typed error in the app's frame; the chrome is untouched
    let draws = 1;
    for (const [id, codes] of [
      ['unknown', ['VIEW_UNKNOWN_KIND']],
      ['proto', ['VIEW_UNKNOWN_FIELD']],
      ['escape', ['VIEW_BAD_IMAGE_PATH']],
      ['deep', ['VIEW_TOO_DEEP', 'MALFORMED_MSGPACK']],
      ['huge', ['VIEW_STRING_TOO_LONG']],
    ] as const) {
      if (draws > 1) {
        await page.goto(screenUrl(page, 'app.html?app=ui-hostile'));
        draws = 1;
        await drawn(page, draws);
      }
      await page.click(`#frame button[data-id="${id}"]`);
      await drawn(page, ++draws);
      assert.is(await page.evaluate<string>('document.getElementById("frame").dataset.state'), 'error', id);
      const code = (await page.textContent('#frame .frame-error .code')) ?? '';
      assert.ok((codes as readonly string[]).includes(code), `${id}: ${code}`);
      assert.is(await page.textContent('header'), chrome, 'the chrome is unchanged');
      assert.is(await page.textContent('#message'), '', 'nothing in the chrome`s status line');
    }
    await page.screenshot({ path: join(shots, 'console-app-error.png') });
    assert.is(await page.evaluate<string>('String(({}).polluted)'), 'undefined');

    assert.equal(dialogs, [], 'no alert ran');
    assert.equal(errors, [], 'no script error on the page');
    await context.close();
  });
}

test.run();
