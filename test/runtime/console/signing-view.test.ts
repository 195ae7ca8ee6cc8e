// What the signing dialog shows, built from the exact bytes to be signed: chain and signers, each
// action's fields with their ABI types (strings flagged as app text, escaped), and undecodable when
// the ABI is missing or does not fit, when there are more actions than shown, or when the bytes are
// not the ones whose digest the vault was asked to approve.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Abi, AbiSerializer, Action, eosioSerializer, signingDigest } from '../../../abi/antelope/index.js';
import { createHash } from 'node:crypto';
import { buildSigningView, MAX_DIALOG_ACTIONS, MAX_DIALOG_FIELDS, type ViewContext } from '../../../runtime/console/signing-view.js';
import { grantLines } from '../../../runtime/console/grant-lines.js';
import type { VerificationRequest } from '../../../skv/index.js';
import { Asset } from '../../../abi/antelope/index.js';
import { BinaryWriter, Name } from '../../../abi/antelope/index.js';
import { CHAIN_ID, packTransaction, transfer, transferData } from '../../skv/helpers.js';
import { ROOT } from '../../e2e/world.js';
import { loginChallenge, loginChallengeSerializer, LOGIN_TAG } from '../../../runtime/session/login-challenge.js';

const chainId = new Uint8Array(Buffer.from(CHAIN_ID, 'hex'));
const dpay = new AbiSerializer(Abi.from(JSON.parse(readFileSync(join(ROOT, 'build/contracts/dpay/dpay.abi'), 'utf8'))));
const ctx: ViewContext = {
  chainName: async (id) => (id === CHAIN_ID ? 'local' : null),
  abi: async (_chain, account) => {
    if (account === 'dpay.token') return dpay;
    throw new Error(`no ABI for ${account}`);
  },
  grants: async () => ['a grant line'],
  proposal: async (_chain, proposer, name) => {
    throw new Error(`no proposal ${name} by ${proposer}`);
  },
};

function request(bytes: Uint8Array, digest = signingDigest(chainId, bytes).array): VerificationRequest {
  return { purpose: 'sign', app: 'dpay', digest, summary: ['host line'], transaction: { chainId, bytes } };
}

test('a transfer: chain name and id, signer, typed fields, the memo as escaped app text', async () => {
  const bytes = packTransaction([transfer('2.5000 RSN', 'dpay.token', '<b>x</b>\u202E')]);
  const v = await buildSigningView(request(bytes), ctx);
  assert.equal(v.chain, { name: 'local', id: CHAIN_ID });
  assert.equal(v.signers, ['alice@active']);
  assert.is(v.undecodable, false);
  assert.is(v.rawBytes, bytes.length);
  const [a] = v.actions;
  assert.is(`${a!.contract}::${a!.action}`, 'dpay.token::transfer');
  assert.equal(
    a!.fields.map((f) => [f.name, f.type, f.value, f.appText]),
    [
      ['from', 'name', 'alice', false],
      ['to', 'name', 'bob', false],
      ['quantity', 'asset', '2.5000 RSN', false],
      ['memo', 'string', '<b>x</b>\\u202e', true],
    ],
  );
  assert.equal(v.grants, ['a grant line']);
});

test("a DMCS's ABI whose action has 20,000 optional fields: the dialog lists MAX_DIALOG_FIELDS, counts the rest and needs the override", async () => {
  const n = 20_000;
  const wide = new AbiSerializer(
    Abi.from({
      version: 'eosio::abi/1.1',
      structs: [{ name: 'go', base: '', fields: Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'bool?' })) }],
      actions: [{ name: 'go', type: 'go', ricardian_contract: '' }],
    }),
  );
  const wideCtx: ViewContext = { ...ctx, abi: async (_chain, account) => (account === 'wide' ? wide : ctx.abi(_chain, account)) };
  const go = { account: 'wide', name: 'go', actor: 'alice', data: new Uint8Array(n) }; // every field absent: one byte each
  const v = await buildSigningView(request(packTransaction([go])), wideCtx);
  assert.is(v.actions[0]!.fields.length, MAX_DIALOG_FIELDS);
  assert.is(v.undecodable, true);
  assert.match(v.summary[0]!, `wide::go: ${n - MAX_DIALOG_FIELDS} more fields are not shown`);
  assert.ok(JSON.stringify(v).length < 64 * 1024, `${JSON.stringify(v).length} bytes of view`);
});

