// The transaction service end to end on a real dev node and a real vault worker: a granted transfer
// executes and the user saw the host-rendered confirmation; pushes outside the grant are refused
// by the host, and by the vault even when its dMemo protocol is called directly with a valid
// assertion; not logged in; malformed actions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Action, Transaction, TimePointSec } from '../../abi/antelope/index.js';
import {
  VaultChannel,
  encodeMessage,
  decodeResponse,
  mintAssertion,
  DMEMO_VERSION,
  VaultError,
  type VerifierRegistration,
} from '../../skv/index.js';
import {
  TransactionService,
  TransactionServiceError,
  installSigningGrant,
  type PushRequest,
} from '../../runtime/transaction-service/index.js';
import { HEAD_REUSE_MS } from '../../runtime/transaction-service/limits.js';
import { clearSession } from '../../runtime/session/index.js';
import { INFO_REUSE_MS } from '../../runtime/hybrid-cache/limits.js';
import type { Grants } from '../../runtime/capabilities.js';
import { startWorld, newAccount, deployToken, loginAs, balanceOf, type World } from './world.js';

let w: World;
const grants: Grants = { 'dmcs.push': { contracts: { 'dpay.token': ['transfer'] }, maxAmount: '100.0000 RSN' } };
const app = { name: 'dpay', version: '0.1.0', publisher: 'peeros', sha256: 'ab'.repeat(32) };
const req = (actions: unknown, g: Grants = grants): PushRequest => ({ app, manifest: {}, grants: g, actions });
const transfer = (quantity: string, to = 'bob', memo = 'lunch') => ({
  account: 'dpay.token',
  name: 'transfer',
  data: { from: 'alice', to, quantity, memo },
});

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await newAccount(w, 'bob');
  await deployToken(w, ['alice']);
  await installSigningGrant(w.vault, 'dpay', grants, [w.backend.chainId]);
});
test.after(async () => {
  await w.close();
});

async function serviceError(p: Promise<unknown>, code: string): Promise<TransactionServiceError> {
  try {
    await p;
  } catch (err) {
    assert.instance(err, TransactionServiceError, String(err));
    assert.is((err as TransactionServiceError).code, code, (err as Error).message);
    return err as TransactionServiceError;
  }
  throw new Error(`expected TransactionServiceError ${code}`);
}

test('not logged in: a push is refused before anything is built or shown', async () => {
  const seen = w.verifier.seen.length;
  const e = await serviceError(w.services.transactions.push(req([transfer('1.0000 RSN')])), 'NOT_LOGGED_IN');
  assert.match(e.message, /peeros login/);
  assert.is(w.verifier.seen.length, seen);
});

