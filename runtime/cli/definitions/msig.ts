/** `peeros msig`: what it is called, takes and says in `--help` (the command itself: ../commands/msig.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

const P_FLAG = { name: 'permission', type: 'string', value: 'ACTOR[@PERM]', description: 'who signs, as -p (cleos --permission)' } as const;
const PUSH_FLAGS = [P_FLAG, { ...JSON_FLAG, description: "print the node's whole reply as JSON" }];

export const definition: CommandDefinition = {
  name: 'msig',
  summary: 'multisig proposals on eosio.msig, as cleos multisig does (propose, review, approve, unapprove, cancel, exec)',
  subcommands: [
    {
      name: 'propose',
      args: 'NAME CONTRACT ACTION JSON --requested ACTOR@PERM,… -p PROPOSER',
      description:
        "proposes a transaction of one action (JSON serialized with CONTRACT's ABI from the chain) as proposal NAME of PROPOSER; it runs once the requested permissions' approvals satisfy its authorization. The action is authorized by --auth (default: the requested permissions)",
      flags: [
        { name: 'requested', type: 'string', value: 'ACTOR@PERM,…', description: 'the permissions whose approval the proposal asks for' },
        { name: 'auth', type: 'string', value: 'ACTOR@PERM,…', description: "the inner action's authorization (default: --requested)" },
        { name: 'expire-hours', type: 'string', value: 'N', description: 'the proposed transaction expires N hours from now (default 24)' },
        ...PUSH_FLAGS,
      ],
      sharedFlags: true,
    },
    {
      name: 'review',
      args: 'PROPOSER NAME',
      description:
        "the proposal: its transaction with each action decoded by its contract's ABI (eosio.wrap's inner transaction too), its hash, and the approvals requested and given so far",
      flags: [JSON_FLAG],
      sharedFlags: true,
    },
    {
      name: 'approve',
      args: 'PROPOSER NAME -p ACTOR[@PERM]',
      description:
        "approves the proposal as ACTOR@PERM (one of its requested permissions): the vault is shown the proposal's transaction decoded, and the approval is pinned to its hash, so it counts for that transaction only",
      flags: [
        {
          name: 'proposal-hash',
          type: 'string',
          value: 'HEX',
          description:
            "approve only if the proposal's transaction still has this sha256 (as review prints it); else PROPOSAL_CHANGED, before anything is signed",
        },
        ...PUSH_FLAGS,
      ],
      sharedFlags: true,
    },
    {
      name: 'unapprove',
      args: 'PROPOSER NAME -p ACTOR[@PERM]',
      description: 'withdraws the approval ACTOR@PERM gave',
      flags: PUSH_FLAGS,
      sharedFlags: true,
    },
    {
      name: 'cancel',
      args: 'PROPOSER NAME -p CANCELER',
      description: 'removes the proposal: the proposer at any time, anyone once its transaction has expired',
      flags: PUSH_FLAGS,
      sharedFlags: true,
    },
    {
      name: 'exec',
      args: 'PROPOSER NAME -p EXECUTER',
      description: "runs the proposal's transaction if the approvals satisfy its authorization, then removes the proposal",
      flags: PUSH_FLAGS,
      sharedFlags: true,
    },
    {
      name: 'invalidate',
      args: '-p ACCOUNT',
      description: 'every approval ACCOUNT has given so far stops counting (in proposals not yet executed)',
      flags: PUSH_FLAGS,
      sharedFlags: true,
    },
  ],
  flags: [...CHAIN_FLAGS, ...VAULT_FLAGS],
  notes: `Short forms as in cleos: -p ACTOR[@PERM], -j (--json).
The multisig contract is eosio.msig (ours, built from contracts/msig, or Leap's: the same actions
and tables). Differences from cleos: the proposal holds one action (cleos propose_trx takes a whole
transaction); keys come from the vault, which shows the decoded actions before it signs.`,
};
