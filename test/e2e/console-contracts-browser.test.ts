// Deploying a contract from the console's Contracts page in a real browser, with a passkey the
// vault verifies: Debian's Chromium (playwright-core) with a CDP virtual authenticator opens the
// console of a home whose dev node (embedded, real blocks) has a fresh account whose key is in the
// vault. On the page: unlock, register a passkey, pick the stock dPay token contract and the
// account, Deploy → the host's dialog decodes setcode (the code's sha256 and size) and setabi (the
// ABI's actions) → Approve with the passkey → the node's get_code_hash is the built wasm's sha256,
// and an action of the new contract (create) run from the page's form through the same dialog
// executes (data that does not fit its ABI is refused first). Then a
// contract folder on this machine (made as `peeros contract init` makes one) is built by the host's
// compile worker and deployed the same way; a relative path is refused with a typed error. Runs when
// Chromium and playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleHost, ConsoleServer } from '../../runtime/console/index.js';
import { scaffold, templatesDir } from '../../runtime/cli/scaffold.js';
import { startWorld, newAccount, TOKEN_WASM, PASS, type World } from './world.js';
import { chromium, addVirtualAuthenticator } from '../fixtures/chromium.js';
import { type Browser, type Page, newPage, openPage, redrawn, until } from '../fixtures/console-page.js';

