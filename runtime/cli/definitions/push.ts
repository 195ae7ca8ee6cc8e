/** `peeros push`: what it is called, takes and says in `--help` (the command itself: ../commands/push.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'push',
  summary: 'push an action to the chain, signed through the vault, as cleos push action does',
  subcommands: [
    {
      name: 'action',
      args: 'CONTRACT ACTION JSON -p ACTOR[@PERM]',
      description:
        "serializes JSON (the action's data, or '[…]' in field order) with CONTRACT's ABI from the chain, shows the decoded action for your approval, signs with the vault keys ACTOR@PERM (default permission active) names, pushes it and prints the transaction id and the actions it ran (the whole reply with --json). -p may be given several times",
      flags: [
        { name: 'permission', type: 'string', value: 'ACTOR[@PERM]', description: 'the authorization, as -p (cleos --permission)' },
        { ...JSON_FLAG, description: "print the node's whole reply (transaction id and trace) as JSON" },
        { name: 'dont-broadcast', type: 'boolean', description: 'sign and print the push_transaction body, do not push it (cleos -d)' },
        {
          name: 'skip-sign',
          type: 'boolean',
          description: 'do not sign (no vault needed); with -d prints the unsigned transaction (cleos -s)',
        },
        {
          name: 'expiration',
          type: 'string',
          value: 'SECONDS',
          description: 'the transaction expires this many seconds from now (cleos -x; default 30)',
        },
      ],
      sharedFlags: true,
    },
  ],
  flags: [...CHAIN_FLAGS, ...VAULT_FLAGS],
  notes: `Short forms as in cleos: -p ACTOR[@PERM], -d, -s, -x SECONDS, -j (--json).
Differences from cleos: the signing keys come from the vault (no keosd), and the vault shows the
decoded action and asks before it signs (--yes approves without asking, for scripts).`,
};
