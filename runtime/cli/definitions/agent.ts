/** `peeros agent`: what it is called, takes and says in `--help` (the command itself: ../commands/agent.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';

export const definition: CommandDefinition = {
  name: 'agent',
  summary: 'serve the vault to Antelope tools with the keosd wallet API (cleos --wallet-url)',
  description: `Unlocks the vault and serves keosd's /v1/wallet/* API until Ctrl-C. Point cleos at it:
  cleos --wallet-url unix://$PEEROS_HOME/agent.sock push action …
Every sign_transaction is shown decoded and asked on this terminal (--yes: approve all, for tests).
The vault is one wallet named "peeros"; list_keys, create and import_key are refused (keys never
leave the vault; manage them with 'peeros key').`,
  flags: [
    {
      name: 'socket',
      type: 'string',
      value: 'PATH',
      description: 'the Unix socket, 0600 (default $PEEROS_HOME/agent.sock); not in a folder others may write in without the sticky bit',
    },
    {
      name: 'listen',
      type: 'string',
      value: 'HOST:PORT',
      description: `also serve loopback TCP; requests need the token of $PEEROS_HOME/agent.token in the X-Peeros-Agent-Token header`,
    },
    { name: 'unlock-timeout', type: 'string', value: 'S', description: 'lock the vault after S idle seconds (default 900)' },
    ...CHAIN_FLAGS,
    ...VAULT_FLAGS,
  ],
};
