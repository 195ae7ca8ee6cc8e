/** `peeros key`: what it is called, takes and says in `--help` (the command itself: ../commands/key.ts). */
import type { CommandDefinition, FlagDefinition } from '../command-definition.js';
import { VAULT_FLAGS } from '../shared-flags.js';
import { JSON_FLAG } from '../json-output.js';

const LABEL: FlagDefinition = { name: 'label', type: 'string', value: 'L', description: 'a label for the key, shown by list' };

export const definition: CommandDefinition = {
  name: 'key',
  summary: 'the Secure Key Vault: create, import, list, export keys; unlock, lock, status',
  description: `The Secure Key Vault: private keys encrypted at rest in $PEEROS_HOME/vault/keystore
(scrypt + AES-256-GCM); they are decrypted only inside the vault worker.`,
  subcommands: [
    {
      name: 'create',
      description: 'create a new K1 key (creates the keystore if there is none)',
      flags: [LABEL, { ...JSON_FLAG, description: 'print {"publicKey","label",…} as JSON' }],
      sharedFlags: true,
    },
    {
      name: 'import',
      description: 'import a private key (PVT_K1_… or WIF) read from stdin (a hidden prompt on a terminal) or --key-file — never from argv',
      flags: [
        { name: 'key-file', type: 'string', value: 'F', description: 'read the private key from the file F' },
        LABEL,
        { ...JSON_FLAG, description: 'print {"publicKey","label",…} as JSON' },
      ],
      sharedFlags: true,
    },
    {
      name: 'list',
      description: 'the public keys',
      flags: [{ ...JSON_FLAG, description: 'print [{"publicKey","label","created"}] as JSON (PUB_K1_… form)' }],
      sharedFlags: true,
    },
    {
      name: 'export',
      args: 'PUBKEY',
      description: 'print one PRIVATE key in clear; asks for the passphrase and your confirmation',
      sharedFlags: true,
    },
    { name: 'unlock', description: 'check the passphrase and report the keys it opens', sharedFlags: true },
    { name: 'lock', description: 'lock (see below)' },
    {
      name: 'status',
      description: 'keystore state, key count, wrong-passphrase backoff',
      flags: [{ ...JSON_FLAG, description: 'print the status, with "keystorePath", as JSON' }],
    },
  ],
  flags: VAULT_FLAGS,
  flagsHeading: 'options of create, import, list, export and unlock:',
  notes: `The passphrase is otherwise taken from $PEEROS_PASSPHRASE, or asked on the terminal.

One-shot and long-running: each 'peeros key' process unlocks, works and exits, so its decrypted keys
never outlive it. 'unlock' therefore verifies the passphrase and reports; it does not leave a
session behind. A long-running host process unlocks once and holds the session until it locks
itself after the idle timeout (default 15 min); 'lock' here has no session to end and says so.
Wrong passphrases are delayed exponentially, also across restarts.`,
};
