// The console's waiting install dialogs (an app's store.request-install): only an explicit yes
// installs; no, a timeout, a lock, one request too many or a truthy non-true answer are a no; an
// answer to no such request is a typed refusal; what the page lists is a copy of the host's lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InstallRequests, INSTALL_REQUEST_TIMEOUT_MS, MAX_PENDING_INSTALL_REQUESTS } from '../../../runtime/console/install-requests.js';
import { ConsoleError } from '../../../runtime/console/index.js';
import type { InstallDialogRequest } from '../../../runtime/app-install-request.js';

const request = (app = 'calculator'): InstallDialogRequest => ({
  requestedBy: 'dappstore',
  app,
  version: '1.0.0',
  lines: ['requested by the app "dappstore"', '<b>app text</b> stays text'],
});

test('yes installs; no, and an answer that is not exactly true, do not', async () => {
  const r = new InstallRequests();
  const yes = r.ask(request());
  const [shown] = r.list();
  assert.is(shown?.requestedBy, 'dappstore');
  assert.equal(shown?.lines, request().lines);
  assert.ok(shown!.deadline > Date.now() && shown!.deadline <= Date.now() + INSTALL_REQUEST_TIMEOUT_MS);
  r.answer(shown!.id, true);
  assert.is(await yes, true);
  assert.equal(r.list(), []);

  const no = r.ask(request());
  r.answer(r.list()[0]!.id, false);
  assert.is(await no, false);
  const truthy = r.ask(request());
  r.answer(r.list()[0]!.id, 'yes');
  assert.is(await truthy, false, 'only true is a yes');
});

test('an unknown or already answered request is NOT_FOUND', async () => {
  const r = new InstallRequests();
  for (const id of ['nope', 7, undefined, { id: 1 }]) {
    const e = (() => {
      try {
        r.answer(id, true);
      } catch (err) {
        return err;
      }
    })();
    assert.ok(e instanceof ConsoleError);
    assert.is((e as ConsoleError).code, 'NOT_FOUND');
  }
  const p = r.ask(request());
  const id = r.list()[0]!.id;
  r.answer(id, false);
  assert.is(await p, false);
  assert.throws(
    () => r.answer(id, true),
    (e: unknown) => e instanceof ConsoleError && e.code === 'NOT_FOUND',
  );
});

test(`at most ${MAX_PENDING_INSTALL_REQUESTS} wait at once: one more is a no at once; a lock declines all; a timeout declines`, async () => {
  const r = new InstallRequests();
  const waiting = Array.from({ length: MAX_PENDING_INSTALL_REQUESTS }, (_, i) => r.ask(request(`app${i}`)));
  assert.is(r.list().length, MAX_PENDING_INSTALL_REQUESTS);
  assert.is(await r.ask(request('onemore')), false);
  assert.is(r.list().length, MAX_PENDING_INSTALL_REQUESTS);
  r.clear();
  assert.equal(await Promise.all(waiting), Array(MAX_PENDING_INSTALL_REQUESTS).fill(false));
  assert.equal(r.list(), []);

  const quick = new InstallRequests({ timeoutMs: 20 });
  assert.is(await quick.ask(request()), false, 'nobody answered');
  assert.equal(quick.list(), []);
});

test.run();
