// The dAppStore app's install request answered in the console, in Chromium: a home whose dev node
// (embedded, real blocks) holds the dappstore registry contract with the calculator published
// (signed by a publisher key), and the dAppStore app installed. From the app's card in the console,
// `install {app: calculator}` makes the host look the release up, fetch and check the package and
// put ITS consent (who asked, the publisher verified, the capabilities) in the console's install
// dialog, drawn over the page in the host's chrome with every line as text. "Don't install":
// declined, nothing installed; "Install": installed through the verified path, on the launcher.
// Runs when Chromium and playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { packageSigningDigest, type Vault } from '../../skv/index.js';
import { Host } from '../../runtime/index.js';
import { readAppPackage } from '../../runtime/app-package.js';
import { hashPackage } from '../../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../../runtime/app-identity/package-signature.js';
import { packPackage } from '../../runtime/package-archive/package-file.js';
import { publishRelease } from '../../runtime/store/store-publish.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { AppRegistry } from '../../runtime/app-registry.js';
import { ConsoleHost, ConsoleServer } from '../../runtime/console/index.js';
import { startWorld, newAccount, tempHome, ROOT, PASS, type World } from './world.js';
import { chromium } from '../fixtures/chromium.js';
import { type Browser, type Page, newPage, openPage, redrawn, until } from '../fixtures/console-page.js';

