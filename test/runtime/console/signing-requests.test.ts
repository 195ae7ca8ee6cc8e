// The console's waiting signing dialogs: an answer relays the page's assertion (its fields checked
// and capped), a denial, a timeout, a lock or one dialog too many are the vault's NOT_APPROVED,
// and a request with an undecodable action is approved only with the advanced override.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SigningRequests,
  MAX_PENDING_SIGNING_REQUESTS,
  MAX_ASSERTION_FIELD_CHARS,
  SIGNING_REQUEST_TIMEOUT_MS,
} from '../../../runtime/console/signing-requests.js';
import type { SigningView } from '../../../runtime/console/signing-view.js';
import { ConsoleError } from '../../../runtime/console/index.js';
import { VaultError, type WebAuthnChallengeResult } from '../../../skv/index.js';

const view = (undecodable = false): SigningView => ({
  purpose: 'sign',
  app: 'dpay',
  signers: ['alice@active'],
  actions: [],
  undecodable,
  grants: [],
  summary: [],
  digest: '00'.repeat(32),
});
const challenge: WebAuthnChallengeResult = {
  purpose: 'sign',
  app: 'dpay',
  challenge: new Uint8Array(32).fill(7),
  nonce: new Uint8Array(16),
  expiresAt: Date.now() + 120_000,
  credentials: [{ id: new Uint8Array([1, 2, 3]), rpId: 'localhost', origin: 'http://localhost', signCount: 0 }],
};
const assertion = { credentialId: 'AQID', authenticatorData: 'AAAA', clientDataJSON: 'e30', signature: 'MEUC' };

async function refusal(p: Promise<unknown>): Promise<VaultError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.instance(e, VaultError);
  assert.is((e as VaultError).code, 'NOT_APPROVED');
  return e as VaultError;
}

function consoleRefusal(f: () => void, code: string): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, ConsoleError);
    assert.is((e as ConsoleError).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('approve relays the assertion bytes; the page sees the challenge, rp id and credential ids', async () => {
  const s = new SigningRequests();
  const p = s.ask(view(), challenge);
  const [d] = s.list();
  assert.is(d!.webauthn.challenge, Buffer.from(challenge.challenge).toString('base64url'));
  assert.is(d!.webauthn.rpId, 'localhost');
  assert.equal(d!.webauthn.credentialIds, ['AQID']);
  assert.ok(d!.deadline > Date.now() && d!.deadline <= Date.now() + SIGNING_REQUEST_TIMEOUT_MS);
  s.approve(d!.id, assertion, false);
  const r = await p;
  assert.equal([...r.credentialId], [1, 2, 3]);
  assert.equal(new TextDecoder().decode(r.clientDataJSON), '{}');
  assert.equal(s.list(), [], 'answered: gone');
  consoleRefusal(() => s.approve(d!.id, assertion, false), 'NOT_FOUND');
});

test('deny, timeout and clear refuse with NOT_APPROVED', async () => {
  const s = new SigningRequests({ timeoutMs: 30 });
  const denied = s.ask(view(), challenge);
  s.deny(s.list()[0]!.id);
  assert.match((await refusal(denied)).message, /denied at the console/);
  assert.match((await refusal(s.ask(view(), challenge))).message, /nobody answered/);
  const waiting = new SigningRequests();
  const p = waiting.ask(view(), challenge);
  waiting.clear('the vault was locked');
  assert.match((await refusal(p)).message, /locked/);
  assert.equal(waiting.list(), []);
});

test(`at most ${MAX_PENDING_SIGNING_REQUESTS} dialogs wait; one more is refused at once`, async () => {
  const s = new SigningRequests();
  const waiting = Array.from({ length: MAX_PENDING_SIGNING_REQUESTS }, () => s.ask(view(), challenge));
  assert.match((await refusal(s.ask(view(), challenge))).message, /already waiting/);
  assert.is(s.list().length, MAX_PENDING_SIGNING_REQUESTS);
  s.clear('done');
  for (const w of waiting) await refusal(w);
});

test('an undecodable request needs the override; malformed or oversized assertion fields are BAD_REQUEST', async () => {
  const s = new SigningRequests();
  const p = s.ask(view(true), challenge);
  const id = s.list()[0]!.id;
  consoleRefusal(() => s.approve(id, assertion, false), 'BAD_REQUEST');
  consoleRefusal(() => s.approve(id, { ...assertion, signature: 'not base64url!' }, true), 'BAD_REQUEST');
  consoleRefusal(() => s.approve(id, { ...assertion, signature: 'A'.repeat(MAX_ASSERTION_FIELD_CHARS + 1) }, true), 'BAD_REQUEST');
  consoleRefusal(() => s.approve(id, { ...assertion, clientDataJSON: 42 }, true), 'BAD_REQUEST');
  consoleRefusal(() => s.approve(id, null, true), 'BAD_REQUEST');
  assert.is(s.list().length, 1, 'a bad answer leaves the dialog waiting');
  s.approve(id, assertion, true);
  await p;
  consoleRefusal(() => s.deny('no-such-id'), 'NOT_FOUND');
});

test.run();
