// The stock apps' screens against the dev node: each screen is run by a Host over the real bridge
// (chain reads through the hybrid API, pushes through the transaction service and the vault), and
// its view tree checked by the host (runtime/ui). dPay: your balance, a send from the form, the
// history with its state; dSocial: a post from the form in the feed, a follow; dMessenger: a
// message sealed by the vault, then the conversation opened with its text; offline, a dPay send
// queued with its state on the screen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import { deployContract } from '../../runtime/transaction-service/index.js';
import { AppScreens, type SafeNode, type ScreenResult } from '../../runtime/ui/index.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, ROOT, type World } from './world.js';

let w: World;
let host: Host;
let screens: AppScreens;

const view = (r: ScreenResult): SafeNode => {
  if ('error' in r) throw new Error(`frame error ${r.error.code}: ${r.error.message}`);
  return r.view;
};
const nodes = (n: SafeNode): SafeNode[] => [n, ...((n.children as SafeNode[] | undefined) ?? []).flatMap(nodes)];
const texts = (n: SafeNode): string[] =>
  nodes(n)
    .filter((x) => x.kind === 'text' || x.kind === 'heading')
    .map((x) => x.text as string);
const of = (n: SafeNode, kind: string) => nodes(n).filter((x) => x.kind === kind);

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  for (const c of ['dsocial', 'dmessenger']) {
    await newAccount(w, c);
    await deployContract({
      vault: w.vault,
      backend: w.backend,
      account: c,
      wasmPath: join(ROOT, `build/contracts/${c}/${c}.wasm`),
      abiPath: join(ROOT, `build/contracts/${c}/${c}.abi`),
    });
  }
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  for (const app of ['dpay', 'dsocial', 'dmessenger']) {
    await host.install(join(ROOT, 'apps', app), { grant: async () => true });
    assert.ok(await w.services.installAppGrant(app));
  }
  screens = new AppScreens(host);
});
test.after(async () => {
  await host.close();
  await w.close();
});

test('dPay screen: your balance, a send from the form, the history with its state', async () => {
  await loginAs(w, 'alice');
  const first = view(await screens.render('dpay'));
  assert.equal(
    of(first, 'account').map((a) => a.name),
    ['alice'],
  );
  assert.equal(
    of(first, 'amount').map((a) => a.value),
    ['1000.0000 RSN'],
  );
  assert.ok(texts(first).includes('No transfers yet.'));
  const sent = view(await screens.event('dpay', { id: 'send', form: { to: 'bob', quantity: '12.5000 RSN', memo: 'rent' } }));
  assert.ok(texts(sent).includes('Sent (executed).'), texts(sent).join(' | '));
  assert.equal(of(sent, 'table')[0]!.rows, [['bob', '12.5000 RSN', 'executed']]);
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), '12.5000 RSN');
  // a refused send is text in the frame, the form kept
  const refused = view(await screens.event('dpay', { id: 'send', form: { to: 'bob', quantity: 'lots' } }));
  assert.ok(
    texts(refused).some((t) => t.startsWith('Not sent:')),
    texts(refused).join(' | '),
  );
  assert.is(of(refused, 'input').find((i) => i.id === 'quantity')!.value, 'lots');
});

test('dSocial screen: a post from the form appears in the feed; a follow is listed', async () => {
  await loginAs(w, 'alice');
  const posted = view(await screens.event('dsocial', { id: 'post', form: { text: 'hello <b>world</b>' } }));
  assert.ok(texts(posted).includes('Posted.'), texts(posted).join(' | '));
  await loginAs(w, 'bob');
  const followed = view(await screens.event('dsocial', { id: 'follow', form: { account: 'alice' } }));
  assert.ok(texts(followed).includes('Following alice.'), texts(followed).join(' | '));
  await w.node.produceBlock();
  const feed = view(await screens.render('dsocial'));
  assert.ok(of(feed, 'button').some((b) => b.id === 'unfollow:alice'));
  assert.ok(texts(feed).includes('hello <b>world</b>'), texts(feed).join(' | '));
});

test('dMessenger screen: a message sealed by the vault, then the conversation opened with its text', async () => {
  await loginAs(w, 'alice');
  const sent = view(await screens.event('dmessenger', { id: 'send', form: { to: 'bob', text: 'private hello' } }));
  assert.ok(texts(sent).includes('Sent.'), texts(sent).join(' | '));
  await w.node.produceBlock();
  await loginAs(w, 'bob');
  // the hybrid cache may answer from before the block: bounded retries until the message is listed
  let list = view(await screens.render('dmessenger'));
  for (const end = Date.now() + 60_000; !of(list, 'button').some((b) => b.id === 'open:alice') && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 100));
    list = view(await screens.render('dmessenger'));
  }
  assert.ok(
    of(list, 'button').some((b) => b.id === 'open:alice'),
    texts(list).join(' | '),
  );
  const convo = view(await screens.event('dmessenger', { id: 'open:alice' }));
  assert.ok(texts(convo).includes('private hello'), texts(convo).join(' | '));
});

test('dPay screen offline: a send is queued, the history shows its state, and the flush sends it once the node is back', async () => {
  await loginAs(w, 'alice');
  await w.stopNode();
  const queued = view(await screens.event('dpay', { id: 'send', form: { to: 'bob', quantity: '2.0000 RSN', memo: '' } }));
  assert.ok(texts(queued).includes('Queued: it is sent when the chain is reachable.'), texts(queued).join(' | '));
  assert.equal((of(queued, 'table')[0]!.rows as string[][])[0], ['bob', '2.0000 RSN', 'queued']);
  assert.ok(
    texts(queued).some((t) => t.startsWith('1 transfer(s) wait in the offline queue')),
    texts(queued).join(' | '),
  );
  await w.restartNode();
  const before = await balanceOf(w, 'bob');
  assert.is((await w.services.flush()).sent.length, 1);
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), `${(Number(before.split(' ')[0]) + 2).toFixed(4)} RSN`);
});

test.run();
