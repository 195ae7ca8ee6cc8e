// Issue 8, classes 6 and 7, through the real command line (bin/peeros.js in child processes, the real
// vault with real scrypt, real files): an app's identity is the key that signed its package, not
// the `publisher` its manifest claims. A look-alike (same name, same publisher field, unsigned or
// signed by another key, even with --yes) never takes over an installed app, its data or its
// grants; a tampered package is refused; an update signed by the same key keeps the data. Removing
// an app revokes its session grant at once and its vault grant (now, or at the next unlock), and the
// vault grant is bound to the identity, so a new app of the same name never inherits it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, type EmbeddedNode } from '../../dmcs/index.js';
import { Vault, VaultError, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, packageSigningDigest } from '../../skv/index.js';
import { PublicKey, Signature, signingPreimage } from '../../abi/antelope/index.js';
import { DmcsRegistry } from '../../runtime/dispatch/index.js';
import { installSigningGrant } from '../../runtime/transaction-service/index.js';
import { readAppPackage } from '../../runtime/app-registry.js';
import { provePackage } from '../../runtime/app-identity/app-identity.js';
import { packTransaction, transfer } from '../skv/helpers.js';
import { ROOT, tempHome } from './world.js';
import { okPeeros, runPeeros, type PeerosOptions, type PeerosRun } from './run-cli.js';

const PASS = 'identity passphrase';
let home: string;
let node: EmbeddedNode;
let alice = ''; // the real publisher's key
let mallory = ''; // another publisher's key (same vault: two publishers on one machine)

/** The real CLI as this test's user (home and vault passphrase set, `env` over them), stdin closed. */
const asUser = (env: Record<string, string>): PeerosOptions => ({ env: { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS, ...env }, stdin: '' });
const peeros = (args: string[], env: Record<string, string> = {}): Promise<PeerosRun> => runPeeros(args, asUser(env));
const ok = (args: string[], env: Record<string, string> = {}): Promise<string> => okPeeros(args, asUser(env));
/** The vault refused to open: no passphrase at hand (PEEROS_PASSPHRASE empty, no terminal). */
const NO_VAULT = { PEEROS_PASSPHRASE: '' };

/** A copy of a built stock app (manifest + module, no signature) under `label`, optionally edited. */
function copyApp(stock: string, label: string, edit: (m: Record<string, unknown>) => void = () => {}): string {
  const src = join(ROOT, 'apps', stock);
  const dir = join(home, 'src', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  const m = JSON.parse(readFileSync(join(src, 'peeros.json'), 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(join(dir, 'peeros.json'), `${JSON.stringify(m, null, 2)}\n`);
  cpSync(join(src, m.entry as string), join(dir, m.entry as string));
  return dir;
}

function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const installRecord = (app: string) =>
  JSON.parse(readFileSync(join(home, 'apps', app, 'install.json'), 'utf8')) as { identity: string; packageHash: string };
const sessionGrants = () =>
  existsSync(join(home, 'session-grants.json'))
    ? Object.keys(JSON.parse(readFileSync(join(home, 'session-grants.json'), 'utf8')).grants)
    : [];

let vault: Vault | null = null;
/**
 * Runs `fn` with the keystore opened in this process (real scrypt), unlocked at the first call and
 * kept so: a vault worker and its unlock cost about 0.6 s, a dozen times in this file. It reads the
 * keystore again whenever another process (the CLI) changed it, as a long-lived host's vault does,
 * so what it answers is what a fresh unlock would.
 */
async function withVault<T>(fn: (v: Vault) => Promise<T>): Promise<T> {
  if (!vault) {
    const v = Vault.open({ home });
    await v.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }) });
    vault = v;
  }
  return fn(vault);
}

