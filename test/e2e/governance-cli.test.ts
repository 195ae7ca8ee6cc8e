// The freeze of a hijacked account through the real CLI: `peeros gov freeze` proposes (signed by a
// producer's key in the vault), `peeros msig review` shows the wrapped updateauths decoded and the
// proposal's hash, `peeros msig approve --proposal-hash` adds the proposer's approval to 13 others
// (pushed with wharfkit), `peeros msig exec` is refused at 14 and runs at 15; alice's permissions
// are then eosio.prods@active. The chain: test/dmcs/governed-chain.ts (21 producers, our msig/wrap).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { type PrivateKey, Serializer, Transaction } from '@wharfkit/antelope';
import { KEYS, PRODUCERS, startGovernedChain, type GovernedChain } from '../dmcs/governed-chain.js';
import { errorName } from '../dmcs/helpers.js';
import { peerosMeasured } from './measured-cli.js';
import { PASS, tempHome } from './world.js';

let g: GovernedChain;
let home: string;
const proposer = PRODUCERS[0]!;

const peeros = (args: string[], stdin?: string) =>
  peerosMeasured([...args, '--url', g.dn.node.endpoint!], { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS }, undefined, 60_000, stdin);
async function ok(...args: string[]): Promise<string> {
  const r = await peeros(args);
  assert.is(r.code, 0, `peeros ${args.join(' ')}: ${r.err}`);
  return r.out;
}
const approveWithWharfkit = (who: string, key: PrivateKey, proposal = 'frzalice') =>
  g.act(
    'eosio.msig',
    'approve',
    `${who}@active`,
    { proposer: proposer.name, proposal_name: proposal, level: { actor: who, permission: 'active' } },
    key,
    g.msig.abi,
  );

test.before(async () => {
  g = await startGovernedChain();
  home = tempHome('gov-cli');
  const r = await peerosMeasured(
    ['key', 'import', '--label', 'producera'],
    { PEEROS_HOME: home, PEEROS_PASSPHRASE: PASS },
    undefined,
    60_000,
    proposer.key.toString(),
  );
  assert.is(r.code, 0, r.err);
});
test.after(async () => {
  await g?.dn.close();
  rmSync(home, { recursive: true, force: true });
});

test('gov freeze → msig review → approve (hash pinned) → exec: refused at 14 approvals, runs at 15', async () => {
  assert.match(await ok('gov', 'freeze', 'alice', '-p', proposer.name, '--proposal', 'frzalice', '--yes'), /proposed producera\/frzalice/);

  const review = JSON.parse(await ok('msig', 'review', proposer.name, 'frzalice', '--json'));
  assert.is(review.requested_approvals.length, 21, 'every active producer is requested');
  const wrapExec = review.transaction.actions[0];
  assert.is(`${wrapExec.account}::${wrapExec.name}`, 'eosio.wrap::exec');
  const updates = wrapExec.wrapped.actions;
  assert.equal(
    updates.map((a: { name: string; data: { permission: string } }) => `${a.name}:${a.data.permission}`),
    ['updateauth:owner', 'updateauth:active'],
  );
  assert.is(updates[0].data.auth.accounts[0].permission.actor, 'eosio.prods');
  assert.match(await ok('msig', 'review', proposer.name, 'frzalice'), /eosio\.wrap::exec/);

  for (const p of PRODUCERS.slice(1, 14)) await approveWithWharfkit(p.name, p.key);
  await ok('msig', 'approve', proposer.name, 'frzalice', '-p', proposer.name, '--proposal-hash', review.proposal_hash, '--yes');
  const early = await peeros(['msig', 'exec', proposer.name, 'frzalice', '-p', proposer.name, '--yes']);
  assert.is.not(early.code, 0);
  assert.match(early.err, /transaction authorization failed/);

  await approveWithWharfkit(PRODUCERS[14]!.name, PRODUCERS[14]!.key);
  assert.match(await ok('msig', 'exec', proposer.name, 'frzalice', '-p', proposer.name, '--yes'), /exec producera\/frzalice/);
  const alice = await g.dn.client.v1.chain.get_account('alice');
  for (const perm of alice.permissions) {
    assert.equal(
      perm.required_auth.accounts.map((a) => String(a.permission.actor)),
      ['eosio.prods'],
    );
  }
});

