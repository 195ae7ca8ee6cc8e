/** `peeros account`: what it is called, takes and says in `--help` (the command itself: ../commands/account.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CONTEXT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'account',
  summary: 'create an account on the current DMCS',
  subcommands: [
    {
      name: 'create',
      args: 'NAME',
      description:
        "creates the Antelope account NAME on the DMCS with eosio::newaccount, signed by the creator's active keys from the vault (default creator: eosio — on a --dev node, import the well-known dev key into the vault first). Owner and active of NAME are the one key --key (PUB_K1_… or EOS…); without --key the vault creates a new key, labelled NAME, and uses it.",
      flags: [
        { name: 'key', type: 'string', value: 'PUB', description: 'public key for owner and active' },
        { name: 'creator', type: 'string', value: 'ACCOUNT', description: 'who creates and pays (default eosio)' },
        { ...JSON_FLAG, description: 'print {"account","key","creator","transactionId","blockNum"} as JSON (the full transaction id)' },
      ],
      sharedFlags: true,
    },
  ],
  flags: CONTEXT_FLAGS,
};
