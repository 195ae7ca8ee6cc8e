// The console in a real browser: Debian's Chromium (driven by playwright-core) opens the address
// `peeros console` printed, unlocks the vault on the page, sees the stock app installed with the
// CLI (publisher verified) and runs one of its commands, and a hostile app whose manifest description is markup — rendered as
// text, no element made of it, no script run — revokes a session grant, and cannot reuse the
// address once its secret is spent; another localhost port the browser visits gets the session
// cookie but not the token, and the cookie alone opens nothing; on a fresh home, the first run
// creates the vault and a key.
// Screenshots of the main screens are saved as PNG artefacts
// (the folder is printed; PEEROS_CONSOLE_SHOTS names another). Runs when Chromium (PEEROS_CHROMIUM, else Debian's path) and
// playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, tempHome } from './world.js';
import { runCli } from './measured-cli.js';
import { SessionGrantStore, validateSessionGrant } from '../../runtime/transaction-service/session-grants.js';
import { chromium } from '../fixtures/chromium.js';
import { type Browser, type Page, newPage, openPage, redrawn, until } from '../fixtures/console-page.js';
import { startConsole } from '../fixtures/console-process.js';

const PASS = 'console e2e passphrase';

/** The Cookie header the browser sends to a server of its own on another localhost port (as a hostile local process would get it). */
async function cookieOfAnotherPort(page: Page): Promise<string> {
  let cookie = '';
  const hostile = createServer((req, res) => {
    cookie = req.headers.cookie ?? '';
    res.end('<!doctype html><title>another port</title>');
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  try {
    await page.goto(`http://localhost:${(hostile.address() as AddressInfo).port}/`);
    assert.is(await page.evaluate<string | null>('localStorage.getItem("peeros-console-token")'), null, 'its storage is its own');
    return cookie;
  } finally {
    hostile.closeAllConnections();
    await new Promise((r) => hostile.close(r));
  }
}

/** A GET to the console as a raw HTTP client, which sets Host and Origin as it likes. */
function rawGet(port: string, path: string, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: JSON.parse(text || '{}').error?.code }));
    });
    req.on('error', reject);
    req.end();
  });
}
const HOSTILE = '<img src=x onerror=alert(1)> <b>bold</b> \u202Eevil';

