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
  const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/calculator/peeros.json'), 'utf8')) as { version: string }).version;

  /** The calculator, signed by the publisher key, packed and published by alice. */
  async function publishCalculator(): Promise<void> {
    const dir = join(tmp, 'calculator');
    cpSync(join(ROOT, 'apps/calculator'), dir, { recursive: true });
    rmSync(join(dir, 'peeros.sig'), { force: true });
    const pkg = await readAppPackage(dir);
    const hash = hashPackage(pkg);
    const sig = formatPackageSignature({
      version: 1,
      publicKey: publisher.toPublic().toString(),
      packageHash: Buffer.from(hash).toString('hex'),
      signature: publisher.sign(packageSigningDigest(hash)).toString(),
    });
    const { bytes } = packPackage(pkg, Buffer.from(sig));
    const file = join(tmp, 'calculator.peeros');
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
  async function requestInstall(): Promise<void> {
    await page.selectOption(`${CARD} select[name=command]`, 'install');
    await page.fill(`${CARD} input[name=args]`, JSON.stringify({ app: 'calculator' }));
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
    assert.is(await page.evaluate<number>('document.querySelectorAll("#install-lines *").length'), 0, 'lines are text');
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
}

test.run();
