/** `peeros login`: what it is called, takes and says in `--help` (the command itself: ../commands/login.ts). */
import type { CommandDefinition } from '../command-definition.js';
import { CONTEXT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

export const definition: CommandDefinition = {
  name: 'login',
  summary: 'log in as an account (single account model): prove control of ACCOUNT@active',
  args: 'ACCOUNT',
  description: `Logs this host in as ACCOUNT (single account model): every app then runs as ACCOUNT. The vault
signs a fresh challenge with the keys that satisfy ACCOUNT@active on the DMCS (after you approve
it), and the host checks those signatures against the account's authority as the DMCS reports it.
The session lasts until 'peeros logout'. The challenge cannot execute on any chain.`,
  flags: [...CONTEXT_FLAGS, { ...JSON_FLAG, description: 'print {"account","permission","dmcs","chainId","keys","loggedInAt"} as JSON' }],
};