test('a granted transfer executes as the session account; the confirmation is decoded by the host', async () => {
  await loginAs(w, 'alice');
  const seen = w.verifier.seen.length;
  const out = await w.services.transactions.push(req([transfer('1.5000 RSN', 'bob', 'lunch\nforged line')]));
  assert.is(out.status, 'executed');
  assert.match(out.id, /^[0-9a-f]{64}$/);
  assert.type(out.block, 'number');
  await w.node.produceBlock();
  assert.is(await balanceOf(w, 'bob'), '1.5000 RSN');
  assert.is(await balanceOf(w, 'alice'), '998.5000 RSN');
  const shown = w.verifier.seen[seen]!;
  assert.is(shown.app, 'dpay');
  const text = shown.summary.join('\n');
  assert.match(text, /app: dpay 0\.1\.0 \(publisher peeros, module abababab/);
  assert.match(text, /signs as: alice@active on DMCS 'local'/);
  assert.match(text, /dpay\.token::transfer — from: alice, to: bob, quantity: 1\.5000 RSN, memo: "lunch\\nforged line"/);
  assert.is(shown.summary.filter((l) => l.startsWith('forged')).length, 0, 'app text cannot add lines');
});

test('two equal pushes in the same second are two transactions, both executed', async () => {
  const a = await w.services.transactions.push(req([transfer('0.0010 RSN', 'bob', 'same')]));
  const b = await w.services.transactions.push(req([transfer('0.0010 RSN', 'bob', 'same')]));
  assert.is(a.status, 'executed');
  assert.is(b.status, 'executed', JSON.stringify(b));
  assert.is.not(a.id, b.id);
});

test('after a block a push reads the chain once (one get_account, the reference block reused); a refusal drops the reference block', async () => {
  const backend = w.backend;
  const { getInfo, getAccount } = backend;
  const reads = { info: 0, account: 0 };
  backend.getInfo = () => {
    reads.info++;
    return getInfo.call(backend);
  };
  backend.getAccount = (name) => {
    reads.account++;
    return getAccount.call(backend, name);
  };
  try {
    // a push reads the reference block (or reuses one read by the tests before, under 30 s ago) …
    assert.is((await w.services.transactions.push(req([transfer('0.0001 RSN', 'bob', 'before a block')]))).status, 'executed');
    // … then a new head, and the hybrid cache's own reuse of the head over: its answers are of the block before
    await w.node.produceBlock();
    reads.info = reads.account = 0;
    await new Promise((r) => setTimeout(r, INFO_REUSE_MS + 50));
    const out = await w.services.transactions.push(req([transfer('0.0001 RSN', 'bob', 'after a block')]));
    assert.is(out.status, 'executed', JSON.stringify(out));
    assert.equal(reads, { info: 0, account: 1 }, 'no get_info: the reference block was reused; get_account names its own head');
    // the chain refuses (the token contract: no such account): the reference block may be why
    const refused = await w.services.transactions.push(req([transfer('0.0001 RSN', 'nosuchacct', 'refused')]));
    assert.is(refused.status, 'failed', JSON.stringify(refused));
    reads.info = 0;
    const again = await w.services.transactions.push(req([transfer('0.0001 RSN', 'bob', 'head read again')]));
    assert.is(again.status, 'executed', JSON.stringify(again));
    assert.is(reads.info, 1, 'the refusal dropped the reference block');
  } finally {
    backend.getInfo = getInfo;
    backend.getAccount = getAccount;
  }
});

test('the reference block is reused for HEAD_REUSE_MS and not a millisecond more', async () => {
  let offset = 0; // the service's clock runs ahead of the node's by this much (expirations stay valid)
  const service = new TransactionService({
    home: w.home,
    vault: w.vault,
    dispatcher: w.services.dispatcher,
    queue: w.services.queue,
    now: () => Date.now() + offset,
  });
  const backend = w.backend;
  const { getInfo } = backend;
  let infos = 0;
  backend.getInfo = () => {
    infos++;
    return getInfo.call(backend);
  };
  try {
    const push = async (memo: string) => assert.is((await service.push(req([transfer('0.0001 RSN', 'bob', memo)]))).status, 'executed');
    await push('reads the head');
    assert.is(infos, 1);
    const base = infos;
    offset = HEAD_REUSE_MS - 1_000;
    await push('within the reuse');
    assert.is(infos, base, 'reused');
    offset = HEAD_REUSE_MS + 1_000;
    await push('past the reuse');
    assert.is(infos, base + 1, 'read again');
  } finally {
    backend.getInfo = getInfo;
  }
});

test('scope violations: an action, a contract or an amount outside the grant', async () => {
  await serviceError(
    w.services.transactions.push(req([{ account: 'dpay.token', name: 'issue', data: { to: 'alice', quantity: '1.0000 RSN', memo: '' } }])),
    'CAPABILITY_DENIED',
  );
  await serviceError(w.services.transactions.push(req([{ account: 'eosio', name: 'newaccount', data: {} }])), 'CAPABILITY_DENIED');
  const e = await serviceError(w.services.transactions.push(req([transfer('100.0001 RSN')])), 'CAPABILITY_DENIED');
  assert.match(e.message, /above its cap of 100\.0000 RSN/);
  await serviceError(w.services.transactions.push(req([transfer('1.0000 RSN')], {})), 'CAPABILITY_DENIED');
});

test('bad actions: not an array, bad names, data that does not match the ABI', async () => {
  await serviceError(w.services.transactions.push(req('transfer')), 'BAD_ACTIONS');
  await serviceError(w.services.transactions.push(req([{ account: 'DPAY', name: 'transfer', data: {} }])), 'BAD_ACTIONS');
  await serviceError(
    w.services.transactions.push(req([{ account: 'dpay.token', name: 'transfer', data: { from: 'alice' } }])),
    'BAD_ACTIONS',
  );
});

test('the vault refuses outside the grant even through the raw dMemo protocol with a valid assertion', async () => {
  // A second channel to the same keystore, driven by hand: what a compromised host could do.
  const channel = new VaultChannel({
    home: w.home,
    autoLockMs: 60_000,
    assertionMaxTtlMs: 60_000,
    backoffBaseMs: 1000,
    insecureTestKdf: true,
  });
  try {
    const call = async (op: string, fields: Record<string, unknown>) =>
      decodeResponse(await channel.call(encodeMessage({ v: DMEMO_VERSION, op, ...fields })), op as 'sign');
    const unlocked = (await call('unlock', { passphrase: 'e2e passphrase' })) as unknown as { verifier: VerifierRegistration };
    const info = await w.backend.getInfo();
    const abi = (await w.backend.getAbi('dpay.token')).abi as Parameters<typeof Action.from>[1];
    const issue = Action.from(
      {
        account: 'dpay.token',
        name: 'issue',
        authorization: [{ actor: 'alice', permission: 'active' }],
        data: { to: 'alice', quantity: '5.0000 RSN', memo: '' },
      },
      abi,
    );
    const trx = Transaction.from({
      expiration: TimePointSec.from(new Date(Date.now() + 60_000)),
      ref_block_num: info.head_block_num & 0xffff,
      ref_block_prefix: 0,
      actions: [issue],
    });
    const bytes = trx.toBinary();
    const digest = trx.signingDigest(w.backend.chainId).array;
    const keys = (await w.vault.listKeys()).map((k) => k.publicKey);
    const assertion = mintAssertion(unlocked.verifier, { purpose: 'sign', app: 'dpay', digest });
    try {
      await call('sign', { chainId: Buffer.from(w.backend.chainId, 'hex'), transaction: bytes, keys: [keys[1]!], app: 'dpay', assertion });
      assert.unreachable('the vault signed outside the grant');
    } catch (err) {
      assert.instance(err, VaultError);
      assert.is((err as VaultError).code, 'SCOPE_DENIED', (err as Error).message);
    }
    // an app without any grant is denied by default
    const a2 = mintAssertion(unlocked.verifier, { purpose: 'sign', app: 'dsocial', digest });
    try {
      await call('sign', {
        chainId: Buffer.from(w.backend.chainId, 'hex'),
        transaction: bytes,
        keys: [keys[1]!],
        app: 'dsocial',
        assertion: a2,
      });
      assert.unreachable();
    } catch (err) {
      assert.is((err as VaultError).code, 'SCOPE_DENIED');
    }
  } finally {
    await channel.close();
  }
});

test('logged out again: pushes are refused', async () => {
  clearSession(w.home);
  await serviceError(w.services.transactions.push(req([transfer('1.0000 RSN')])), 'NOT_LOGGED_IN');
});

test.run();