test('undecodable: no ABI for the contract, data that does not fit it, too many actions, bytes not matching the digest', async () => {
  const noAbi = await buildSigningView(request(packTransaction([transfer('1.0000 RSN', 'other.token')])), ctx);
  assert.is(noAbi.undecodable, true);
  assert.match(noAbi.actions[0]!.undecodable!, /no ABI for other\.token/);
  assert.ok(noAbi.actions[0]!.dataHex.length > 0);

  const bad = { ...transfer('1.0000 RSN'), data: new Uint8Array([1, 2, 3]) };
  const badView = await buildSigningView(request(packTransaction([bad])), ctx);
  assert.is(badView.undecodable, true);
  assert.is(badView.actions[0]!.fields.length, 0);

  const many = await buildSigningView(
    request(packTransaction(Array.from({ length: MAX_DIALOG_ACTIONS + 2 }, () => transfer('1.0000 RSN')))),
    ctx,
  );
  assert.is(many.actions.length, MAX_DIALOG_ACTIONS);
  assert.is(many.undecodable, true);
  assert.match(many.summary[0]!, /2 more actions are not shown/);

  const bytes = packTransaction([transfer('1.0000 RSN')]);
  const other = packTransaction([transfer('9.0000 RSN')]);
  const swapped = await buildSigningView(request(other, signingDigest(chainId, bytes).array), ctx);
  assert.is(swapped.undecodable, true);
  assert.equal(swapped.actions, [], 'nothing of the other bytes is shown');
});

test('requests other than a transaction show the host lines and the digest', async () => {
  const v = await buildSigningView(
    { purpose: 'export', app: '@user', digest: new Uint8Array(32).fill(1), summary: ['export private key of X'] },
    ctx,
  );
  assert.equal(v.summary, ['export private key of X']);
  assert.is(v.digest, '01'.repeat(32));
  assert.is(v.chain, undefined);
  assert.is(v.undecodable, false);
});

test('grant lines: the session grant would or would not cover it; the vault grant; no grant for the user or a grant change', () => {
  const r: VerificationRequest = { purpose: 'sign', app: 'dpay', digest: new Uint8Array(32), summary: [] };
  const session = { app: 'dpay', maxCount: 3, maxAmount: '10.0000 RSN', periodMs: 3_600_000, setAt: '' };
  const moved = new Map([['RSN', Asset.from('2.0000 RSN')]]);
  const base = { request: r, session, announced: { app: 'dpay', moved }, vaultGrants: ['dpay'] };
  const yes = grantLines({ ...base, remaining: { count: 2, amount: Asset.from('5.0000 RSN') } });
  assert.match(yes[0]!, /2 of 3 approvals left, 5\.0000 RSN of 10\.0000 RSN; it would cover this request/);
  assert.match(yes[1]!, /vault signing grant: yes/);
  assert.match(grantLines({ ...base, remaining: { count: 2, amount: Asset.from('1.0000 RSN') } })[0]!, /would not cover/);
  assert.match(grantLines({ ...base, remaining: { count: 0, amount: Asset.from('5.0000 RSN') } })[0]!, /would not cover/);
  assert.match(
    grantLines({ ...base, session: undefined, remaining: undefined, vaultGrants: [] }).join('\n'),
    /session grant: none\nvault signing grant: none/,
  );
  assert.match(grantLines({ ...base, request: { ...r, app: '@user' }, remaining: undefined })[0]!, /no grant applies/);
  assert.match(grantLines({ ...base, request: { ...r, purpose: 'grant' }, remaining: undefined })[0]!, /only you can/);
});

test("a login challenge decodes with the host's own layout of peeros.login::login: nothing undecodable, the tag as quoted text", async () => {
  const c = loginChallenge({ account: 'carol', permission: 'active', chainId: CHAIN_ID, dmcs: 'local' });
  const login: ViewContext = {
    ...ctx,
    abi: async (_chain, account) => (account === 'peeros.login' ? loginChallengeSerializer() : ctx.abi(_chain, account)),
  };
  const v = await buildSigningView({ ...request(c.bytes, c.digest), app: '@user', summary: c.summary }, login);
  assert.is(v.undecodable, false);
  assert.equal(v.signers, ['carol@active']);
  const [a] = v.actions;
  assert.is(`${a!.contract}::${a!.action}`, 'peeros.login::login');
  const fields = Object.fromEntries(a!.fields.map((f) => [f.name, f]));
  assert.is(fields.tag?.value, LOGIN_TAG);
  assert.is(fields.tag?.appText, true);
  assert.is(fields.account?.value, 'carol');
  assert.is(fields.permission?.value, 'active');
  assert.is(fields.nonce?.type, 'bytes');
  assert.is(String(fields.nonce?.value).toLowerCase(), c.nonce.toLowerCase());
  // without the host's layout the same challenge is undecodable (no chain holds that ABI)
  assert.is((await buildSigningView({ ...request(c.bytes, c.digest), app: '@user' }, ctx)).undecodable, true);
});

