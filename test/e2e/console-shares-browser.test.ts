// The console's Shares page in Chromium, over real share services: alice's home (its own vault,
// corestore and encrypted drive) shared a folder whose name is markup with a bidi override with bob,
// and a file with carol; bob's home (another vault and corestore) shared a folder with alice, which
// alice's host synced. Alice's console serves her shares (--share-listen on the address her
// descriptors name). The page lists both directions with every app-chosen string as text; **Sync
// now** runs a share cycle that publishes a write made in the shared folder (bob then replicates it
// from the console); **Revoke** (after the page's confirmation) stops the share at once: bob can
// no longer reach it. Also: an app's install request made while the DMCS's view is stale shows the
// host's warning in the console's install dialog, as text.
// Runs when Chromium and playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoApproveVerifier, AUTO_APPROVE_OPT_IN, USER_APP, Vault } from '../../skv/index.js';
import { Drive, driveDir } from '../../runtime/fs/drive.js';
import { driveKey } from '../../runtime/fs/drive-key.js';
import { ShareService } from '../../runtime/fs/share-service.js';
import { readOutgoing } from '../../runtime/fs/share-records.js';
import { ConsoleHost, ConsoleServer } from '../../runtime/console/index.js';
import { tempHome } from './world.js';
import { chromium } from '../fixtures/chromium.js';
import { type Browser, type Page, until } from '../fixtures/console-page.js';
import { codeOf } from '../fixtures/share-code.js';

const PASS = 'console shares passphrase';
const QUOTA = 16 << 20;
const WAIT_MS = 60_000;
/** A folder name an app chose: markup, and a right-to-left override. */
const HOSTILE = '<img src=x onerror=alert(1)>\u202efdp.exe';

interface Side {
  account: string;
  home: string;
  vault: Vault;
  key: string;
}

async function side(account: string): Promise<Side> {
  const home = tempHome(`console-shares-${account}`);
  const vault = Vault.open({ home, insecureTestKdf: true });
  await vault.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create: true });
  return { account, home, vault, key: (await vault.createKey(account)).publicKey };
}

