// `msig approve` pins the hash of the transaction it showed the vault (runtime/cli/msig-proposal.ts
// approvalPins): with our eosio.msig's ABI the hash is the action's last 32 bytes; with an ABI
// whose approve has no proposal_hash (an older eosio.msig) the serializer drops the field without a
// word, and the approval would count for whatever the proposal holds: approvalPins says so, and
// `msig approve` then says NOT pinned to the verifier (or refuses --proposal-hash: PROPOSAL_NOT_PINNED).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Abi, AbiSerializer, Action } from '../../../abi/antelope/index.js';
import { approvalPins } from '../../../runtime/cli/msig-proposal.js';
import { ROOT } from '../../isa/paths.js';

const HASH = 'ab'.repeat(32);
const abiJson = JSON.parse(readFileSync(join(ROOT, 'build/contracts/msig/msig.abi'), 'utf8')) as {
  structs: Array<{ name: string; fields: Array<{ name: string }> }>;
};
const approve = (abi: typeof abiJson, hash = HASH) =>
  Action.from(
    {
      account: 'eosio.msig',
      name: 'approve',
      authorization: [{ actor: 'producera', permission: 'active' }],
      data: { proposer: 'producerb', proposal_name: 'swap', level: { actor: 'producera', permission: 'active' }, proposal_hash: hash },
    },
    new AbiSerializer(Abi.from(abi as Parameters<typeof Abi.from>[0])),
  );

test('our eosio.msig ABI carries the hash: pinned; another hash is not this one', () => {
  assert.ok(approvalPins(approve(abiJson), HASH));
  assert.not.ok(approvalPins(approve(abiJson), 'cd'.repeat(32)));
});

test('an approve ABI without proposal_hash drops it silently: not pinned', () => {
  const legacy = structuredClone(abiJson);
  const st = legacy.structs.find((s) => s.name === 'approve')!;
  st.fields = st.fields.filter((f) => f.name !== 'proposal_hash');
  const a = approve(legacy);
  assert.is(a.data.length, 32, 'the serializer dropped the field without an error');
  assert.not.ok(approvalPins(a, HASH));
});

test.run();
