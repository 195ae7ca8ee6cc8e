// The console's signing dialog in a real browser, with a passkey the vault verifies: Debian's
// Chromium (playwright-core) with a CDP virtual authenticator (internal, user verification on)
// opens the console of a home whose dev node (embedded, real blocks) has the dPay token, alice
// logged in and the stock dPay app installed. On the page: unlock, register a passkey (the vault
// worker verifies the attestation and keeps the credential), then a dPay transfer run from the
// app's card brings up the host's dialog (chain, alice@active, the transfer's fields with their ABI
// types, the memo as quoted app text, the grants, the raw digest); Approve runs
// navigator.credentials.get over the vault's challenge, the vault verifies and signs, and the
// transfer is in a block. Deny refuses. Assertions altered on the way from the page to the console
// (a tampered signature, a replayed assertion, one for another challenge, a wrong origin) and a
// counter going back are refused by the vault, which signs nothing. Prints the console's load
// time and the dialog-to-signature latency; saves screenshots (PEEROS_CONSOLE_SHOTS names the
// folder). Runs when Chromium and playwright-core are present; prints a skip line otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import { createHash } from 'node:crypto';
import { deployContract } from '../../runtime/transaction-service/contract-deployer.js';
import { submitUserTransaction } from '../../runtime/transaction-service/user-transaction.js';
import { proposeAction } from '../../runtime/cli/msig-proposal.js';
import { Action, PrivateKey } from '../../abi/antelope/index.js';
import { buildTransaction, pushBody } from '../../runtime/transaction-service/transaction-builder.js';
import { SessionGrantStore } from '../../runtime/transaction-service/session-grants.js';
import { ConsoleHost, ConsoleServer } from '../../runtime/console/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, tempHome, ROOT, PASS, type World } from './world.js';
import { chromium, addVirtualAuthenticator, type Cdp } from '../fixtures/chromium.js';
import { type Browser, type Context, type Page, newPage, openPage, redrawn, until } from '../fixtures/console-page.js';

const CARD = '.app-card[data-app="dpay"]';
const MEMO = '<b>rent</b> \u202Emarch';
const APPROVE_ROUTE = '**/api/signing/approve';