/** A raw sign request as the host makes it for `app` (its identity from its install record). */
async function rawSign(app: string, identity: string | undefined): Promise<string> {
  return withVault(async (v) => {
    try {
      await v.sign({
        chainId: node.chain.chainId,
        transaction: packTransaction([transfer('1.0000 RSN', 'dpay.token', 'x')]),
        keys: [alice],
        app,
        ...(identity ? { identity } : {}),
      });
      return 'signed';
    } catch (err) {
      return err instanceof VaultError ? `${err.code}: ${err.message}` : String(err);
    }
  });
}

test.before(async () => {
  if (!existsSync(join(ROOT, 'apps/notes/build/notes.wasm')) || !existsSync(join(ROOT, 'apps/dpay/build/dpay.wasm')))
    throw new Error('build the stock apps first');
  home = tempHome('identity');
  alice = (await ok(['key', 'create', '--label', 'alice publisher']))
    .trim()
    .split(/\s+/)
    .find((w) => w.startsWith('PUB_K1_'))!;
  mallory = (await ok(['key', 'create', '--label', 'mallory publisher']))
    .trim()
    .split(/\s+/)
    .find((w) => w.startsWith('PUB_K1_'))!;
  assert.ok(alice && mallory && alice !== mallory, 'two publisher keys');
  node = await startNode({ dev: true, dataDir: join(home, 'node'), http: '127.0.0.1:0', blockIntervalMs: 100 });
  await new DmcsRegistry(home).add('local', node.endpoint!);
});
test.after(async () => {
  await vault?.close();
  await node?.close();
  rmSync(home, { recursive: true, force: true });
});

test('app sign → peeros.sig over the package hash, under the package domain tag (never a transaction digest)', async () => {
  const dir = copyApp('notes', 'notes-v1');
  const r = await peeros(['app', 'sign', dir]);
  assert.is(r.code, 1, 'two keys in the vault: the publisher key must be chosen');
  assert.match(r.err, /--key PUB/);
  const out = await ok(['app', 'sign', dir, '--key', alice, '--yes']);
  assert.match(out, /signed notes 0\.1\.0: package [0-9a-f]{64} by PUB_K1_/);
  const sig = JSON.parse(readFileSync(join(dir, 'peeros.sig'), 'utf8'));
  assert.equal(Object.keys(sig).sort(), ['packageHash', 'publicKey', 'signature', 'version']);
  assert.is(sig.publicKey, alice);
  const hash = Buffer.from(sig.packageHash, 'hex');
  // an independent check of what was signed: the tagged digest, not the bare hash nor a transaction
  assert.ok(Signature.from(sig.signature).verify(packageSigningDigest(hash), PublicKey.from(alice)));
  assert.not.ok(Signature.from(sig.signature).verify(hash, PublicKey.from(alice)));
  assert.ok(
    signingPreimage(new Uint8Array(32), new Uint8Array(1)).length > 'peeros-skv/v1/app-package'.length + 1 + 32,
    'the shortest transaction preimage is longer than the package preimage',
  );
  const t0 = performance.now();
  const proof = await provePackage(await readAppPackage(dir));
  const ms = performance.now() - t0;
  assert.is(proof.publicKey, alice);
  assert.ok(ms < 20_000, `hash + verify took ${ms.toFixed(1)} ms`); // milliseconds unloaded; loose for a loaded machine
  process.stderr.write(
    `  [identity] hash + verify of notes (${statSync(join(dir, 'build/notes.wasm')).size} B module): ${ms.toFixed(2)} ms\n`,
  );
});

test('install a signed app: publisher PUB_K1_… (verified); list and list --json show the identity', async () => {
  const out = await ok(['app', 'install', join(home, 'src/notes-v1'), '--yes']);
  assert.match(out, new RegExp(`publisher +${alice} \\(verified`));
  assert.match(out, /installed notes 0\.1\.0, identity PUB_K1_\w+ \(verified\)/);
  assert.is(installRecord('notes').identity, alice);
  assert.is(readFileSync(join(home, 'data/notes/.owner'), 'utf8').trim(), alice);
  assert.match(await ok(['app', 'list']), new RegExp(`notes 0\\.1\\.0 \\(publisher ${alice}, verified\\)`));
  const j = JSON.parse(await ok(['app', 'list', '--json'])) as { apps: Array<{ name: string; identity: string; verified: boolean }> };
  assert.equal(
    j.apps.map((a) => [a.name, a.identity, a.verified]),
    [['notes', alice, true]],
  );
  const note = JSON.parse(await ok(['app', 'run', 'notes', 'create', '{"title":"secret","body":"alice only"}'])) as { id: string };
  writeFileSync(join(home, 'note-id'), note.id);
});