async function drive(home: string, vault: Vault, account: string, key: string): Promise<Drive> {
  const dir = driveDir(join(home, 'data', 'dbox'), account);
  return new Drive(dir, QUOTA, { key: await driveKey(vault, USER_APP, dir, key) });
}

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('the Shares page');
} else {
  let alice: Side;
  let bob: Side;
  let bobShares: ShareService;
  let toBob: { id: string; descriptor: string };
  let toCarol: { id: string; descriptor: string };
  let port: number;
  let consoleHost: ConsoleHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let shots: string;
  const confirms: string[] = [];
  const errors: string[] = [];

  const bobOpens = () =>
    bobShares.open({
      app: 'dbox',
      account: 'bob',
      accountKey: bob.key,
      from: 'alice',
      descriptor: toBob.descriptor,
      maxBytes: QUOTA,
      timeoutMs: 5000,
    });

  test.before(async () => {
    alice = await side('alice');
    bob = await side('bob');
    const a = await drive(alice.home, alice.vault, 'alice', alice.key);
    assert.ok(a.writeFile(`files/${HOSTILE}/plan.bin`, randomBytes(100_000)).ok);
    assert.ok(a.writeFile('files/for-carol.bin', randomBytes(20_000)).ok);
    const aliceShares = await ShareService.open({
      home: alice.home,
      vault: alice.vault,
      userApp: USER_APP,
      serve: { host: '127.0.0.1', port: 0 },
    });
    port = aliceShares.address!.port;
    toBob = await aliceShares.share({ app: 'dbox', account: 'alice', accountKey: alice.key, path: `files/${HOSTILE}`, to: 'bob' });
    toCarol = await aliceShares.share({ app: 'dbox', account: 'alice', accountKey: alice.key, path: 'files/for-carol.bin', to: 'carol' });
    // bob shares a folder with alice; alice's host syncs it (an incoming share in her records)
    bobShares = await ShareService.open({ home: bob.home, vault: bob.vault, userApp: USER_APP, serve: { host: '127.0.0.1', port: 0 } });
    const b = await drive(bob.home, bob.vault, 'bob', bob.key);
    assert.ok(b.writeFile('files/notes/a.txt', Buffer.from('from bob')).ok);
    assert.ok(b.writeFile('files/notes/b.bin', randomBytes(70_000)).ok);
    const fromBob = await bobShares.share({ app: 'dbox', account: 'bob', accountKey: bob.key, path: 'files/notes', to: 'alice' });
    const got = await aliceShares.open({
      app: 'dbox',
      account: 'alice',
      accountKey: alice.key,
      from: 'bob',
      descriptor: fromBob.descriptor,
      maxBytes: QUOTA,
    });
    assert.equal(got.saved.sort(), ['notes/a.txt', 'notes/b.bin']);
    await aliceShares.close();
    await alice.vault.close();
    // alice's console serves on the address her descriptors name
    consoleHost = await ConsoleHost.open({
      home: alice.home,
      insecureTestKdf: true,
      flusher: false,
      shareListen: { host: '127.0.0.1', port },
      shareCycleMs: 0,
    });
    server = await ConsoleServer.start({ host: consoleHost });
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    browser = await browserOrWhy.launch();
    page = await (await browser.newContext()).newPage();
    await page.setViewportSize({ width: 1200, height: 900 });
    // the page's own confirmation (Revoke) is accepted; anything else an app might raise is recorded
    (page as unknown as { on(e: 'dialog', fn: (d: { message(): string; type(): string; accept(): Promise<void> }) => void): void }).on(
      'dialog',
      (d) => {
        confirms.push(`${d.type()}: ${d.message()}`);
        void d.accept();
      },
    );
    page.on('pageerror', (e) => errors.push(e.message()));
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
    await consoleHost?.close();
    await bobShares?.close().catch(() => {});
    await bob?.vault.close().catch(() => {});
    for (const s of [alice, bob]) if (s) rmSync(s.home, { recursive: true, force: true });
    console.log(`  console screenshots: ${shots}`);
  });

  const rowOf = (id: string) => `#shares-out tr[data-share="${id}"]`;

  test('the Shares page lists both directions as text; Sync now publishes a write that bob then replicates', async () => {
    await page.goto(server.launchUrl);
    await page.waitForSelector('#unlock-form');
    await page.fill('#passphrase', PASS);
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('nav:not([hidden])', { timeout: WAIT_MS });
    await page.click('nav button[data-page="shares"]');
    await page.waitForSelector('#shares-out', { timeout: WAIT_MS });

    assert.is(await page.textContent('#share-serving'), `serving peer-to-peer shares on 127.0.0.1:${port}; a share cycle runs every 10 s`);
    const path = (await page.textContent(`${rowOf(toBob.id)} .share-path`)) ?? '';
    assert.ok(path.startsWith('files/<img src=x onerror=alert(1)>'), path);
    assert.ok(path.includes('\\u{202e}') || path.includes('\\u202e'), `the bidi override is visible: ${path}`);
    assert.not.ok(path.includes('\u202e'), 'and not applied');
    assert.is(await page.evaluate<number>('document.querySelectorAll("main img").length'), 0, 'markup stays text');
    assert.is(await page.textContent(`${rowOf(toBob.id)} .share-status`), `served here (127.0.0.1:${port})`);
    assert.match((await page.textContent(rowOf(toCarol.id))) ?? '', /files\/for-carol\.bin.*carol.*served here/);
    const incoming = (await page.textContent('#shares-in')) ?? '';
    assert.match(incoming, /bob\s*dbox\s*files\/notes\//);
    assert.match(incoming, /\d+ blocks, \d+\.\d KiB/);
    await page.screenshot({ path: join(shots, 'console-shares.png') });

    // a write into the shared folder (alice's app would make it; here her drive, opened with her console's vault)
    const a = await drive(alice.home, consoleHost.vault, 'alice', alice.key);
    assert.ok(a.writeFile(`files/${HOSTILE}/later.txt`, Buffer.from('written after sharing')).ok);
    await page.click('#share-sync');
    const report = await until(async () => {
      const t = await page.evaluate<string | null>(
        '(() => { const r = document.getElementById("share-report"); return r && !r.hidden ? r.textContent : null; })()',
      );
      return t ?? undefined;
    }, 'the share cycle report');
    assert.match(report, /^published 1 changed file\(s\)/, report);
    const got = await bobOpens();
    assert.equal(got.saved.sort(), [`${HOSTILE}/later.txt`, `${HOSTILE}/plan.bin`]);
  });

  test('Revoke, after the confirmation: the share is no longer served, and says revoked', async () => {
    await page.click(`${rowOf(toBob.id)} .share-revoke`);
    await until(
      async () => ((await page.textContent(`${rowOf(toBob.id)} .share-status`)) === 'revoked' ? true : undefined),
      'the row redrawn as revoked',
      WAIT_MS,
    );
    assert.is(confirms.length, 1);
    assert.match(confirms[0]!, /^confirm: Stop sharing files\/<img/);
    assert.ok(readOutgoing(alice.home).find((s) => s.id === toBob.id)?.revoked, 'revoked in outgoing.json');
    assert.is(await codeOf(bobOpens()), 'SHARE_UNREACHABLE', 'bob can no longer reach it');
    assert.is(await page.textContent(`${rowOf(toCarol.id)} .share-status`), `served here (127.0.0.1:${port})`, 'the other share stays');
    assert.is(
      await page.evaluate<number>(`document.querySelectorAll('${rowOf(toBob.id)} button').length`),
      0,
      'no Revoke on a revoked share',
    );
  });

  test("an install request read from a stale chain view: the host's warning in the console's dialog, as text", async () => {
    const answer = consoleHost.installs.ask({
      requestedBy: 'dappstore',
      app: 'calculator',
      version: '1.0.0',
      lines: ['──── install consent ────', 'app          "calculator" 1.0.0'],
      stale: "the DMCS's head block is 600 s old; its view of the store may be stale (a yank or a newer release may be missing)",
    });
    await page.waitForSelector('#install-stale', { timeout: WAIT_MS });
    assert.is(
      await page.textContent('#install-stale'),
      "warning: the DMCS's head block is 600 s old; its view of the store may be stale (a yank or a newer release may be missing)",
    );
    await page.click('#install-no');
    assert.is(await answer, false);
    assert.equal(errors, [], 'no page errors');
    assert.is(confirms.length, 1, 'no alert ran');
  });
}

test.run();
