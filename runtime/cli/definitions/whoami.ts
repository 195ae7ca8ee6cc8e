/** `peeros whoami`: what it is called, takes and says in `--help` (the command itself: ../commands/whoami.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'whoami',
  summary: 'the logged-in account, the DMCS it is on, and the state of the vault',
  description: `Shows the account apps run as (from 'peeros login'; none after 'peeros logout'), the DMCS it
lives on (else the default DMCS), and the vault's keystore: present, missing or corrupt, how many
keys, wrong passphrases in a row. Reads files only: no passphrase, no network.`,
  flags: [
    {
      ...JSON_FLAG,
      description:
        'print {"account","permission","keys","loggedInAt","sessionError","dmcs","vault"} as JSON; "dmcs" is {"name","url","chainId","default"} or null, "vault" is {"keystore","keystorePath","keyCount","failures","retryAfterMs"}',
    },
  ],
};