test('gov rekey: the producers give the frozen alice a new key; her old key is refused, the new one transfers', async () => {
  const fresh = String(KEYS.aliceNew.toPublic());
  const bad = await peeros(['gov', 'rekey', 'alice', '--owner', 'PUB_K1_nonsense', '-p', proposer.name, '--yes']);
  assert.is(bad.code, 2, 'a malformed key is a usage error');
  await ok('gov', 'rekey', 'alice', '--owner', fresh, '-p', proposer.name, '--proposal', 'rkalice', '--yes');
  for (const p of PRODUCERS.slice(0, 15)) await approveWithWharfkit(p.name, p.key, 'rkalice');
  await ok('msig', 'exec', proposer.name, 'rkalice', '-p', proposer.name, '--yes');
  assert.is(await errorName(g.transfer('alice', 'bob', '1.0000 RSN', KEYS.alice)), 'unsatisfied_authorization');
  await g.transfer('alice', 'bob', '1.0000 RSN', KEYS.aliceNew);
  assert.is(await g.balance('alice'), '999.0000 RSN');
});

test('a proposer swaps the proposal after review: approve shows the verifier what it approves, pins its hash, refuses a stale --proposal-hash', async () => {
  // the attack: producerb proposes a tip from producera, producera reviews it; producerb cancels
  // and proposes a drain under the same name; producera approves "the proposal it reviewed".
  // Before, the vault was shown only "eosio.msig::approve producerb swap" and the approval counted
  // for whatever the proposal held when it landed.
  const attacker = PRODUCERS[1]!;
  const transfer = (quantity: string, memo: string) => ({
    account: 'eosio.token',
    name: 'transfer',
    authorization: [{ actor: proposer.name, permission: 'active' }],
    data: Serializer.encode({ object: { from: proposer.name, to: 'mallory', quantity, memo }, abi: g.token.abi, type: 'transfer' })
      .hexString,
  });
  const proposeSwap = async (quantity: string, memo: string) => {
    const info = await g.dn.client.v1.chain.get_info();
    await g.act(
      'eosio.msig',
      'propose',
      `${attacker.name}@active`,
      {
        proposer: attacker.name,
        proposal_name: 'swap',
        requested: [{ actor: proposer.name, permission: 'active' }],
        trx: Transaction.from({ ...info.getTransactionHeader(3600), actions: [transfer(quantity, memo)] }),
      },
      attacker.key,
      g.msig.abi,
    );
  };
  await proposeSwap('0.0001 RSN', 'tip');
  const reviewed = JSON.parse(await ok('msig', 'review', attacker.name, 'swap', '--json'));
  assert.is(reviewed.transaction.actions[0].data.quantity, '0.0001 RSN');
  await g.act(
    'eosio.msig',
    'cancel',
    `${attacker.name}@active`,
    { proposer: attacker.name, proposal_name: 'swap', canceler: attacker.name },
    attacker.key,
    g.msig.abi,
  );
  await proposeSwap('900.0000 RSN', 'drain');
  const now = JSON.parse(await ok('msig', 'review', attacker.name, 'swap', '--json'));
  assert.is.not(now.proposal_hash, reviewed.proposal_hash);

  // the hash of what was reviewed: refused before the vault is asked, naming the change
  const stale = await peeros([
    'msig',
    'approve',
    attacker.name,
    'swap',
    '-p',
    proposer.name,
    '--proposal-hash',
    reviewed.proposal_hash,
    '--yes',
  ]);
  assert.is.not(stale.code, 0);
  assert.match(stale.err, /PROPOSAL_CHANGED/);
  assert.match(stale.err, new RegExp(now.proposal_hash));

  // no hash given: the verifier is shown the transaction approved (no terminal here, so it refuses after showing it)
  const shown = await peeros(['msig', 'approve', attacker.name, 'swap', '-p', proposer.name]);
  assert.is.not(shown.code, 0);
  assert.match(shown.err, /approving proposal producerb\/swap \(hash [0-9a-f]{64}\)/);
  assert.match(shown.err, new RegExp(`hash ${now.proposal_hash}`));
  assert.match(shown.err, /eosio\.token::transfer by producera@active/);
  assert.match(shown.err, /quantity: 900\.0000 RSN/);
  assert.match(shown.err, /memo: drain/);

  // approved: the approval carries the hash of what was shown (the chain refuses it for any other transaction)
  const approved = await ok('msig', 'approve', attacker.name, 'swap', '-p', proposer.name, '--yes', '--json');
  assert.ok(approved.includes(now.proposal_hash), 'the pushed approve pins the hash shown');
  const after = JSON.parse(await ok('msig', 'review', attacker.name, 'swap', '--json'));
  assert.equal(
    after.provided_approvals.map((l: { actor: string }) => l.actor),
    [proposer.name],
  );
});

test.run();