test('look-alikes (same name and publisher field; unsigned, or signed by another key) → INSTALL_CONFLICT even with --yes; data untouched', async () => {
  const before = treeDigest(join(home, 'data/notes'));
  const beforeApp = treeDigest(join(home, 'apps/notes'));
  const unsigned = copyApp('notes', 'lookalike-unsigned', (m) => {
    m.description = 'totally the real notes';
  });
  const other = copyApp('notes', 'lookalike-signed');
  await ok(['app', 'sign', other, '--key', mallory, '--yes']);
  for (const [dir, flags] of [
    [unsigned, ['--yes']],
    [unsigned, ['--yes', '--replace']],
    [other, ['--yes']],
    [other, ['--yes', '--replace']],
  ] as const) {
    const r = await peeros(['app', 'install', dir, ...flags]);
    assert.is(r.code, 1, `${dir} ${flags.join(' ')} must be refused`);
    assert.match(r.err, /INSTALL_CONFLICT: .*belongs to publisher key PUB_K1_.*remove the old one first: peeros app remove notes --purge/);
  }
  assert.is(treeDigest(join(home, 'data/notes')), before, 'the data is untouched');
  assert.is(treeDigest(join(home, 'apps/notes')), beforeApp, 'the installed app is untouched');
  // the installed app is still alice's and still reads its note
  const got = JSON.parse(await ok(['app', 'run', 'notes', 'get', JSON.stringify({ id: readFileSync(join(home, 'note-id'), 'utf8') })])) as {
    body: string;
  };
  assert.is(got.body, 'alice only');
});

test('tampered after signing (manifest or module) → SIGNATURE_INVALID; nothing installed over the app', async () => {
  const dir = copyApp('notes', 'tampered');
  await ok(['app', 'sign', dir, '--key', alice, '--yes']);
  // module: append a custom section (still valid wasm, other bytes)
  appendFileSync(join(dir, 'build/notes.wasm'), Buffer.from([0x00, 0x04, 0x03, 0x65, 0x76, 0x6c]));
  let r = await peeros(['app', 'install', dir, '--yes']);
  assert.is(r.code, 1);
  assert.match(r.err, /SIGNATURE_INVALID: .*changed after signing/);
  // manifest: ask for more than was signed
  const dir2 = copyApp('notes', 'tampered2');
  await ok(['app', 'sign', dir2, '--key', alice, '--yes']);
  const m = JSON.parse(readFileSync(join(dir2, 'peeros.json'), 'utf8'));
  m.capabilities.storage.maxBytes = 2 << 20;
  writeFileSync(join(dir2, 'peeros.json'), `${JSON.stringify(m, null, 2)}\n`);
  r = await peeros(['app', 'install', dir2, '--yes']);
  assert.is(r.code, 1);
  assert.match(r.err, /SIGNATURE_INVALID/);
  // a signature file that is not one, or a huge one, is refused too (bounded read)
  writeFileSync(join(dir2, 'peeros.sig'), '{"version":1}');
  assert.match((await peeros(['app', 'install', dir2, '--yes'])).err, /SIGNATURE_INVALID/);
  writeFileSync(join(dir2, 'peeros.sig'), Buffer.alloc(1 << 20, 0x20));
  assert.match((await peeros(['app', 'install', dir2, '--yes'])).err, /LIMIT_EXCEEDED/);
  assert.is(installRecord('notes').identity, alice);
});