test('a deployment: setcode shows the code sha256 and size, setabi the ABI actions and tables, read from the bytes; an ABI that does not decode is undecodable', async () => {
  const eosio = eosioSerializer();
  const withEosio: ViewContext = { ...ctx, abi: async (c, account) => (account === 'eosio' ? eosio : ctx.abi(c, account)) };
  const code = readFileSync(join(ROOT, 'build/contracts/dpay/dpay.wasm'));
  const authorization = [{ actor: 'dpay.token', permission: 'active' }];
  const asTest = (a: Action) => ({ account: 'eosio', name: a.name.toString(), actor: 'dpay.token', data: a.data });
  const setcode = Action.from(
    { account: 'eosio', name: 'setcode', authorization, data: { account: 'dpay.token', vmtype: 0, vmversion: 0, code } },
    eosio,
  );
  const setabi = (abi: Uint8Array) =>
    Action.from({ account: 'eosio', name: 'setabi', authorization, data: { account: 'dpay.token', abi } }, eosio);
  const v = await buildSigningView(request(packTransaction([asTest(setcode), asTest(setabi(dpay.abi.toBinary()))])), withEosio);
  assert.is(v.undecodable, false);
  const field = (i: number, name: string) => v.actions[i]!.fields.find((f) => f.name === name)?.value;
  assert.is(field(0, 'code sha256'), createHash('sha256').update(code).digest('hex'));
  assert.is(field(0, 'code size'), `${code.length} bytes`);
  assert.is(field(1, 'abi actions'), 'create, issue, retire, transfer, open, close');
  assert.match(field(1, 'abi tables') ?? '', /accounts/);

  const broken = await buildSigningView(request(packTransaction([asTest(setabi(new Uint8Array([0xff, 1, 2])))])), withEosio);
  assert.is(broken.undecodable, true);
  assert.match(broken.actions[0]!.undecodable ?? '', /the ABI in setabi does not decode/);
});

// eosio.msig::approve: an app granted dmcs.push on it asks the vault to approve a proposal; the
// dialog must show what the proposal would do (read from the chain), and refuse by default an
// approval that is not pinned to the proposal shown.
const msig = new AbiSerializer(Abi.from(JSON.parse(readFileSync(join(ROOT, 'build/contracts/msig/msig.abi'), 'utf8'))));
const drain = packTransaction([
  { account: 'dpay.token', name: 'transfer', actor: 'alice', data: transferData('alice', 'mallory', '900.0000 RSN', 'drain') },
]);
const drainHash = createHash('sha256').update(drain).digest('hex');
const msigCtx = (proposals: Record<string, Uint8Array>): ViewContext => ({
  ...ctx,
  abi: async (c, account) => (account === 'eosio.msig' ? msig : ctx.abi(c, account)),
  proposal: async (c, proposer, name) => {
    const p = proposals[`${proposer}/${name}`];
    if (!p) return ctx.proposal(c, proposer, name);
    return p;
  },
});
function approve(hash?: string) {
  const data: Record<string, unknown> = { proposer: 'mallory', proposal_name: 'payday', level: { actor: 'alice', permission: 'active' } };
  if (hash) data.proposal_hash = hash;
  const a = Action.from({ account: 'eosio.msig', name: 'approve', authorization: [{ actor: 'alice', permission: 'active' }], data }, msig);
  return { account: 'eosio.msig', name: 'approve', actor: 'alice', data: a.data };
}

test("an approve pinned to a proposal that drains 900 RSN: the dialog shows the drain's transfer fields and the proposal's hash", async () => {
  const v = await buildSigningView(request(packTransaction([approve(drainHash)])), msigCtx({ 'mallory/payday': drain }));
  assert.is(v.undecodable, false);
  const p = v.actions[0]!.proposal;
  assert.ok(p, 'the approve shows the proposal it approves');
  assert.is(p!.hash, drainHash);
  assert.is(p!.pinned, drainHash);
  assert.is(`${p!.proposer}/${p!.name}`, 'mallory/payday');
  const [t] = p!.actions;
  assert.is(`${t!.contract}::${t!.action}`, 'dpay.token::transfer');
  assert.equal(
    t!.fields.map((f) => [f.name, f.value]),
    [
      ['from', 'alice'],
      ['to', 'mallory'],
      ['quantity', '900.0000 RSN'],
      ['memo', 'drain'],
    ],
  );
});

