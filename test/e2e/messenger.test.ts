// dMessenger end to end: the message is sealed inside the vault (ECDH of alice's and bob's K1
// keys), only ciphertext reaches the chain, the confirmation shows the text being sealed and for
// whom, bob's inbox opens it (and alice's shows what she sent); a blob for keys the vault does not
// hold stays closed; an app without a signing grant cannot use the vault's message keys.
// As an attacker: an app with a signing grant on another contract and chain.read on dmessenger gets
// no plaintext; a blob sealed for dmessenger does not open for another contract (copy attack); a
// version-1 blob (bound to no contract) is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateKey, PublicKey } from '../../abi/antelope/index.js';
import { Host, HostError } from '../../runtime/index.js';
import { pack, unpack } from '../../abi/msgpack/codec.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { openText, sealText } from '../../runtime/transaction-service/sealed-fields.js';
import { USER_APP, VaultError } from '../../skv/index.js';
import { startWorld, newAccount, loginAs, ROOT, type World } from './world.js';

let w: World;
let host: Host;
const TEXT = 'hello bob, this is private 🔒';

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await newAccount(w, 'dmessenger');
  const wasm = join(ROOT, 'build/contracts/dmessenger/dmessenger.wasm');
  await deployContract({
    vault: w.vault,
    backend: w.backend,
    account: 'dmessenger',
    wasmPath: wasm,
    abiPath: wasm.replace(/\.wasm$/, '.abi'),
  });
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps/dmessenger'), { grant: async () => true });
  assert.ok(await w.services.installAppGrant('dmessenger'));
});
test.after(async () => {
  await host.close();
  await w.close();
});

test('alice sends: sealed in the vault, confirmed with the text, only ciphertext on chain', async () => {
  await loginAs(w, 'alice');
  const out = (await host.run('dmessenger', 'send', { to: 'bob', text: TEXT })) as { status: string };
  assert.is(out.status, 'executed', JSON.stringify(out));
  const shown = w.verifier.seen.at(-1)!.summary.join('\n');
  assert.match(shown, /dmessenger::send — from: alice, to: bob, sealed: \[sealed for bob\] "hello bob, this is private/);
  await w.node.produceBlock();
  const rows = (await w.backend.getTableRows({ code: 'dmessenger', scope: 'bob', table: 'messages', json: true })).rows as Array<{
    sealed: string;
    from: string;
  }>;
  assert.is(rows.length, 1);
  assert.is(rows[0]!.from, 'alice');
  assert.not.ok(Buffer.from(rows[0]!.sealed, 'hex').toString('utf8').includes('hello'), 'no plaintext on chain');
});

test('bob reads his inbox; alice sees what she sent', async () => {
  await new Promise((r) => setTimeout(r, 600));
  await loginAs(w, 'bob');
  const inbox = (await host.run('dmessenger', 'inbox')) as Array<{ from: string; to: string; text?: string; error?: string }>;
  assert.is(inbox.length, 1);
  assert.is(inbox[0]!.text, TEXT, JSON.stringify(inbox));
  assert.is(inbox[0]!.from, 'alice');
  await loginAs(w, 'alice');
  const sent = (await host.run('dmessenger', 'inbox', { with: 'bob' })) as Array<{ text?: string; to: string }>;
  assert.is(sent[0]!.text, TEXT);
  assert.is(sent[0]!.to, 'bob');
});

test('a blob between keys the vault does not hold stays closed; apps without a grant cannot seal', async () => {
  const keys = (await w.vault.listKeys()).map((k) => k.publicKey);
  const other = PrivateKey.generate().toPublic().toString();
  // the host asks with the installed app's identity (its install record), as the bridge does
  const identity = (JSON.parse(readFileSync(join(w.home, 'apps/dmessenger/install.json'), 'utf8')) as { identity: string }).identity;
  const blob = await sealText(w.vault, 'dmessenger', 'dmessenger', keys[1]!, other, 'x', identity);
  const stranger = Uint8Array.from(blob);
  stranger.set(PrivateKey.generate().toPublic().data, 1); // neither side is ours any more
  const r = await openText(w.vault, 'dmessenger', 'dmessenger', stranger, keys, identity);
  assert.match(r.error!, /not for this account/);
  const tampered = Uint8Array.from(blob);
  tampered[tampered.length - 1]! ^= 1;
  assert.match((await openText(w.vault, 'dmessenger', 'dmessenger', tampered, keys, identity)).error!, /does not open/);
  // an app of the same name but another identity does not get the grant's message keys
  assert.match(
    (await openText(w.vault, 'dmessenger', 'dmessenger', blob, keys, 'unverified:00000000000000000000000000000000')).error!,
    /no signing grant in this vault for its identity/,
  );
  try {
    await w.vault.sealMessage({ key: keys[1]!, peer: other, plaintext: new Uint8Array([1]), app: 'nogrant', context: 'dmessenger' });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, VaultError);
    assert.is((err as VaultError).code, 'SCOPE_DENIED');
  }
});

/**
 * `evil`: dMessenger's own module (its `inbox` reads dmessenger's `messages` with "open") under a
 * manifest granted chain.read on dmessenger and a signing grant only on `evil.game::play`.
 */
function evilApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evil-app-'));
  const m = JSON.parse(readFileSync(join(ROOT, 'apps/dmessenger/peeros.json'), 'utf8')) as Record<string, unknown>;
  m.name = 'evil';
  m.description = 'a game that would like to read your messages';
  m.capabilities = {
    ual: {},
    'chain.read': { contracts: ['dmessenger'] },
    'dmcs.push': { contracts: { 'evil.game': ['play'] } },
    ui: {},
  };
  mkdirSync(join(dir, 'build'));
  copyFileSync(join(ROOT, 'apps/dmessenger', m.entry as string), join(dir, m.entry as string));
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(m));
  return dir;
}

test('attacker: an app with a signing grant on another contract and chain.read on dmessenger cannot open its messages', async () => {
  const dir = evilApp();
  try {
    await host.install(dir, { grant: async () => true });
    assert.ok(await w.services.installAppGrant('evil'), 'evil holds a signing grant (on evil.game)');
    await loginAs(w, 'bob');
    let refused: unknown;
    let got: unknown;
    try {
      got = await host.run('evil', 'inbox');
    } catch (err) {
      refused = err;
    }
    assert.not.ok(JSON.stringify(got ?? null).includes('private'), `no plaintext for evil: ${JSON.stringify(got)}`);
    assert.instance(refused, HostError);
    assert.match(String((refused as Error).message), /ISA_CAPABILITY_DENIED: chain.get-table-rows/);
    // the bridge's refusal says why; without "open" the same read is served (rows, ciphertext only)
    const q = { code: 'dmessenger', scope: 'bob', table: 'messages', json: true, open: 'sealed' };
    const why = await w.services.handle('evil', 'chain.get-table-rows', pack(q)).then(
      () => 'served',
      (err: Error) => err.message,
    );
    assert.match(why, /opening sealed fields of "dmessenger" needs a dmcs.push grant on "dmessenger"/);
    const { open: _, ...plain } = q;
    const rows = (unpack(await w.services.handle('evil', 'chain.get-table-rows', pack(plain))) as { rows: Array<{ sealed: string }> }).rows;
    assert.ok(rows.length > 0);
    assert.not.ok(rows.some((r) => r.sealed.includes('private')));
  } finally {
    await host.remove('evil', { purge: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('attacker: a blob sealed for dmessenger, copied to another contract, does not open there', async () => {
  const keys = (await w.vault.listKeys()).map((k) => k.publicKey);
  const identity = (JSON.parse(readFileSync(join(w.home, 'apps/dmessenger/install.json'), 'utf8')) as { identity: string }).identity;
  const blob = await sealText(w.vault, 'dmessenger', 'dmessenger', keys[0]!, keys[1]!, 'for dmessenger only', identity);
  assert.is(blob[0], 2, 'version 2');
  assert.is((await openText(w.vault, 'dmessenger', 'dmessenger', blob, keys, identity)).text, 'for dmessenger only');
  // the vault refuses the app a contract its grant does not name, before any key is used
  const copied = await openText(w.vault, 'dmessenger', 'evil.game', blob, keys, identity);
  assert.is(copied.text, undefined);
  assert.match(copied.error!, /may use its keys only for messages of the contracts its signing grant names, not "evil.game"/);
  // and the vault itself, asked directly with another context (or none), does not open it
  for (const context of ['evil.game', '']) {
    try {
      await w.vault.openMessage({ key: keys[0]!, peer: keys[1]!, nonce: blob.slice(67, 79), ciphertext: blob.slice(79), context });
      assert.unreachable(`opened with context '${context}'`);
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'INVALID_ARGUMENT');
    }
  }
  // a context that is no account name is refused before any key is used
  try {
    await w.vault.openMessage({
      key: keys[0]!,
      peer: keys[1]!,
      nonce: blob.slice(67, 79),
      ciphertext: blob.slice(79),
      context: 'Evil Game',
    });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, VaultError);
    assert.is((err as VaultError).code, 'MALFORMED_MESSAGE');
  }
});

test('attacker: a version-1 blob (bound to no contract) is refused, not opened', async () => {
  const keys = (await w.vault.listKeys()).map((k) => k.publicKey);
  const identity = (JSON.parse(readFileSync(join(w.home, 'apps/dmessenger/install.json'), 'utf8')) as { identity: string }).identity;
  // what the host sealed before contexts: no context, first byte 1
  const { nonce, ciphertext } = await w.vault.sealMessage({
    key: keys[0]!,
    peer: keys[1]!,
    plaintext: new TextEncoder().encode('old'),
    app: USER_APP, // the user's keys, no context: what a v1 blob's AAD was
    context: '',
  });
  const v1 = new Uint8Array(79 + ciphertext.length);
  v1[0] = 1;
  v1.set(PublicKey.from(keys[0]!).data, 1);
  v1.set(PublicKey.from(keys[1]!).data, 34);
  v1.set(nonce, 67);
  v1.set(ciphertext, 79);
  const r = await openText(w.vault, 'dmessenger', 'dmessenger', v1, keys, identity);
  assert.is(r.text, undefined);
  assert.match(r.error!, /version 1.*no longer opened/);
  // relabelled as version 2, it is bound to no contract and opens for none
  v1[0] = 2;
  assert.is((await openText(w.vault, 'dmessenger', 'dmessenger', v1, keys, identity)).text, undefined);
});

test.run();