test('an update signed by the same key installs and keeps the data', async () => {
  const dir = copyApp('notes', 'notes-v2', (m) => {
    m.version = '0.2.0';
  });
  await ok(['app', 'sign', dir, '--key', alice, '--yes']);
  const out = await ok(['app', 'install', dir, '--yes']);
  assert.match(out, /installed notes 0\.2\.0, identity PUB_K1_\w+ \(verified\)/);
  const got = JSON.parse(await ok(['app', 'run', 'notes', 'get', JSON.stringify({ id: readFileSync(join(home, 'note-id'), 'utf8') })])) as {
    body: string;
  };
  assert.is(got.body, 'alice only');
});

test("remove without --purge, then another identity → INSTALL_CONFLICT (the data left behind is still alice's)", async () => {
  await ok(['app', 'remove', 'notes']);
  assert.is(readFileSync(join(home, 'data/notes/.owner'), 'utf8').trim(), alice);
  const r = await peeros(['app', 'install', join(home, 'src/lookalike-signed'), '--yes', '--replace']);
  assert.is(r.code, 1);
  assert.match(r.err, /INSTALL_CONFLICT/);
  assert.match((await peeros(['app', 'install', join(home, 'src/lookalike-unsigned'), '--yes'])).err, /INSTALL_CONFLICT/);
  await ok(['app', 'install', join(home, 'src/notes-v2'), '--yes']); // alice's own: takes her data back
  const got = JSON.parse(await ok(['app', 'run', 'notes', 'get', JSON.stringify({ id: readFileSync(join(home, 'note-id'), 'utf8') })])) as {
    body: string;
  };
  assert.is(got.body, 'alice only');
});

test('unverified apps: shown as unverified; replacing one needs --replace (then it keeps its install id and data)', async () => {
  const v1 = copyApp('notes', 'sketch-v1', (m) => {
    m.name = 'sketch';
  });
  const out = await ok(['app', 'install', v1, '--yes']);
  assert.match(out, /publisher +unverified/);
  assert.match(out, /identity unverified/);
  const id = installRecord('sketch').identity;
  assert.match(id, /^unverified:[0-9a-f]{32}$/);
  assert.is(readFileSync(join(home, 'data/sketch/.owner'), 'utf8').trim(), id);
  assert.match(await ok(['app', 'list']), /sketch 0\.1\.0 \(peeros, unverified\)/);
  await ok(['app', 'install', v1, '--yes']); // the very same package again: nothing changes hands
  const note = JSON.parse(await ok(['app', 'run', 'sketch', 'create', '{"title":"s"}'])) as { id: string };
  const v2 = copyApp('notes', 'sketch-v2', (m) => {
    m.name = 'sketch';
    m.version = '0.2.0';
  });
  const r = await peeros(['app', 'install', v2, '--yes']);
  assert.is(r.code, 1);
  assert.match(r.err, /INSTALL_CONFLICT: .*unverified.*--replace/);
  await ok(['app', 'install', v2, '--yes', '--replace']);
  assert.is(installRecord('sketch').identity, id);
  assert.is((JSON.parse(await ok(['app', 'run', 'sketch', 'get', JSON.stringify({ id: note.id })])) as { title: string }).title, 's');
});