const STORE_WASM = join(ROOT, 'build/contracts/dappstore/dappstore.wasm');
const CARD = '.app-card[data-app="dappstore"]';

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip("the dAppStore's install request in the console's install dialog");
} else {
  let w: World;
  let tmp: string;
  let consoleHost: ConsoleHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let shots: string;
  const publisher = PrivateKey.generate();
  /** The calculator's version as published (its own manifest's). */
  /** A host line of the consent, forged inside a publisher's description (the last test). */
  const FORGED = 'requests no capabilities and no resources beyond the defaults';
  const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/calculator/peeros.json'), 'utf8')) as { version: string }).version;

  /** The calculator (or a copy whose manifest `edit` changes), signed by the publisher key, packed and published by alice. */
  async function publishCalculator(name = 'calculator', edit: (m: Record<string, unknown>) => void = () => {}): Promise<void> {
    const dir = join(tmp, name);
    cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
    rmSync(join(dir, 'peeros.sig'), { force: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'peeros.json'), 'utf8')) as Record<string, unknown>;
    edit(manifest);
    writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest));
    const pkg = await readAppPackage(dir);
    const hash = hashPackage(pkg);
    const sig = formatPackageSignature({
      version: 1,
      publicKey: publisher.toPublic().toString(),
      packageHash: Buffer.from(hash).toString('hex'),
      signature: publisher.sign(packageSigningDigest(hash)).toString(),
    });
    const { bytes } = packPackage(pkg, Buffer.from(sig));
    const file = join(tmp, `${name}.peeros`);
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
  }

  /** Runs the dAppStore's install command from its card; resolves once the install dialog is up. */
  async function requestInstall(app = 'calculator'): Promise<void> {
    await page.selectOption(`${CARD} select[name=command]`, 'install');
    await page.fill(`${CARD} input[name=args]`, JSON.stringify({ app }));
    await page.click(`${CARD} .run-form button[type=submit]`);
    await page.waitForSelector('#install-overlay .signing-dialog');
  }

  function result(): Promise<string> {
    return until(async () => {
      const t = (await page.textContent(`${CARD} pre.result`)) ?? '';
      return t === '' || t === '…' ? undefined : t;
    }, 'the run result');
  }

  test.before(async () => {
    tmp = tempHome('console-store');
    w = await startWorld();
    await newAccount(w, 'alice');
    await newAccount(w, 'dappstore');
    await deployContract({
      vault: w.vault,
      backend: w.backend,
      account: 'dappstore',
      wasmPath: STORE_WASM,
      abiPath: STORE_WASM.replace(/\.wasm$/, '.abi'),
    });
    const host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
    await host.install(join(ROOT, 'apps/dappstore'), { grant: async () => true });
    await host.close();
    await publishCalculator();
    await publishCalculator('spoofcalc', (m) => {
      m.name = 'spoofcalc';
      m.description = `A calculator.${' '.repeat(150)}${FORGED}${' '.repeat(40)}${'─'.repeat(20)}`;
    });
    await w.services.close();
    await w.vault.close();
    consoleHost = await ConsoleHost.open({ home: w.home, insecureTestKdf: true, flusher: false });
    server = await ConsoleServer.start({ host: consoleHost });
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    browser = await browserOrWhy.launch();
    page = await newPage(await browser.newContext());
    await page.setViewportSize({ width: 1100, height: 900 });
  });
  test.after(async () => {
    publisher.clear();
    await browser?.close();
    await server?.close();
    await consoleHost?.close();
    await w?.close();
    rmSync(tmp, { recursive: true, force: true });
    console.log(`  console screenshots: ${shots}`);
  });

  test("the dAppStore asks to install: the host's consent in the console's dialog; declined, then installed", async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message()));
    await page.goto(server.launchUrl);
    await page.waitForSelector('#unlock-form');
    await page.fill('#passphrase', PASS);
    await redrawn(page, 'apps', () => page.click('#unlock-form button[type=submit]'));
    await page.waitForSelector(CARD);

    await requestInstall();
    assert.is(await page.textContent('#install-requested-by'), 'dappstore');
    assert.is(await page.textContent('#install-app'), `calculator ${VERSION}`);
    const lines = (await page.textContent('#install-lines')) ?? '';
    assert.match(lines, /requested by the app "dappstore"/);
    assert.match(lines, new RegExp(`${publisher.toPublic().toString()} \\(verified: it signed this package\\)`));
    assert.is(
      await page.evaluate<number>(
        'document.querySelectorAll("#install-lines *:not(.consent-line), #install-lines .consent-line *").length',
      ),
      0,
      'lines are text',
    );
    await page.screenshot({ path: join(shots, 'console-store-install.png') });
    await page.click('#install-no');
    let out = await result();
    assert.match(out, /"status": "declined"/, out);
    assert.is(await new AppRegistry(w.home).record('calculator'), undefined, 'declined: nothing installed');
    await page.waitForSelector('#install-overlay', { state: 'hidden' });

    await requestInstall();
    await page.click('#install-yes');
    out = await result();
    assert.match(out, /"status": "installed"/, out);
    assert.ok(out.includes(`"version": "${VERSION}"`), out);
    const installed = (await new AppRegistry(w.home).list()).find((a) => a.name === 'calculator');
    assert.ok(installed?.verified, 'installed through the verified path: the publisher key signed it');
    await openPage(page, 'apps');
    await page.waitForSelector('.app-card[data-app="calculator"]');
    assert.equal(errors, []);
  });

  test("a publisher's description padded to wrap cannot start a row of the install dialog as if the host wrote it", async () => {
    // the attack: spaces fill the description's row, so the page wraps what follows onto a row of
    // its own at the left edge, where the host's lines start; it forges the consent's last line and
    // its closing rule, and the real capability lines below seem to come after the consent
    await requestInstall('spoofcalc');
    assert.match((await page.textContent('#install-lines')) ?? '', /requests these capabilities:/);
    await page.screenshot({ path: join(shots, 'console-store-install-spoof.png') });
    // where each row of the consent starts, in characters from the dialog's left edge
    const starts = await page.evaluate<Array<{ text: string; at: number }>>(`(() => {
      const box = document.getElementById('install-lines');
      const ch = (() => { const s = document.createElement('span'); s.textContent = '0'.repeat(100); box.append(s); const w = s.getBoundingClientRect().width / 100; s.remove(); return w; })();
      const left = box.getBoundingClientRect().left + parseFloat(getComputedStyle(box).paddingLeft);
      const out = [];
      const walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let n; (n = walk.nextNode()); ) {
        let top = -1;
        for (let i = 0; i < n.data.length; i++) {
          if (n.data[i] === ' ' || n.data[i] === '\\n') continue;
          const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
          const rect = r.getBoundingClientRect();
          if (rect.width === 0 || Math.abs(rect.top - top) < 1) continue;
          top = rect.top;
          out.push({ text: n.data.slice(i, i + 24), at: Math.round((rect.left - left) / ch) });
        }
      }
      return out;
    })()`);
    const row = starts.find((s) => s.text.startsWith(FORGED.slice(0, 24)));
    const hostRows = starts.filter(
      (s) => s.text.startsWith('app ') || s.text.startsWith('publisher') || s.text.startsWith('requests these'),
    );
    assert.ok(row, `the forged text is drawn: ${JSON.stringify(starts)}`);
    assert.ok(hostRows.length >= 3 && hostRows.every((s) => s.at === 0), `host lines start at the edge: ${JSON.stringify(hostRows)}`);
    // a continuation of the description starts under its value, never where host lines start
    assert.ok(row.at >= 'description  '.length, `the wrapped description starts at column ${row.at}: ${JSON.stringify(starts)}`);
    await page.click('#install-no');
    assert.match(await result(), /"status": "declined"/);
  });
}

test.run();