test('an approve without proposal_hash is undecodable: not pinned, the proposer can swap the proposal after approval', async () => {
  const v = await buildSigningView(request(packTransaction([approve()])), msigCtx({ 'mallory/payday': drain }));
  assert.is(v.undecodable, true);
  assert.match(v.summary[0]!, /not pinned/);
  assert.match(v.actions[0]!.proposal!.problem!, /not pinned/);
  assert.is(v.actions[0]!.proposal!.actions[0]!.fields[2]!.value, '900.0000 RSN', 'the proposal is still shown');
});

test('an approve whose proposal_hash is not the proposal shown is undecodable: it approves another version', async () => {
  const harmless = packTransaction([transfer('0.0001 RSN')]);
  const pinnedToHarmless = createHash('sha256').update(harmless).digest('hex');
  const v = await buildSigningView(request(packTransaction([approve(pinnedToHarmless)])), msigCtx({ 'mallory/payday': drain }));
  assert.is(v.undecodable, true);
  assert.match(v.summary[0]!, /another version/);
});

test('an approve whose proposal cannot be read, or does not decode, is undecodable', async () => {
  const missing = await buildSigningView(request(packTransaction([approve(drainHash)])), msigCtx({}));
  assert.is(missing.undecodable, true);
  assert.match(missing.summary[0]!, /payday by mallory cannot be read/);
  const garbage = await buildSigningView(
    request(packTransaction([approve(drainHash)])),
    msigCtx({ 'mallory/payday': new Uint8Array([1, 2, 3]) }),
  );
  assert.is(garbage.undecodable, true);
  assert.match(garbage.summary[0]!, /cannot be read or decoded/);
});

test("a proposal's actions inside eosio.wrap::exec are shown, and all proposals' actions together are bounded as the dialog's own", async () => {
  const w = new BinaryWriter();
  Name.from('eosio.wrap').encode(w);
  w.raw(drain);
  const wrapped = packTransaction([{ account: 'eosio.wrap', name: 'exec', actor: 'eosio.wrap', data: w.finish() }]);
  const v = await buildSigningView(
    request(packTransaction([approve(createHash('sha256').update(wrapped).digest('hex'))])),
    msigCtx({ 'mallory/payday': wrapped }),
  );
  const shown = v.actions[0]!.proposal!.actions;
  assert.is(shown.length, 2);
  assert.is(shown[1]!.wrapped, 1);
  assert.is(shown[1]!.fields[2]!.value, '900.0000 RSN');

  const many = packTransaction(Array.from({ length: MAX_DIALOG_ACTIONS + 5 }, () => transfer('1.0000 RSN')));
  const big = await buildSigningView(
    request(packTransaction([approve(createHash('sha256').update(many).digest('hex'))])),
    msigCtx({ 'mallory/payday': many }),
  );
  assert.is(big.actions[0]!.proposal!.actions.length, MAX_DIALOG_ACTIONS);
  assert.is(big.undecodable, true);
  assert.match(big.summary[0]!, /5 more actions are not shown/);
});

test('a dialog of 32 approves of one proposal of 10,000 actions: the proposal is read once, and only the shown actions are decoded', async () => {
  // the attack: a proposal of 10,000 small actions (670 KB, within a DMCS reply), and a request of
  // MAX_DIALOG_ACTIONS approves of it: each approve read the row again and decoded every action
  // before keeping 32 (32 rows, 320,032 actions decoded, 693 ms: /tmp/audit-console/proposal/repro.mjs)
  const n = 10_000;
  const huge = packTransaction(Array.from({ length: n }, () => transfer('0.0001 RSN')));
  const hash = createHash('sha256').update(huge).digest('hex');
  let rows = 0;
  const counting: ViewContext = {
    ...msigCtx({ 'mallory/payday': huge }),
    proposal: async (c, proposer, name) => {
      rows++;
      return msigCtx({ 'mallory/payday': huge }).proposal(c, proposer, name);
    },
  };
  let decoded = 0;
  const decode = Action.decode;
  Action.decode = (r) => {
    decoded++;
    return decode(r);
  };
  try {
    const v = await buildSigningView(request(packTransaction(Array.from({ length: MAX_DIALOG_ACTIONS }, () => approve(hash)))), counting);
    assert.is(rows, 1, 'one read of the proposal for the whole dialog');
    assert.ok(decoded <= 2 * MAX_DIALOG_ACTIONS, `${decoded} actions decoded`);
    const shown = v.actions.map((a) => a.proposal!.actions.length);
    assert.is(shown[0], MAX_DIALOG_ACTIONS, 'the first approve shows the cap');
    assert.ok(
      shown.slice(1).every((k) => k === 0),
      'the others share the same budget',
    );
    assert.is(v.undecodable, true);
    assert.match(v.actions[0]!.proposal!.problem!, `${n - MAX_DIALOG_ACTIONS} more actions are not shown`);
    assert.match(v.actions[1]!.proposal!.problem!, `${n} more actions are not shown`);
    assert.is(v.actions[0]!.proposal!.hash, hash);
  } finally {
    Action.decode = decode;
  }
});

