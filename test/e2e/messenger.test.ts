// dMessenger end to end: the message is sealed inside the vault (ECDH of alice's and bob's K1
// keys), only ciphertext reaches the chain, the confirmation shows the text being sealed and for
// whom, bob's inbox opens it (and alice's shows what she sent); a blob for keys the vault does not
// hold stays closed; an app without a signing grant cannot use the vault's message keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateKey } from '../../abi/antelope/index.js';
import { Host } from '../../runtime/index.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { openText, sealText } from '../../runtime/transaction-service/sealed-fields.js';
import { VaultError } from '../../skv/index.js';
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
  const blob = await sealText(w.vault, 'dmessenger', keys[1]!, other, 'x', identity);
  const stranger = Uint8Array.from(blob);
  stranger.set(PrivateKey.generate().toPublic().data, 1); // neither side is ours any more
  const r = await openText(w.vault, 'dmessenger', stranger, keys, identity);
  assert.match(r.error!, /not for this account/);
  const tampered = Uint8Array.from(blob);
  tampered[tampered.length - 1]! ^= 1;
  assert.match((await openText(w.vault, 'dmessenger', tampered, keys, identity)).error!, /does not open/);
  // an app of the same name but another identity does not get the grant's message keys
  assert.match(
    (await openText(w.vault, 'dmessenger', blob, keys, 'unverified:00000000000000000000000000000000')).error!,
    /no signing grant in this vault for its identity/,
  );
  try {
    await w.vault.sealMessage({ key: keys[1]!, peer: other, plaintext: new Uint8Array([1]), app: 'nogrant' });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, VaultError);
    assert.is((err as VaultError).code, 'SCOPE_DENIED');
  }
});

test.run();