test('remove --purge revokes the session grant and the vault grant; a new app of that name from someone else inherits neither', async () => {
  const real = copyApp('dpay', 'dpay-real');
  await ok(['app', 'sign', real, '--key', alice, '--yes']);
  const inst = await ok(['app', 'install', real, '--yes']);
  assert.match(inst, /signing grant of dpay installed in the vault/);
  await ok(['grant', 'dpay', '--max-count', '5', '--max-amount', '10.0000 RSN', '--yes']);
  assert.equal(sessionGrants(), ['dpay']);
  assert.ok((await withVault((v) => v.status())).grants!.includes('dpay'));

  const rm = await ok(['app', 'remove', 'dpay', '--purge']);
  assert.match(rm, /removed dpay and its data/);
  assert.equal(sessionGrants(), [], 'the session grant is gone at once');
  assert.not.ok((await withVault((v) => v.status())).grants!.includes('dpay'), 'the vault grant is revoked');

  const fake = copyApp('dpay', 'dpay-fake');
  await ok(['app', 'sign', fake, '--key', mallory, '--yes']);
  await ok(['app', 'install', fake, '--yes'], NO_VAULT); // no vault at hand: it gets no grant of its own
  const identity = installRecord('dpay').identity;
  assert.is(identity, mallory);
  assert.equal(sessionGrants(), []);
  assert.match(await rawSign('dpay', identity), /^SCOPE_DENIED: .*no signing grant/);
  assert.match(await ok(['grant', '--list']), /no session grants/);
});

test('vault locked at removal: the grant is bound to the old identity (SCOPE_DENIED for the newcomer) and revoked at the next unlock', async () => {
  await ok(['app', 'remove', 'dpay', '--purge'], NO_VAULT);
  await ok(['app', 'install', join(home, 'src/dpay-real'), '--yes']); // alice's dpay, with its vault grant
  await ok(['grant', 'dpay', '--max-count', '5', '--yes']);
  const rm = await peeros(['app', 'remove', 'dpay', '--purge'], NO_VAULT);
  assert.is(rm.code, 0, rm.err);
  assert.match(rm.err, /vault did not open.*serves no other app.*revoked at the next command that unlocks the vault/);
  assert.equal(sessionGrants(), [], 'the session grant is gone at once, vault or not');
  assert.ok((await withVault((v) => v.status())).grants!.includes('dpay'), 'the vault grant waits (the vault was not opened)');

  await ok(['app', 'install', join(home, 'src/dpay-fake'), '--yes'], NO_VAULT);
  const newcomer = installRecord('dpay').identity;
  assert.is(newcomer, mallory);
  // the host asks with the newcomer's identity (its install record): the stale grant does not match
  assert.match(await rawSign('dpay', newcomer), /^SCOPE_DENIED: .*another identity/);
  assert.match(await rawSign('dpay', undefined), /^SCOPE_DENIED/);
  assert.is(await rawSign('dpay', alice), 'signed', "the grant was alice's (the control: it still works for her identity)");

  // the next command that unlocks the vault revokes it
  const s = await peeros(['app', 'sign', join(home, 'src/dpay-fake'), '--key', mallory, '--yes']);
  assert.is(s.code, 0, s.err);
  assert.match(s.err, /revoked the vault signing grants of removed apps: dpay/);
  assert.not.ok((await withVault((v) => v.status())).grants!.includes('dpay'));
  // the newcomer still runs (another app is unaffected by all of this)
  assert.match(await ok(['app', 'run', 'notes', 'list']), /secret/);
});

test("a pending revocation removes only the old identity's grant, never the grant of the app installed since", async () => {
  await ok(['app', 'remove', 'dpay', '--purge'], NO_VAULT); // pending: mallory's dpay
  await ok(['app', 'install', join(home, 'src/dpay-real'), '--yes'], NO_VAULT);
  // alice's grant reaches the vault before any CLI unlock flushes mallory's pending revocation
  await withVault((v) =>
    installSigningGrant(
      v,
      'dpay',
      { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] } } },
      [node.chain.chainIdHex],
      undefined,
      installRecord('dpay').identity,
    ),
  );
  const s = await peeros(['app', 'sign', join(home, 'src/dpay-real'), '--key', alice, '--yes']); // unlocks: flushes
  assert.is(s.code, 0, s.err);
  assert.ok((await withVault((v) => v.status())).grants!.includes('dpay'), "alice's grant stays");
  assert.is(await rawSign('dpay', alice), 'signed');
  assert.match(await rawSign('dpay', mallory), /^SCOPE_DENIED/);
});

test.run();