const ACCOUNT = 'newtoken';
const FOLDER_ACCOUNT = 'mycontract';

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('deploying a contract from the console in Chromium');
} else {
  let w: World;
  let consoleHost: ConsoleHost;
  let server: ConsoleServer;
  let browser: Browser;
  let page: Page;
  let shots: string;
  let folder: string;
  const errors: string[] = [];

  /** The node's code hash of `account` (get_code_hash), zeros when it has none. */
  async function codeHash(account: string): Promise<string> {
    const r = await fetch(`${w.node.endpoint}/v1/chain/get_code_hash`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_name: account }),
    });
    return ((await r.json()) as { code_hash: string }).code_hash;
  }

  function message(): Promise<string> {
    return page.textContent('#message').then((t) => t ?? '');
  }

  test.before(async () => {
    w = await startWorld();
    await newAccount(w, ACCOUNT);
    await newAccount(w, FOLDER_ACCOUNT);
    folder = mkdtempSync(join(tmpdir(), 'peeros-contract-folder-'));
    await scaffold([join(templatesDir(), 'contract')], join(folder, FOLDER_ACCOUNT), { NAME: FOLDER_ACCOUNT });
    // the console owns the vault from here; the node keeps running
    await w.services.close();
    await w.vault.close();
    consoleHost = await ConsoleHost.open({ home: w.home, insecureTestKdf: true, flusher: false });
    server = await ConsoleServer.start({ host: consoleHost });
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    browser = await browserOrWhy.launch();
    const context = await browser.newContext();
    page = await newPage(context);
    await addVirtualAuthenticator(context, page);
    await page.setViewportSize({ width: 1100, height: 900 });
    page.on('pageerror', (e) => errors.push(e.message()));
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
    await consoleHost?.close();
    await w?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
    console.log(`  console screenshots: ${shots}`);
  });

  test('unlock and register a passkey', async () => {
    await page.goto(server.launchUrl);
    await page.waitForSelector('#unlock-form');
    await page.fill('#passphrase', PASS);
    await redrawn(page, 'apps', () => page.click('#unlock-form button[type=submit]'));
    await openPage(page, 'vault');
    await page.waitForSelector('#register-passkey');
    await page.click('#register-passkey');
    await until(async () => ((await page.textContent('#passkey-state')) ?? '').match(/1 passkey registered/) ?? undefined, 'registration');
    assert.is(await consoleHost.passkeys(), 1);
  });

  test('the dPay token from the Contracts page: the dialog shows the code hash and ABI, approved with the passkey, on chain and it runs', async () => {
    const wasm = readFileSync(TOKEN_WASM);
    const sha = createHash('sha256').update(wasm).digest('hex');
    assert.is(await codeHash(ACCOUNT), '0'.repeat(64), 'a fresh account has no code');
    // (the page may already show the Contracts page: the form to fill is the one drawn after the click)
    await openPage(page, 'contracts');
    await page.waitForSelector('#contract-form');
    await page.selectOption('#contract-source', 'stock:dpay');
    await page.fill('#contract-account', ACCOUNT);
    const t0 = performance.now();
    await page.click('#contract-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.textContent('#signing-signers'), `${ACCOUNT}@active`);
    const actions = (await page.textContent('#signing-actions')) ?? '';
    assert.match(actions, /eosio::setcode/);
    assert.match(actions, /eosio::setabi/);
    assert.ok(actions.includes(sha), `the code's sha256 in the dialog: ${actions.slice(0, 600)}`);
    assert.ok(actions.includes(`${wasm.length} bytes`), 'the code size');
    assert.match(actions, /abi actions[\s\S]*create, issue[\s\S]*transfer/);
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-approve").disabled'), false, 'decoded: no override');
    await page.screenshot({ path: join(shots, 'console-contract-dialog.png') });
    await page.click('#signing-approve');
    await until(async () => ((await codeHash(ACCOUNT)) === sha ? true : undefined), 'the code on chain');
    const deployMs = performance.now() - t0;
    await until(async () => (await message()).match(/deployed stock dpay to newtoken/) ?? undefined, 'the page saying so');
    assert.ok(((await page.textContent('#contract-result')) ?? '').includes(sha));
    await page.screenshot({ path: join(shots, 'console-contracts.png') });

    // an action of the new contract from the page's form, signed through the same dialog (decoded with the ABI just set)
    assert.is(await page.evaluate<string>('document.getElementById("action-contract").value'), ACCOUNT, 'prefilled');
    await page.fill('#action-name', 'create');
    await page.fill('#action-data', JSON.stringify({ issuer: ACCOUNT, maximum_supply: '5000.0000 NEW' }));
    await page.click('#action-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.textContent('#signing-signers'), `${ACCOUNT}@active`);
    assert.match((await page.textContent('#signing-actions')) ?? '', new RegExp(`${ACCOUNT}::create[\\s\\S]*5000\\.0000 NEW`));
    await page.click('#signing-approve');
    await until(async () => (await message()).match(/executed newtoken::create/) ?? undefined, 'the action executed');
    // data that does not fit the ABI is refused before anything is signed
    await page.fill('#action-data', JSON.stringify({ issuer: ACCOUNT, maximum_supply: 'lots' }));
    await page.click('#action-form button[type=submit]');
    await until(async () => (await message()).match(/INVALID_ASSET: create\.maximum_supply: expected asset/) ?? undefined, 'the refusal');
    const stat = await w.backend.getTableRows({ code: ACCOUNT, scope: 'NEW', table: 'stat', json: true });
    assert.is((stat.rows[0] as { max_supply?: string } | undefined)?.max_supply, '5000.0000 NEW');
    assert.equal(errors, []);
    console.log(`  console: "Deploy" click to the code on chain ${deployMs.toFixed(0)} ms (dialog, passkey, vault signature, push, block)`);
  });

  test('a contract folder on this machine: built by the host, deployed through the dialog; a relative path is refused', async () => {
    // (the page may already show the Contracts page: the form to fill is the one drawn after the click)
    await openPage(page, 'contracts');
    await page.waitForSelector('#contract-form');
    await page.selectOption('#contract-source', 'folder');
    await page.fill('#contract-account', FOLDER_ACCOUNT);
    await page.fill('#contract-folder', 'relative/path');
    await page.click('#contract-form button[type=submit]');
    await until(async () => (await message()).match(/BAD_REQUEST: the folder must be an absolute path/) ?? undefined, 'the refusal');

    await page.fill('#contract-folder', join(folder, FOLDER_ACCOUNT));
    await page.click('#contract-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog', { timeout: 180_000 });
    const built = readFileSync(join(folder, FOLDER_ACCOUNT, 'build', `${FOLDER_ACCOUNT}.wasm`));
    const sha = createHash('sha256').update(built).digest('hex');
    assert.ok(((await page.textContent('#signing-actions')) ?? '').includes(sha), "the built code's sha256 in the dialog");
    await page.click('#signing-approve');
    await until(async () => ((await codeHash(FOLDER_ACCOUNT)) === sha ? true : undefined), 'the built code on chain');
    await until(async () => (await message()).match(/deployed built from/) ?? undefined, 'the page saying so');
    assert.equal(errors, []);
  });
}

test.run();
