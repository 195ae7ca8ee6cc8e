/**
 * The flags several commands share, as data: their definitions (../definitions/) read them here, so
 * that `--help` loads none of the modules that act on them (vault-unlock.ts, cli-context.ts,
 * chain-target.ts, store-view.ts).
 */
import type { FlagDefinition } from './command-definition.js';
import { DEFAULT_STORE_ACCOUNT } from '../store/store-account.js';

/** The flags that say how to unlock the vault: every command that unlocks it takes them. */
export const VAULT_FLAGS: FlagDefinition[] = [
  {
    name: 'passphrase-file',
    type: 'string',
    value: 'PATH',
    description: 'read the vault passphrase from the first line of PATH (else $PEEROS_PASSPHRASE, else the terminal asks)',
  },
  {
    name: 'yes',
    type: 'boolean',
    description: 'DANGEROUS: approve without asking (auto-approve verifier for this one command); for scripts only',
  },
];

/** Flags every session command accepts. */
export const CONTEXT_FLAGS: FlagDefinition[] = [
  { name: 'dmcs', type: 'string', value: 'NAME', description: "the DMCS to use (default: the registry's default; see 'peeros dmcs list')" },
  ...VAULT_FLAGS,
];

export const CHAIN_FLAGS: FlagDefinition[] = [
  {
    name: 'url',
    type: 'string',
    value: 'URL',
    description: "the chain API endpoint (cleos -u); default: the registry's DMCS (see 'peeros dmcs list')",
  },
  { name: 'dmcs', type: 'string', value: 'NAME', description: 'the registered DMCS to use instead of the default' },
];

export const STORE_FLAG: FlagDefinition = {
  name: 'store',
  type: 'string',
  value: 'ACCOUNT',
  description: `the account of the dAppStore contract (default: ${DEFAULT_STORE_ACCOUNT})`,
};