// The few playwright-core calls used here (typed locally: the project compiles without DOM types).

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('the console in Chromium: unlock, launcher, hostile text, revoke');
} else {
  let home: string;
  let work: string;
  let shots: string;
  let console_: { child: ChildProcess; url: string };
  let browser: Browser;
  const env = () => ({ PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS });

  test.before(async () => {
    home = tempHome('console-e2e');
    work = mkdtempSync(join(tmpdir(), 'peeros-console-apps-'));
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    const key = await runCli(['key', 'create', '--label', 'main'], env());
    assert.is(key.code, 0, key.err);
    const stock = await runCli(['app', 'install', join(ROOT, 'apps/calculator'), '--yes'], env());
    assert.is(stock.code, 0, stock.err);
    // a hostile app: the calculator's module under another name, unsigned, with markup as its description
    const dir = join(work, 'hostile');
    cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
    rmSync(join(dir, 'peeros.sig'), { force: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8'));
    writeFileSync(join(dir, 'peeros.json'), JSON.stringify({ ...manifest, name: 'hostile', publisher: 'mallory', description: HOSTILE }));
    const hostile = await runCli(['app', 'install', dir, '--yes'], env());
    assert.is(hostile.code, 0, hostile.err);
    await new SessionGrantStore(home).set(validateSessionGrant({ app: 'calculator', maxCount: 3 }));
    console_ = await startConsole(env());
    browser = await browserOrWhy.launch();
  });
  test.after(async () => {
    await browser?.close();
    if (console_?.child.exitCode === null) {
      const exited = new Promise((r) => console_.child.once('exit', r));
      console_.child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    console.log(`  console screenshots: ${shots}`);
  });

  test('the console in Chromium: unlock, launcher, hostile text, revoke', async () => {
    const context = await browser.newContext();
    const page = await newPage(context);
    await page.setViewportSize({ width: 1100, height: 640 });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss?.();
    });
    page.on('pageerror', (e) => errors.push(e.message()));

    const t0 = performance.now();
    await page.goto(console_.url);
    await page.waitForSelector('#unlock-form');
    const unlockShownMs = performance.now() - t0;
    assert.is(await page.evaluate<string>('location.hash'), '', 'the secret leaves the address bar');
    assert.is(await page.evaluate<string>('getComputedStyle(document.getElementById("nav")).display'), 'none', 'no pages while locked');
    await page.screenshot({ path: join(shots, 'console-unlock.png') });

    await page.fill('#passphrase', PASS);
    const t1 = performance.now();
    await redrawn(page, 'apps', () => page.click('#unlock-form button[type=submit]'));
    const unlockMs = performance.now() - t1;
    const launcher = new URL('/', page.url()).href;
    console.log(
      `  console: unlock form shown ${unlockShownMs.toFixed(0)} ms after navigation; unlock to launcher ${unlockMs.toFixed(0)} ms`,
    );

    // the stock app, installed by the CLI: verified publisher, its capabilities
    const calc = await page.textContent('.app-card[data-app="calculator"]');
    assert.match(calc ?? '', /publisher verified/);
    assert.match(calc ?? '', /capabilities: ui/);
    // the hostile description is text: visible as typed, no element made of it, no script run
    const desc = await page.textContent('.app-card[data-app="hostile"] .description');
    // … with the bidi override shown as an escape, as the terminal shows it, instead of reversing the text
    assert.is(desc, HOSTILE.replace('\u202E', '\\u202e'));
    assert.is(await page.evaluate<number>('document.querySelectorAll("img, b").length'), 0, 'no element from app text');
    assert.match((await page.textContent('.app-card[data-app="hostile"]')) ?? '', /unverified/);

    // run a command of the app from its card, through the console's host
    const card = '.app-card[data-app="calculator"]';
    await page.selectOption(`${card} select[name=command]`, 'eval');
    await page.fill(`${card} input[name=args]`, '{"expr": "(0.1 + 0.2) * 3"}');
    await page.click(`${card} .run-form button[type=submit]`);
    // the result replaces the '…' the click put there (polled: a worker call, slow on a loaded machine)
    const result = await until(async () => {
      const t = (await page.textContent(`${card} pre.result`)) ?? '';
      return t === '' || t === '…' ? undefined : t;
    }, 'the run result');
    assert.match(result, /0\.9/);
    await page.screenshot({ path: join(shots, 'console-apps.png') });

    // grants: the session grant is listed, then revoked from the page
    await openPage(page, 'grants');
    await page.waitForSelector('tr[data-grant="calculator"]');
    await page.screenshot({ path: join(shots, 'console-grants.png') });
    await redrawn(page, 'grants', () => page.click('tr[data-grant="calculator"] button.revoke'));
    await page.waitForSelector('#no-session-grants');
    assert.equal(new SessionGrantStore(home).list(), [], 'revoked on disk');

    // a reload (the secret is spent) finds the session's token where the exchange kept it
    await page.goto(launcher);
    await page.waitForSelector('main[data-page="apps"] .app-card[data-app="calculator"]');

    // another localhost port the browser visits receives the session cookie (cookies ignore the
    // port), but not the token: with the cookie alone, as a raw client, it opens nothing
    const stolen = await cookieOfAnotherPort(page);
    assert.match(stolen, /peeros_console=/, 'Chromium sends the console cookie to another port');
    const port = new URL(launcher).port;
    const raw = { host: `localhost:${port}`, origin: `http://localhost:${port}`, cookie: stolen };
    for (const path of ['/api/status', '/api/apps', '/api/keys', '/api/signing']) {
      const r = await rawGet(port, path, raw);
      assert.equal([r.status, r.code], [403, 'BAD_CSRF'], path);
    }
    const asked = await rawGet(port, '/api/session', raw);
    assert.is(asked.status, 405, 'GET /api/session gives no token back');
    await page.goto(launcher);
    await page.waitForSelector('main[data-page="apps"] .app-card[data-app="calculator"]');

    for (const p of ['activity', 'dmcs', 'queue', 'vault']) {
      await openPage(page, p);
      assert.ok(await page.$(`nav button[data-page="${p}"][aria-current="page"]`), `${p} marked in the nav`);
    }
    await page.waitForSelector('#keys');
    assert.match((await page.textContent('#keys')) ?? '', /main/);
    await page.screenshot({ path: join(shots, 'console-vault.png') });

    await redrawn(page, 'unlock', () => page.click('#lock'));
    await page.waitForSelector('#unlock-form');

    assert.equal(dialogs, [], 'no alert ran');
    assert.equal(errors, [], 'no script error on the page');

    // the printed address is spent: another browser context (no cookie) gets no session
    const other = await newPage(await browser.newContext());
    await other.goto(console_.url);
    await other.waitForSelector('text=No console session');
    // the cookie without its token is no session either, on the launcher and on an app screen
    await page.evaluate('localStorage.removeItem("peeros-console-token")');
    await page.goto(launcher);
    await page.waitForSelector('text=No console session');
    assert.match((await page.textContent('#message')) ?? '', /NO_SESSION/);
    await page.goto(new URL('/app.html?app=calculator', launcher).href);
    await until(async () => ((await page.textContent('#message')) ?? '').match(/No console session/) ?? undefined, 'the screen refused');
    await page.evaluate('localStorage.setItem("peeros-console-token", "forged")');
    await page.goto(launcher);
    await page.waitForSelector('text=No console session');
    assert.match((await page.textContent('#message')) ?? '', /BAD_CSRF/);
    await context.close();
  });

  test('first run in Chromium: create the vault on the page, then a key', async () => {
    const fresh = tempHome('console-first-run');
    const first = await startConsole({ PEEROS_HOME: fresh });
    try {
      const page = await newPage(await browser.newContext());
      await page.setViewportSize({ width: 1100, height: 640 });
      await page.goto(first.url);
      await page.waitForSelector('#passphrase-again');
      await page.fill('#passphrase', PASS);
      await page.fill('#passphrase-again', `${PASS} typo`);
      await page.click('#unlock-form button[type=submit]');
      await until(async () => ((await page.textContent('#message')) ?? '').match(/differ/) ?? undefined, 'the passphrases differ');
      await page.fill('#passphrase-again', PASS);
      // the first run walks on to the Account page's first steps (a passkey, a key, an account, a login)
      await redrawn(page, 'account', () => page.click('#unlock-form button[type=submit]'));
      assert.ok(await page.$('nav button[data-page="account"][aria-current="page"]'), 'the Account page marked in the nav');
      await page.waitForSelector('#step-vault[data-done="yes"]');
      await openPage(page, 'vault');
      await page.fill('#key-label', 'first');
      await redrawn(page, 'vault', () => page.click('#new-key button[type=submit]'));
      await page.waitForSelector('#keys');
      assert.match((await page.textContent('#keys')) ?? '', /first\s*PUB_K1_/);
      assert.ok(existsSync(join(fresh, 'vault', 'keystore')), 'the keystore is on disk');
      await page.screenshot({ path: join(shots, 'console-first-run-vault.png') });
    } finally {
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGTERM');
      await exited;
      rmSync(fresh, { recursive: true, force: true });
    }
  });
}

test.run();
