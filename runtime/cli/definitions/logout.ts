/** `peeros logout`: what it is called, takes and says in `--help` (the command itself: ../commands/logout.ts). */
import type { CommandDefinition } from '../command-definition.js';

export const definition: CommandDefinition = {
  name: 'logout',
  summary: 'end the session: apps no longer run as an account',
  description: `Ends the session started by 'peeros login'. Apps then get "no-session" from the ual ISA and
cannot push transactions until someone logs in again. Keys stay in the vault.`,
};