const browserOrWhy = chromium<Browser>();
if ('missing' in browserOrWhy) {
  console.log(`  skipped: ${browserOrWhy.missing}`);
  test.skip('the signing dialog in Chromium: passkey, approve into a block, deny, refused assertions');
} else {
  let w: World;
  let consoleHost: ConsoleHost;
  let server: ConsoleServer;
  let browser: Browser;
  let context: Context;
  let page: Page;
  let cdp: Cdp;
  let authenticatorId: string;
  let shots: string;
  /** sha256 of bob's proposal `payday` (a transfer of 900 RSN from alice to bob). */
  let drainHash = '';
  /** The body of the first approval relayed (replayed later). */
  let firstApproval = '';
  /** The id of a transfer that expired in the offline queue before the console started. */
  let expiredEntry = '';
  /** What bob holds so far (each test that moves tokens adds to it). */
  let bobHas = 0;
  const rsn = (n: number) => `${n.toFixed(4)} RSN`;

  /** Runs a dPay transfer from the app's card; resolves once the dialog is up. */
  async function startTransfer(quantity: string, memo = 'test'): Promise<void> {
    await page.selectOption(`${CARD} select[name=command]`, 'transfer');
    await page.fill(`${CARD} input[name=args]`, JSON.stringify({ to: 'bob', quantity, memo }));
    await page.click(`${CARD} .run-form button[type=submit]`);
    await page.waitForSelector('#signing-overlay .signing-dialog');
  }

  /** The app's answer shown on its card, once there is one. */
  function result(): Promise<string> {
    return until(async () => {
      const t = (await page.textContent(`${CARD} pre.result`)) ?? '';
      return t === '' || t === '…' ? undefined : t;
    }, 'the run result');
  }

  /** The vault's last refusal in the activity log (written as the vault answers). */
  function lastNote(): Promise<string> {
    return until(async () => {
      const n = consoleHost.activity()[0]?.note ?? '';
      return n.startsWith('the vault refused') ? n : undefined;
    }, "the vault's verdict in the activity log");
  }

  /** Approves the dialog with the body of the relayed assertion changed by `change`. */
  async function approveAltered(change: (body: { assertion: Record<string, string> }) => void): Promise<string> {
    await page.route(APPROVE_ROUTE, (route, request) => {
      const body = JSON.parse(request.postData() ?? '{}') as { assertion: Record<string, string> };
      change(body);
      return route.continue({ postData: JSON.stringify(body) });
    });
    try {
      await page.click('#signing-approve');
      return await result();
    } finally {
      await page.unroute(APPROVE_ROUTE);
    }
  }

  test.before(async () => {
    w = await startWorld();
    await newAccount(w, 'alice');
    await newAccount(w, 'bob');
    await deployToken(w, ['alice']);
    // eosio.msig (ours), and a proposal by bob that drains 900 RSN from alice, for alice to approve
    await newAccount(w, 'eosio.msig');
    await deployContract({
      vault: w.vault,
      backend: w.backend,
      account: 'eosio.msig',
      wasmPath: join(ROOT, 'build/contracts/msig/msig.wasm'),
      abiPath: join(ROOT, 'build/contracts/msig/msig.abi'),
    });
    const dpayAbi = (await w.backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
    const drain = Action.from(
      {
        account: 'dpay.token',
        name: 'transfer',
        authorization: [{ actor: 'alice', permission: 'active' }],
        data: { from: 'alice', to: 'bob', quantity: '900.0000 RSN', memo: 'payday' },
      },
      dpayAbi,
    );
    const inner = buildTransaction(await w.backend.getInfo(), [drain], { expireSeconds: 3600 }).bytes;
    drainHash = createHash('sha256').update(inner).digest('hex');
    await submitUserTransaction({
      vault: w.vault,
      backend: w.backend,
      actions: [proposeAction('bob', 'payday', [{ actor: 'alice', permission: 'active' }], inner)],
      summary: ['bob proposes payday'],
    });
    await loginAs(w, 'alice');
    const host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
    const dpay = await host.install(join(ROOT, 'apps/dpay'), { grant: async () => true });
    assert.ok(await w.services.installAppGrant('dpay'));
    await host.close();
    // a transfer signed an hour ago that expired in the queue (re-signed from the Queue page below)
    const aliceKey = (await w.vault.listKeys()).find((k) => k.label === 'alice')!.publicKey;
    const abi = (await w.backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
    const late = buildTransaction(
      await w.backend.getInfo(),
      [
        Action.from(
          {
            account: 'dpay.token',
            name: 'transfer',
            authorization: [{ actor: 'alice', permission: 'active' }],
            data: { from: 'alice', to: 'bob', quantity: '0.7500 RSN', memo: 'late' },
          },
          abi,
        ),
      ],
      { now: Date.now() - 3_600_000, expireSeconds: 60 },
    );
    const lateSig = await w.vault.sign({
      chainId: late.chainId,
      transaction: late.bytes,
      keys: [aliceKey],
      app: 'dpay',
      identity: dpay.identity,
    });
    expiredEntry = (await w.services.queue.enqueue(pushBody(late.bytes, lateSig.signatures), { app: 'dpay' })).id;
    // the console owns the vault and the queue from here; the node keeps running
    await w.services.close();
    await w.vault.close();
    consoleHost = await ConsoleHost.open({ home: w.home, insecureTestKdf: true, flusher: false });
    server = await ConsoleServer.start({ host: consoleHost });
    shots = process.env.PEEROS_CONSOLE_SHOTS ?? mkdtempSync(join(tmpdir(), 'peeros-console-shots-'));
    browser = await browserOrWhy.launch();
    context = await browser.newContext();
    page = await newPage(context);
    ({ cdp, authenticatorId } = await addVirtualAuthenticator(context, page));
    await page.setViewportSize({ width: 1100, height: 900 });
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
    await consoleHost?.close();
    await w?.close();
    console.log(`  console screenshots: ${shots}`);
  });

  test('unlock, then register a passkey from the Vault page (the vault keeps the credential)', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message()));
    const t0 = performance.now();
    await page.goto(server.launchUrl);
    await page.waitForSelector('#unlock-form');
    const loadMs = performance.now() - t0;
    assert.is(await page.evaluate<string>('location.origin'), `http://localhost:${server.port}`, 'moved to localhost (rp id)');
    await page.fill('#passphrase', PASS);
    await redrawn(page, 'apps', () => page.click('#unlock-form button[type=submit]'));
    await page.waitForSelector(CARD);
    await openPage(page, 'vault');
    await page.waitForSelector('#register-passkey');
    assert.match((await page.textContent('#passkey-state')) ?? '', /No passkey yet/);
    await page.click('#register-passkey');
    await until(async () => ((await page.textContent('#passkey-state')) ?? '').match(/1 passkey registered/) ?? undefined, 'registration');
    assert.is(await consoleHost.passkeys(), 1);
    await page.screenshot({ path: join(shots, 'console-passkey.png') });
    assert.equal(errors, []);
    console.log(`  console: unlock page shown ${loadMs.toFixed(0)} ms after navigation (redirect to localhost included)`);
    await openPage(page, 'apps');
    await page.waitForSelector(CARD);
  });

  test('a dPay transfer from the console: the host dialog, approved with the passkey, lands in a block', async () => {
    await page.route(APPROVE_ROUTE, (route, request) => {
      firstApproval = request.postData() ?? '';
      return route.continue();
    });
    const tRun = performance.now();
    await startTransfer('2.5000 RSN', MEMO);
    const toDialogMs = performance.now() - tRun;
    const dialog = '#signing-overlay .signing-dialog';
    assert.match((await page.textContent('#signing-title')) ?? '', /Approve this signature/);
    assert.is(await page.textContent('#signing-app'), 'dpay');
    assert.match((await page.textContent('#signing-chain')) ?? '', new RegExp(`^local ${w.backend.chainId}$`));
    assert.is(await page.textContent('#signing-signers'), 'alice@active');
    const actions = (await page.textContent('#signing-actions')) ?? '';
    assert.match(actions, /dpay\.token::transfer/);
    assert.match(actions, /quantityasset2\.5000 RSN/);
    assert.match(actions, /toname\s*bob/);
    // the memo is the app's text: quoted, escaped (the bidi override visible), no element made of it
    assert.is(await page.textContent(`${dialog} q.quoted`), MEMO.replace('\u202E', '\\u202e'));
    assert.is(await page.evaluate<number>('document.querySelectorAll("#signing-overlay b").length'), 0);
    assert.match((await page.textContent('#signing-grants')) ?? '', /vault signing grant: yes/);
    await page.click('#signing-raw summary');
    assert.match((await page.textContent('#signing-digest')) ?? '', /^[0-9a-f]{64}$/);
    await page.screenshot({ path: join(shots, 'console-signing-dialog.png') });

    const t0 = performance.now();
    await page.click('#signing-approve');
    const out = await result();
    const latencyMs = performance.now() - t0;
    await page.unroute(APPROVE_ROUTE);
    assert.match(out, /"status": "executed"/, out);
    assert.match(out, /"block": \d+/, out);
    bobHas += 2.5;
    await until(async () => ((await balanceOf(w, 'bob')) === rsn(bobHas) ? true : undefined), "bob's balance");
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-overlay").hidden'), true, 'the dialog is gone');
    assert.is(consoleHost.activity()[0]?.outcome, 'approved');
    assert.is(consoleHost.activity()[0]?.note, 'webauthn');
    console.log(
      `  console: Run click to the dialog on screen ${toDialogMs.toFixed(0)} ms (app, encoding, vault challenge, decoding, the page's poll); Approve click to the app's signed, pushed answer ${latencyMs.toFixed(0)} ms (WebAuthn ceremony, vault verification, signature, push)`,
    );
  });

  test("a send clicked on dPay's screen: the host dialog over the screen, approved with the passkey, in a block and on the screen", async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message()));
    const back = await page.evaluate<string>('location.href');
    await page.goto(new URL('/app.html?app=dpay', back).href);
    await page.waitForSelector('#frame[data-renders="1"]');
    assert.match((await page.textContent('#frame')) ?? '', /alice/);
    await page.fill('#f-to', 'bob');
    await page.fill('#f-quantity', '1.2500 RSN');
    await page.fill('#f-memo', 'from the screen');
    await page.click('#frame button[data-id="send"]');
    // the dialog is the host's, over the app's page: outside the frame the app draws
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.evaluate<boolean>('document.getElementById("frame").contains(document.getElementById("signing-overlay"))'), false);
    assert.is(await page.textContent('#signing-app'), 'dpay');
    assert.is(await page.textContent('#signing-signers'), 'alice@active');
    const actions = (await page.textContent('#signing-actions')) ?? '';
    assert.match(actions, /dpay\.token::transfer/);
    assert.match(actions, /quantityasset1\.2500 RSN/);
    await page.screenshot({ path: join(shots, 'console-screen-dialog.png') });
    const t0 = performance.now();
    await page.click('#signing-approve');
    await page.waitForSelector('#frame[data-renders="2"]');
    const ms = performance.now() - t0;
    const frame = (await page.textContent('#frame')) ?? '';
    assert.match(frame, /Sent \(executed\)/, frame);
    assert.match(frame, /bob1\.2500 RSNexecuted/, frame);
    bobHas += 1.25;
    assert.is(await balanceOf(w, 'bob'), rsn(bobHas));
    assert.is(consoleHost.activity()[0]?.outcome, 'approved');
    assert.is(consoleHost.activity()[0]?.note, 'webauthn');
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-overlay").hidden'), true, 'the dialog is gone');
    await page.screenshot({ path: join(shots, 'console-screen-sent.png') });
    assert.equal(errors, []);
    console.log(`  console: Approve click on the screen's dialog to the screen showing the transfer in a block ${ms.toFixed(0)} ms`);
    await page.goto(back);
    await page.waitForSelector(CARD);
  });

  test('deny: the app gets a typed refusal and nothing is signed', async () => {
    await startTransfer('1.0000 RSN');
    await page.click('#signing-deny');
    const out = await result();
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await balanceOf(w, 'bob'), rsn(bobHas));
    assert.is(consoleHost.activity()[0]?.outcome, 'refused');
    assert.is(consoleHost.activity()[0]?.note, 'NOT_APPROVED');
  });

  test("an approval of bob's multisig proposal: the dialog shows the 900 RSN drain it would run and its hash; unpinned, Approve needs the override", async () => {
    const approve = (hash?: string) =>
      consoleHost
        .pushAction('eosio.msig', 'approve', 'alice', {
          proposer: 'bob',
          proposal_name: 'payday',
          level: { actor: 'alice', permission: 'active' },
          ...(hash ? { proposal_hash: hash } : {}),
        })
        .then(
          () => 'approved',
          (err: Error & { code?: string }) => `${err.code ?? ''} ${err.message}`,
        );
    const unpinned = approve();
    await page.waitForSelector('#signing-overlay .signing-dialog');
    const actions = (await page.textContent('#signing-actions')) ?? '';
    assert.match(actions, /eosio\.msig::approve/);
    assert.match(actions, /approves proposal payday by bob/);
    assert.match(actions, new RegExp(`hash ${drainHash}`));
    assert.match(actions, /dpay\.token::transfer/);
    assert.match(actions, /quantityasset900\.0000 RSN/);
    assert.match(actions, /not pinned/);
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-approve").disabled'), true, 'refused unless overridden');
    await page.screenshot({ path: join(shots, 'console-signing-msig-approve.png') });
    await page.click('#signing-deny');
    assert.match(await unpinned, /NOT_APPROVED|denied/i);
    await page.waitForSelector('#signing-overlay .signing-dialog', { state: 'detached' });

    // pinned to the proposal shown: nothing undecodable, Approve enabled (denied here: alice keeps her RSN)
    const pinned = approve(drainHash);
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.match((await page.textContent('#signing-actions')) ?? '', /quantityasset900\.0000 RSN/);
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-approve").disabled'), false, 'pinned: no override needed');
    assert.not.match((await page.textContent('#signing-actions')) ?? '', /not pinned/);
    await page.click('#signing-deny');
    assert.match(await pinned, /NOT_APPROVED|denied/i);
  });

  test('the vault refuses assertions altered on the way: tampered, replayed, for another challenge, from another origin', async () => {
    // a tampered signature: one byte flipped
    await startTransfer('1.0000 RSN');
    let out = await approveAltered((b) => {
      const sig = Buffer.from(b.assertion.signature!, 'base64url');
      sig[sig.length - 3]! ^= 0x01;
      b.assertion.signature = sig.toString('base64url');
    });
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await lastNote(), 'the vault refused: WEBAUTHN_SIGNATURE');

    // the first approval's assertion, relayed again for a new request
    await startTransfer('1.0000 RSN');
    out = await approveAltered((b) => {
      b.assertion = (JSON.parse(firstApproval) as { assertion: Record<string, string> }).assertion;
    });
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await lastNote(), 'the vault refused: ASSERTION_MISMATCH');

    // a fresh assertion by the same authenticator, but over another challenge (another digest)
    await startTransfer('1.0000 RSN');
    const other = await page.evaluate<Record<string, string>>(`(async () => {
      const token = { 'x-peeros-csrf': localStorage.getItem('peeros-console-token') };
      const ids = [...(await (await fetch('/api/signing', { headers: token })).json()).dialogs[0].webauthn.credentialIds];
      const dec = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
      const enc = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
      const got = await navigator.credentials.get({ publicKey: { challenge: crypto.getRandomValues(new Uint8Array(32)), rpId: 'localhost',
        allowCredentials: ids.map((id) => ({ type: 'public-key', id: dec(id) })), userVerification: 'required' } });
      const r = got.response;
      return { credentialId: enc(got.rawId), authenticatorData: enc(r.authenticatorData), clientDataJSON: enc(r.clientDataJSON), signature: enc(r.signature) };
    })()`);
    out = await approveAltered((b) => {
      b.assertion = other;
    });
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await lastNote(), 'the vault refused: ASSERTION_MISMATCH');

    // the client data rewritten to claim another origin
    await startTransfer('1.0000 RSN');
    out = await approveAltered((b) => {
      const client = JSON.parse(Buffer.from(b.assertion.clientDataJSON!, 'base64url').toString()) as { origin: string };
      client.origin = 'http://evil.example';
      b.assertion.clientDataJSON = Buffer.from(JSON.stringify(client)).toString('base64url');
    });
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await lastNote(), 'the vault refused: WEBAUTHN_ORIGIN');
    assert.is(await balanceOf(w, 'bob'), rsn(bobHas), 'nothing more was signed');
  });

  test('new grant limits from the page: denied, nothing is written; approved with the passkey, the vault takes the change, then the session grant is set', async () => {
    await openPage(page, 'grants');
    await page.waitForSelector('#limits-form');
    await page.selectOption('#limits-app', 'dpay');
    await page.fill('#limits-count', '5');
    await page.fill('#limits-amount', '10.0000 RSN');
    await page.click('#limits-form button[type=submit]');
    await page.waitForSelector('.signing-dialog[data-purpose="grant"]');
    assert.match((await page.textContent('#signing-title')) ?? '', /grant change/);
    assert.match((await page.textContent('#signing-summary')) ?? '', /dpay\.token: transfer.*at most 10\.0000 RSN per day/s);
    assert.match((await page.textContent('#signing-grants')) ?? '', /only you can/);
    await page.click('#signing-deny');
    await until(async () => ((await page.textContent('#message')) ?? '').match(/NOT_APPROVED/) ?? undefined, 'the refusal');
    assert.is(new SessionGrantStore(w.home).get('dpay'), undefined, 'denied: no session grant written');

    await page.click('#limits-form button[type=submit]');
    await page.waitForSelector('.signing-dialog[data-purpose="grant"]');
    await page.screenshot({ path: join(shots, 'console-grant-dialog.png') });
    await redrawn(page, 'grants', () => page.click('#signing-approve'));
    await page.waitForSelector('tr[data-grant="dpay"]');
    const g = new SessionGrantStore(w.home).get('dpay');
    assert.is(g?.maxCount, 5);
    assert.is(g?.maxAmount, '10.0000 RSN');
    assert.is(consoleHost.activity()[0]?.purpose, 'grant');
    assert.is(consoleHost.activity()[0]?.outcome, 'approved');
  });

  test('a key export from the page needs the passphrase again and the passkey', async () => {
    await openPage(page, 'vault');
    await page.waitForSelector('#export-form');
    const pub = await page.evaluate<string>('document.getElementById("export-key").value');
    await page.fill('#export-passphrase', PASS);
    await page.click('#export-form button[type=submit]');
    await page.waitForSelector('.signing-dialog[data-purpose="export"]');
    assert.match((await page.textContent('#signing-summary')) ?? '', new RegExp(`export private key of ${pub}`));
    await page.click('#signing-approve');
    await page.waitForSelector('#exported-key');
    const exported = (await page.textContent('#exported-key')) ?? '';
    assert.is(PrivateKey.from(exported).toPublic().toString(), pub);
    await openPage(page, 'apps');
    await page.waitForSelector(CARD);
  });

  test('install from a folder on the page: the consent (capabilities, publisher), then the vault approves the signing grant with the passkey', async () => {
    await page.waitForSelector('#install-dir'); // (the previous test ends on the Apps page)
    await page.fill('#install-dir', join(ROOT, 'apps/dsocial'));
    await page.click('#install-form button[type=submit]');
    await page.waitForSelector('#install-consent h2');
    assert.match((await page.textContent('#install-consent')) ?? '', /publisher verified: PUB_K1_/);
    assert.match((await page.textContent('#install-capabilities')) ?? '', /dmcs\.push/);
    await page.screenshot({ path: join(shots, 'console-install-consent.png') });
    await page.click('#install-grant');
    await page.waitForSelector('.signing-dialog[data-purpose="grant"]');
    assert.is(await page.textContent('#signing-app'), 'dsocial');
    await redrawn(page, 'apps', () => page.click('#signing-approve'));
    await page.waitForSelector('.app-card[data-app="dsocial"]');
    assert.ok((await consoleHost.vault.status()).grants?.includes('dsocial'), 'the vault holds its signing grant');
  });

  test('accounts from the page: create one on the DMCS (the dialog decodes newaccount), log in as it (a login challenge in the dialog), log back in', async () => {
    await openPage(page, 'account');
    await page.waitForSelector('#account-form');
    assert.match((await page.textContent('#account-state')) ?? '', /Logged in as alice@active/);
    assert.is(await page.evaluate<string>('document.getElementById("step-passkey").dataset.done'), 'yes');
    const keysBefore = (await consoleHost.keys()).length;
    await page.fill('#account-name', 'carol');
    const t0 = performance.now();
    await page.click('#account-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.textContent('#signing-signers'), 'eosio@active');
    const actions = (await page.textContent('#signing-actions')) ?? '';
    assert.match(actions, /eosio::newaccount/);
    assert.match(actions, /name(account_)?name\s*carol/, actions);
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-approve").disabled'), false, 'decoded: no override needed');
    await page.screenshot({ path: join(shots, 'console-account-dialog.png') });
    // the page redraws after saying "created account carol" (four API calls): the form to use is the new one
    await redrawn(page, 'account', () => page.click('#signing-approve'));
    const account = await until(async () => w.backend.getAccount('carol').catch(() => undefined), 'carol on chain');
    const createMs = performance.now() - t0;
    assert.is((account as { account_name?: string }).account_name, 'carol');
    assert.ok((await consoleHost.keys()).some((k) => k.label === 'carol'));
    assert.is((await consoleHost.keys()).length, keysBefore + 1, 'a new vault key for carol');
    assert.match((await page.textContent('#message')) ?? '', /created account carol/);
    assert.is(
      await page.evaluate<string>('document.getElementById("login-account").value'),
      'carol',
      'the login form filled in with carol',
    );

    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.textContent('#signing-signers'), 'carol@active');
    const challenge = (await page.textContent('#signing-actions')) ?? '';
    assert.match(challenge, /peeros\.login::login/);
    assert.match(challenge, /accountname\s*carol/);
    // the host's own words for what the user asks directly: a login that cannot execute
    assert.match((await page.textContent('#signing-summary')) ?? '', /log in to PeerOS as carol@active.*cannot execute on any chain/s);
    assert.is(await page.evaluate<boolean>('document.getElementById("signing-approve").disabled'), false, 'the challenge is decoded');
    await redrawn(page, 'account', () => page.click('#signing-approve'));
    assert.match((await page.textContent('#account-state')) ?? '', /Logged in as carol@active/);
    assert.is(consoleHost.account()?.account, 'carol');
    assert.is(await page.evaluate<string>('document.getElementById("step-login").dataset.done'), 'yes');
    await page.screenshot({ path: join(shots, 'console-account.png') });

    // back to alice (the later tests send from her), by the same form and another dialog
    await page.fill('#login-account', 'alice');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#signing-overlay .signing-dialog');
    await redrawn(page, 'account', () => page.click('#signing-approve'));
    assert.match((await page.textContent('#account-state')) ?? '', /Logged in as alice@active/);
    console.log(
      `  console: "Create account" click to the account on chain ${createMs.toFixed(0)} ms (dialog, passkey, vault signature, push, block)`,
    );
  });

  test('the offline queue: an expired transfer re-signed from the page (the dialog), then sent by Flush now', async () => {
    await openPage(page, 'queue');
    const button = `button.resign[data-entry="${expiredEntry}"]`;
    await page.waitForSelector(button);
    await page.click(button);
    await page.waitForSelector('#signing-overlay .signing-dialog');
    assert.is(await page.textContent('#signing-app'), 'dpay');
    assert.match((await page.textContent('#signing-actions')) ?? '', /quantityasset0\.7500 RSN/);
    await redrawn(page, 'queue', () => page.click('#signing-approve'));
    assert.match((await page.textContent('#message')) ?? '', /re-signed/);
    const q = consoleHost.queue();
    const old = q.find((e) => e.id === expiredEntry)!;
    assert.ok(old.replacedBy, 'the old entry names its replacement');
    assert.is(q.find((e) => e.id === old.replacedBy)?.status, 'pending');
    assert.is(await page.$(button), null, 'no Re-sign button for the replaced entry');
    await page.click('#flush');
    await until(async () => ((await page.textContent('#message')) ?? '').match(/flushed: /) ?? undefined, 'the flush');
    bobHas += 0.75;
    await until(async () => ((await balanceOf(w, 'bob')) === rsn(bobHas) ? true : undefined), "bob's balance after the flush");
    await openPage(page, 'apps');
    await page.waitForSelector(CARD);
  });

  test("the authenticator's counter going back (a cloned credential) is refused by the vault", async () => {
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
      credentials: Array<Record<string, unknown> & { credentialId: string; signCount: number }>;
    };
    assert.is(credentials.length, 1);
    const c = credentials[0]!;
    assert.ok(c.signCount > 1, 'the authenticator counts');
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: c.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...c, signCount: 0 } });
    await startTransfer('1.0000 RSN');
    // the session grant set from the page earlier would cover this transfer; with a passkey it approves nothing by itself
    assert.match(
      (await page.textContent('#signing-grants')) ?? '',
      /session grant: 5 of 5 approvals left, 10\.0000 RSN of 10\.0000 RSN; it would cover this request, but with a passkey registered every signature needs your approval here/,
    );
    await page.click('#signing-approve');
    const out = await result();
    assert.match(out, /CAPABILITY_DENIED/, out);
    assert.is(await lastNote(), 'the vault refused: WEBAUTHN_COUNTER');
    assert.is(await balanceOf(w, 'bob'), rsn(bobHas));
  });

  test('first run on a fresh home: create the vault on the page, register a passkey, create a key', async () => {
    const fresh = tempHome('console-first-passkey');
    const h = await ConsoleHost.open({ home: fresh, insecureTestKdf: true, flusher: false });
    const srv = await ConsoleServer.start({ host: h });
    const ctx = await browser.newContext();
    try {
      const p = await newPage(ctx);
      await addVirtualAuthenticator(ctx, p);
      await p.goto(srv.launchUrl);
      await p.waitForSelector('#passphrase-again');
      await p.fill('#passphrase', 'first run passphrase');
      await p.fill('#passphrase-again', 'first run passphrase');
      // the first run goes on to the first steps: vault done, then the passkey, a key, an account, a login
      await redrawn(p, 'account', () => p.click('#unlock-form button[type=submit]'));
      assert.ok(await p.$('nav button[data-page="account"][aria-current="page"]'), 'the Account page marked in the nav');
      assert.match((await p.textContent('#message')) ?? '', /next, a passkey, a key, an account and a login/);
      assert.is(await p.evaluate<string>('document.getElementById("step-vault").dataset.done'), 'yes');
      assert.is(await p.evaluate<string>('document.getElementById("step-passkey").dataset.done'), 'no');
      assert.is(await p.evaluate<string>('document.getElementById("step-login").dataset.done'), 'no');
      await redrawn(p, 'account', () => p.click('#register-passkey'));
      assert.is(await p.evaluate<string>('document.getElementById("step-passkey").dataset.done'), 'yes');
      await p.screenshot({ path: join(shots, 'console-first-steps.png') });
      await openPage(p, 'vault');
      await p.fill('#key-label', 'first');
      await redrawn(p, 'vault', () => p.click('#new-key button[type=submit]'));
      assert.match((await p.textContent('#keys')) ?? '', /first\s*PUB_K1_/);
      const st = await h.vault.status();
      assert.is(st.webauthnCredentials, 1);
      assert.is(st.keyCount, 1);
    } finally {
      await ctx.close();
      await srv.close();
      await h.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });
}

test.run();
