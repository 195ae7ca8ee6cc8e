// `npm start`: a narrated tour of PeerOS host on one machine. Everything happens in a temporary
// PEEROS_HOME that is deleted at the end (your real ~/.peeros is never touched):
//
//   embedded DMCS → vault → accounts alice and bob → login → calculator and notes apps →
//   dPay token, dSocial and dMessenger contracts → the apps with their grants → transfer, posts,
//   feed, an end-to-end encrypted message → offline: a transfer waits in the durable queue → back online: flush → balances.
//
// Every result printed is real. A stage whose parts are missing from this build says so and is
// skipped; the demo still exits 0.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(ROOT, 'dist', p);

// a fresh clone (`npm ci && npm start`): no install hook builds, so the first start does, once
if (!existsSync(dist('runtime/cli/main.js')) && existsSync(join(ROOT, 'scripts/build.mjs'))) {
  console.log('first start in this clone: building dist/ and the apps (about a minute) …');
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/** DEMO ONLY: the vault passphrase of the throw-away keystore. A real vault asks you for yours. */
const DEMO_PASSPHRASE = 'peeros demo passphrase (throw-away keystore)';

// ── narration ──────────────────────────────────────────────────────────────────────────────────
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
let stageNo = 0;
function stage(title, text) {
  stageNo++;
  console.log(`\n${bold(`${stageNo}. ${title}`)}`);
  if (text) for (const line of text.split('\n')) console.log(`   ${line}`);
}
const say = (s) => console.log(`   ${s}`);
const show = (label, value) => console.log(`   ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
const missing = (what) => console.log(`   ${dim(`(not in this build yet: ${what} — stage skipped)`)}`);

async function tryImport(p) {
  try {
    return await import(dist(p));
  } catch {
    return undefined;
  }
}

const home = mkdtempSync(join(tmpdir(), 'peeros-demo-'));
process.env.PEEROS_HOME = home;
const closers = [];

async function main() {
  console.log(bold('PeerOS host — a guided demo'));
  say(`Everything runs in this process and in ${home} (deleted at the end).`);

  const dmcs = await tryImport('dmcs/index.js');
  const runtime = await tryImport('runtime/index.js');
  const skv = await tryImport('skv/index.js');
  const dispatch = await tryImport('runtime/dispatch/index.js');
  const bridgeMod = await tryImport('runtime/host-bridge/index.js');
  const session = await tryImport('runtime/session/index.js');
  const transactions = await tryImport('runtime/transaction-service/index.js');
  const antelope = await tryImport('abi/antelope/index.js');
  if (!runtime) {
    missing('the host runtime (dist/runtime) — run `npm run build`');
    return;
  }

  // ── 1. the DMCS ──────────────────────────────────────────────────────────────────────────────
  stage(
    'The embedded DMCS',
    'An Antelope-compatible chain runs inside this process: blocks every 500 ms,\na hypercore block log on disk, the chain API over HTTP on a free local port.',
  );
  let node;
  let port = 0;
  const dataDir = join(home, 'dmcs-data');
  if (dmcs) {
    node = await dmcs.startNode({ dev: true, dataDir, http: '127.0.0.1:0' });
    port = Number(new URL(node.endpoint).port);
    closers.push(() => node.close());
    show('chain id', node.chainId);
    show('chain API', node.endpoint);
  } else missing('the embedded node (dmcs/)');

  let backend;
  if (node && dispatch) {
    const registry = new dispatch.DmcsRegistry(home);
    await registry.add('local', node.endpoint);
    say("registered as DMCS 'local', the default (like `peeros dmcs add local URL`)");
  }

  // ── 2. the vault ─────────────────────────────────────────────────────────────────────────────
  stage(
    'The Secure Key Vault',
    'Private keys live only inside the vault worker, encrypted at rest (scrypt + AES-256-GCM).\nIt signs only after a user verification bound to the exact transaction.',
  );
  let vault;
  let policy;
  if (skv && transactions) {
    vault = skv.Vault.open({ home });
    closers.push(() => vault.close());
    // DEMO ONLY: nobody is at a terminal, so what a real host would ask you (y/N) is approved here
    // automatically, after printing it. It requires the same explicit opt-in string as the
    // AutoApproveVerifier; a real host uses the terminal verifier.
    const optIn = skv.AUTO_APPROVE_OPT_IN;
    let _approvals = 0;
    const demoApprove = async (r) => {
      if (optIn !== skv.AUTO_APPROVE_OPT_IN) return false;
      _approvals++;
      console.log(
        dim(
          `   ┌ vault asks to approve (${r.purpose}) for ${r.app === 'user' ? 'you' : `app '${r.app}'`} — DEMO ONLY: approved automatically`,
        ),
      );
      for (const l of r.summary) console.log(dim(`   │ ${l}`));
      console.log(dim('   └'));
      return true;
    };
    policy = new transactions.GrantPolicyVerifier({ store: new transactions.SessionGrantStore(home), fallback: demoApprove });
    const r = await vault.unlock(DEMO_PASSPHRASE, { verifier: policy, create: true });
    show('keystore', r.created ? 'created (passphrase: a demo constant)' : 'opened');
    say('verifier: DEMO-ONLY automatic approval (explicit opt-in), behind the session-grant policy');
    const dev = await vault.importKey(dmcs.DEV_PRIVATE_KEY, 'eosio (dev)');
    show('imported the well-known EOSIO dev key (controls eosio on a --dev node)', dev.publicKey);
  } else missing('the vault (skv/) or the transaction service');

  let services;
  if (vault && bridgeMod && node) {
    services = await bridgeMod.HostServices.open({ home, vault, policy, onError: () => {} });
    closers.unshift(() => services.close());
    backend = (await services.defaultBackend()).backend;
  }
  // The node seals a block now (instead of within 500 ms); then we wait out the hybrid cache's
  // reuse of the head block (runtime/hybrid-cache INFO_REUSE_MS) so reads see the new block.
  const seal = async () => {
    if (node) {
      await node.produceBlock();
      await new Promise((r) => setTimeout(r, 600));
    }
  };

  // ── 3. accounts ──────────────────────────────────────────────────────────────────────────────
  stage(
    'Accounts alice and bob',
    'eosio::newaccount, signed by eosio with the dev key from the vault\n(like `peeros account create alice`). Each gets a fresh key created inside the vault.',
  );
  let haveAccounts = false;
  if (services && transactions) {
    for (const name of ['alice', 'bob']) {
      const a = await transactions.createAccount({ vault, backend, name });
      show(name, `key ${a.key}, transaction ${a.id.slice(0, 16)}…`);
    }
    haveAccounts = true;
  } else missing('account creation');

  // ── 4. login ─────────────────────────────────────────────────────────────────────────────────
  stage(
    'Log in as alice (single account model)',
    "The vault signs a fresh challenge with a key that satisfies alice@active; the host\nrecovers the key and checks it against alice's authority as the DMCS reports it.",
  );
  const loginAs = (account) =>
    session.login({ home, vault, getAccount: (n) => backend.getAccount(n), dmcs: { name: 'local', chainId: backend.chainId }, account });
  if (haveAccounts) {
    const s = await loginAs('alice');
    show('session', `${s.account}@${s.permission} on '${s.dmcs}', proven with ${s.keys[0]}`);
    say(`saved atomically in ${join(home, 'session.json')} until \`peeros logout\``);
  } else missing('login');

  // ── 5. calculator and notes ──────────────────────────────────────────────────────────────────
  stage(
    'Sandboxed apps: calculator and notes',
    'Each app is WebAssembly compiled from AssemblyScript, in its own worker thread, with only\nthe capabilities its manifest asks for and you grant.',
  );
  const host = new runtime.Host({
    home,
    ...(services ? { bridge: services.bridge } : {}),
    onLog: (app, _lvl, msg) => console.log(dim(`   [${app}] ${msg}`)),
  });
  closers.unshift(() => host.close());
  const grantAll = async (caps) => {
    const lines = Object.entries(caps).map(([n, s]) => runtime.describeGrant(n, s));
    for (const l of lines.length ? lines : ['(no capabilities)']) console.log(dim(`   grants: ${l}`));
    return true;
  };
  for (const app of ['calculator', 'notes']) {
    if (!existsSync(join(ROOT, 'apps', app, 'build', `${app}.wasm`))) {
      missing(`apps/${app} (not built)`);
      continue;
    }
    await host.install(join(ROOT, 'apps', app), { grant: grantAll });
  }
  try {
    show('calculator eval "(1.1 + 2.2) * 3"', await host.run('calculator', 'eval', { expr: '(1.1 + 2.2) * 3' }));
    show('calculator div 1 / 3', await host.run('calculator', 'div', { a: '1', b: '3' }));
    const n = await host.run('notes', 'create', { title: 'groceries', body: 'milk, bread' });
    show('notes create', n);
    show('notes list', await host.run('notes', 'list'));
  } catch (err) {
    say(`app failed: ${err.message}`);
  }

  // ── 6. contracts ─────────────────────────────────────────────────────────────────────────────
  stage(
    'Contracts on the DMCS: the dPay token and dSocial',
    "Deployed with eosio::setcode + setabi, signed by each contract account's key from the vault.",
  );
  const tokenWasm = join(ROOT, 'build/contracts/dpay/dpay.wasm');
  const socialWasm = join(ROOT, 'build/contracts/dsocial/dsocial.wasm');
  const messengerWasm = join(ROOT, 'build/contracts/dmessenger/dmessenger.wasm');
  let haveToken = false;
  let haveSocial = false;
  let haveMessenger = false;
  if (haveAccounts && existsSync(tokenWasm)) {
    await transactions.createAccount({ vault, backend, name: 'dpay.token' });
    await transactions.deployContract({
      vault,
      backend,
      account: 'dpay.token',
      wasmPath: tokenWasm,
      abiPath: tokenWasm.replace(/\.wasm$/, '.abi'),
    });
    const abi = (await backend.getAbi('dpay.token')).abi;
    const auth = [{ actor: 'dpay.token', permission: 'active' }];
    const A = (name, data) => antelope.Action.from({ account: 'dpay.token', name, authorization: auth, data }, abi);
    await transactions.submitUserTransaction({
      vault,
      backend,
      summary: ['create RSN (max 1,000,000) and give alice and bob 100.0000 RSN each'],
      actions: [
        A('create', { issuer: 'dpay.token', maximum_supply: '1000000.0000 RSN' }),
        A('issue', { to: 'dpay.token', quantity: '200.0000 RSN', memo: 'demo' }),
        A('transfer', { from: 'dpay.token', to: 'alice', quantity: '100.0000 RSN', memo: 'welcome' }),
        A('transfer', { from: 'dpay.token', to: 'bob', quantity: '100.0000 RSN', memo: 'welcome' }),
      ],
    });
    haveToken = true;
    say('dpay.token deployed; RSN created; alice and bob have 100.0000 RSN each');
  } else missing('the dPay token contract (build/contracts/dpay)');
  if (haveAccounts && existsSync(socialWasm)) {
    await transactions.createAccount({ vault, backend, name: 'dsocial' });
    await transactions.deployContract({
      vault,
      backend,
      account: 'dsocial',
      wasmPath: socialWasm,
      abiPath: socialWasm.replace(/\.wasm$/, '.abi'),
    });
    haveSocial = true;
    say('dsocial deployed');
  } else missing('the dSocial contract (build/contracts/dsocial)');
  if (haveAccounts && existsSync(messengerWasm) && typeof vault.sealMessage === 'function') {
    await transactions.createAccount({ vault, backend, name: 'dmessenger' });
    await transactions.deployContract({
      vault,
      backend,
      account: 'dmessenger',
      wasmPath: messengerWasm,
      abiPath: messengerWasm.replace(/\.wasm$/, '.abi'),
    });
    haveMessenger = true;
    say('dmessenger deployed');
  } else missing('the dMessenger contract, or message sealing in the vault');
  await seal();

  // ── 7. install dpay and dsocial ──────────────────────────────────────────────────────────────
  stage(
    'Install dpay, dsocial and dmessenger with their grants',
    "The host shows what each app asks for; its dmcs.push scope also becomes the app's signing\ngrant INSIDE the vault, so even a compromised host cannot get a signature outside it.",
  );
  const installed = [];
  for (const app of ['dpay', 'dsocial', 'dmessenger']) {
    if (app === 'dmessenger' && !haveMessenger) continue;
    if (!existsSync(join(ROOT, 'apps', app, 'build', `${app}.wasm`))) {
      missing(`apps/${app} (not built)`);
      continue;
    }
    say(`install ${app}:`);
    await host.install(join(ROOT, 'apps', app), { grant: grantAll });
    if (services) await services.installAppGrant(app);
    installed.push(app);
  }
  if (services && installed.includes('dpay')) {
    const g = transactions.validateSessionGrant({ app: 'dpay', maxCount: 3, maxAmount: '30.0000 RSN', periodMs: 24 * 3600_000 });
    await services.grants.set(g);
    await services.installAppGrant('dpay');
    say('session grant (like `peeros grant dpay --max-count 3 --max-amount "30.0000 RSN" --period 24h`):');
    say('dpay transfers are approved without asking up to 3 times and 30.0000 RSN per 24 h;');
    say('the vault enforces 30.0000 RSN per day for dpay as well.');
  }

  // ── 8. dpay ──────────────────────────────────────────────────────────────────────────────────
  stage(
    'dPay: balances and a transfer',
    'balance reads the token table through the hybrid cache (chain.read); transfer asks the\nhost to push an action (dmcs.push): the host builds, confirms, signs in the vault, dispatches.',
  );
  let appPath = false;
  if (installed.includes('dpay') && haveToken) {
    try {
      show('dpay whoami', await host.run('dpay', 'whoami'));
      show('dpay balance (alice)', await host.run('dpay', 'balance'));
      appPath = true;
    } catch (err) {
      if (/ISA_UNAVAILABLE/.test(err.message)) missing('the chain/dmcs ISA wiring to the host services');
      else say(`dpay failed: ${err.message}`);
    }
    if (appPath) {
      const before = policy.autoApproved;
      const t = await host.run('dpay', 'transfer', { to: 'bob', quantity: '10.0000 RSN', memo: 'lunch' });
      show('dpay transfer 10.0000 RSN to bob', t);
      say(
        policy.autoApproved > before
          ? 'approved by the session grant (no prompt), signed by the vault'
          : 'approved by the (demo) verifier, signed by the vault',
      );
      await seal();
      show('dpay balance alice', await host.run('dpay', 'balance'));
      show('dpay balance bob', await host.run('dpay', 'balance', { account: 'bob' }));
      say('dpay transfer 25.0000 RSN: 10 + 25 is over the session grant, so the verifier asks you;');
      say('even approved, the vault refuses it (30.0000 RSN per day for dpay):');
      try {
        const over = await host.run('dpay', 'transfer', { to: 'bob', quantity: '25.0000 RSN', memo: 'too much for today' });
        show('result', over);
      } catch (err) {
        show('refused', err.message);
      }
    }
  }

  // ── 9. dsocial ───────────────────────────────────────────────────────────────────────────────
  stage('dSocial: posts, a follow, the feed', 'alice posts; bob logs in, follows alice and posts; bob reads his feed.');
  if (appPath && installed.includes('dsocial') && haveSocial) {
    show('alice: dsocial post', (await host.run('dsocial', 'post', { text: 'Hello from alice, on PeerOS!' })).status);
    await loginAs('bob');
    say('logged in as bob');
    show('bob: dsocial follow alice', (await host.run('dsocial', 'follow', { account: 'alice' })).status);
    show('bob: dsocial post', (await host.run('dsocial', 'post', { text: 'bob here. Following alice.' })).status);
    await seal();
    const feed = await host.run('dsocial', 'feed');
    say('bob: dsocial feed');
    for (const p of feed.posts) say(`  #${p.id} ${p.author}: ${p.text}`);
    await loginAs('alice');
    say('logged in as alice again');
  } else missing('dsocial through the app (needs the contract, the app and the ISA wiring)');

  // ── dmessenger ───────────────────────────────────────────────────────────────────────────────
  stage(
    'dMessenger: an end-to-end encrypted message',
    "The vault agrees a key with bob's public key (ECDH of the two K1 keys, inside the vault)\nand seals the text; only ciphertext goes on chain. bob's vault opens it.",
  );
  if (appPath && installed.includes('dmessenger')) {
    show(
      'alice: dmessenger send to bob',
      (await host.run('dmessenger', 'send', { to: 'bob', text: 'Lunch at noon? (only bob can read this)' })).status,
    );
    await seal();
    const raw = (await backend.getTableRows({ code: 'dmessenger', scope: 'bob', table: 'messages', json: true })).rows[0];
    show("on chain (bob's inbox row, sealed)", `${raw.sealed.slice(0, 48)}… (${raw.sealed.length / 2} bytes)`);
    await loginAs('bob');
    say('logged in as bob');
    for (const m of await host.run('dmessenger', 'inbox')) say(`bob: dmessenger inbox: from ${m.from}: ${m.text ?? m.error}`);
    await loginAs('alice');
    say('logged in as alice again');
  } else missing("dmessenger (needs its contract, the vault's message sealing and the ISA wiring)");

  // ── 10. offline ──────────────────────────────────────────────────────────────────────────────
  stage(
    'Offline: the DMCS goes away',
    'The node stops (its HTTP endpoint is gone). A transfer is still built (TaPoS from the cached\nhead block), confirmed and signed — then written to the durable offline queue and fsynced\nbefore the app hears "queued". Reads answer from the cache, marked stale.',
  );
  let queued;
  if (appPath && node) {
    await node.close();
    say('node stopped');
    const t = await host.run('dpay', 'transfer', { to: 'bob', quantity: '5.0000 RSN', memo: 'sent while offline' });
    show('dpay transfer 5.0000 RSN to bob', t);
    queued = t.status === 'queued' ? t.id : undefined;
    for (const e of services.queue.list().filter((x) => x.status === 'pending'))
      say(`queue: ${e.id.slice(0, 16)}… ${e.status}, app ${e.app}, expires ${e.expiration}`);
    show('dpay balance (offline)', await host.run('dpay', 'balance'));
  } else missing('the offline stage (needs the app path)');

  // ── 11. back online ──────────────────────────────────────────────────────────────────────────
  stage(
    'Back online: flush the queue',
    'The node starts again on the same data: it replays its hypercore block log to the same state.\nThe queue is flushed; the node acknowledges; nothing is sent twice.',
  );
  if (queued) {
    node = await dmcs.startNode({ dev: true, dataDir, http: `127.0.0.1:${port}` });
    closers.push(() => node.close());
    say(`node restarted at ${node.endpoint}, head block ${(await node.getInfo()).head_block_num}`);
    const r = await services.flush();
    show(
      'flush',
      `${r.sent.length} sent, ${r.done.length} done, ${r.expired.length} expired, ${r.failed.length} failed, ${r.waiting.length} waiting`,
    );
    await node.produceBlock();
    const r2 = await services.flush();
    show('flush again', `${r2.sent.length} sent (nothing twice)`);
    show('queue entry', services.queue.get(queued).status);
    show('dpay balance alice', await host.run('dpay', 'balance'));
    show('dpay balance bob', await host.run('dpay', 'balance', { account: 'bob' }));
    const h = await host.run('dpay', 'history');
    say('dpay history (alice):');
    for (const e of h) say(`  ${e.quantity} → ${e.to}  ${e.status}${e.memo ? `  "${e.memo}"` : ''}`);
  } else missing('the flush stage (nothing was queued)');

  stage(
    'Done',
    'That was the whole path: app → ISA → capability check → host services → dMemo → vault →\ndispatch → DMCS, with the offline queue in between. Try it yourself with `npx peeros --help`,\nor open the console in your browser: `npx peeros console` prints its address (loopback, usable once);\nthere you can do all of the above by clicking: vault and passkey, accounts, contracts, app screens,\nevery signature shown decoded and approved with your passkey, the offline queue.',
  );
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error(`\ndemo failed: ${err?.stack ?? err}`);
  code = 1;
} finally {
  for (const c of closers) {
    try {
      await c();
    } catch {
      /* already closed */
    }
  }
  rmSync(home, { recursive: true, force: true });
  console.log(dim(`\n(removed ${home})`));
}
process.exit(code);
