/** `peeros gov`: what it is called, takes and says in `--help` (the command itself: ../commands/gov.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

const PROPOSAL_FLAGS = [
  { name: 'permission', type: 'string', value: 'PROPOSER', description: 'the proposer, as -p (a producer, usually)' },
  {
    name: 'proposal',
    type: 'string',
    value: 'NAME',
    description: 'the proposal name (default: freeze/rekey and the time, e.g. frz1k2j3a4b5)',
  },
  { name: 'expire-hours', type: 'string', value: 'N', description: 'the proposal expires N hours from now (default 72)' },
  { ...JSON_FLAG, description: "print the node's whole reply as JSON" },
] as const;

export const definition: CommandDefinition = {
  name: 'gov',
  summary: 'governance rescue proposals for the producers to approve: freeze or rekey a hijacked account',
  subcommands: [
    {
      name: 'freeze',
      args: 'ACCOUNT -p PROPOSER',
      description:
        "proposes, through eosio.wrap, to set ACCOUNT's owner and active permissions to eosio.prods@active, requesting every active producer's approval: once 2/3+1 of them approve (15 of 21) and someone execs it, only the producers can act for ACCOUNT",
      flags: [...PROPOSAL_FLAGS],
      sharedFlags: true,
    },
    {
      name: 'rekey',
      args: 'ACCOUNT --owner PUB --active PUB -p PROPOSER',
      description:
        "proposes, through eosio.wrap, to give ACCOUNT's owner and active permissions one new key each (the owner's recovery after a freeze or a lost key)",
      flags: [
        { name: 'owner', type: 'string', value: 'PUB', description: 'the new owner key (PUB_K1_… or EOS…)' },
        { name: 'active', type: 'string', value: 'PUB', description: 'the new active key (default: the owner key)' },
        ...PROPOSAL_FLAGS,
      ],
      sharedFlags: true,
    },
  ],
  flags: [...CHAIN_FLAGS, ...VAULT_FLAGS],
  notes: `Then: peeros msig review PROPOSER NAME; each producer: peeros msig approve PROPOSER NAME -p PRODUCER;
anyone: peeros msig exec PROPOSER NAME -p ACCOUNT. Needs eosio.msig and eosio.wrap deployed and
privileged, and eosio.wrap's permissions held by eosio.prods@active (docs/governance.md).`,
};