test('proposals read once each: two proposals, each approved twice, are two reads; a bad one is refused at every approve', async () => {
  const calls: string[] = [];
  const other = packTransaction([transfer('0.0001 RSN')]);
  const proposals: Record<string, Uint8Array> = {
    'mallory/payday': drain,
    'mallory/other': other,
    'mallory/bad': new Uint8Array([1, 2, 3]),
  };
  const counting: ViewContext = {
    ...msigCtx(proposals),
    proposal: async (c, proposer, name) => {
      calls.push(`${proposer}/${name}`);
      return msigCtx(proposals).proposal(c, proposer, name);
    },
  };
  const named = (proposal: string, bytes: Uint8Array) => {
    const data = {
      proposer: 'mallory',
      proposal_name: proposal,
      level: { actor: 'alice', permission: 'active' },
      proposal_hash: createHash('sha256').update(bytes).digest('hex'),
    };
    const a = Action.from(
      { account: 'eosio.msig', name: 'approve', authorization: [{ actor: 'alice', permission: 'active' }], data },
      msig,
    );
    return { account: 'eosio.msig', name: 'approve', actor: 'alice', data: a.data };
  };
  const list = [
    named('payday', drain),
    named('other', other),
    named('payday', drain),
    named('other', other),
    named('bad', drain),
    named('bad', drain),
  ];
  const v = await buildSigningView(request(packTransaction(list)), counting);
  assert.equal(calls.sort(), ['mallory/bad', 'mallory/other', 'mallory/payday']);
  assert.is(v.actions[2]!.proposal!.actions[0]!.fields[2]!.value, '900.0000 RSN', 'a proposal read before is shown again');
  assert.match(v.actions[4]!.proposal!.problem!, /cannot be read or decoded/);
  assert.match(v.actions[5]!.proposal!.problem!, /cannot be read or decoded/);
});

test('a proposal whose bytes past the shown actions are not a transaction is still refused (walked, not trusted)', async () => {
  const many = packTransaction(Array.from({ length: MAX_DIALOG_ACTIONS + 3 }, () => transfer('1.0000 RSN')));
  for (const broken of [Buffer.concat([many, Buffer.from([0])]), many.subarray(0, many.length - 10)]) {
    const v = await buildSigningView(
      request(packTransaction([approve(createHash('sha256').update(broken).digest('hex'))])),
      msigCtx({ 'mallory/payday': broken }),
    );
    assert.is(v.undecodable, true);
    assert.match(v.summary[0]!, /cannot be read or decoded/);
  }
});

test('a proposal wrapped in eosio.wrap::exec past the cap: the wrapped actions not shown are counted too', async () => {
  const inner = packTransaction(Array.from({ length: MAX_DIALOG_ACTIONS + 5 }, () => transfer('1.0000 RSN')));
  const w = new BinaryWriter();
  Name.from('eosio.wrap').encode(w);
  w.raw(inner);
  const wrapped = packTransaction([{ account: 'eosio.wrap', name: 'exec', actor: 'eosio.wrap', data: w.finish() }]);
  const v = await buildSigningView(
    request(packTransaction([approve(createHash('sha256').update(wrapped).digest('hex'))])),
    msigCtx({ 'mallory/payday': wrapped }),
  );
  const p = v.actions[0]!.proposal!;
  assert.is(p.actions.length, MAX_DIALOG_ACTIONS);
  assert.is(p.actions[1]!.wrapped, 1);
  assert.match(p.problem!, /6 more actions are not shown/);
});

test.run();
