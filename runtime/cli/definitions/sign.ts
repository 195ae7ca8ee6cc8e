/** `peeros sign`: what it is called, takes and says in `--help` (the command itself: ../commands/sign.ts). */
import { CHAIN_FLAGS, VAULT_FLAGS } from '../shared-flags.js';
import type { CommandDefinition } from '../command-definition.js';

export const definition: CommandDefinition = {
  name: 'sign',
  summary: 'sign a transaction with a vault key; prints the push_transaction body',
  description: `Signs a transaction with a key held in the vault and prints the push_transaction body as JSON:
  { "signatures": [...], "compression": 0, "packed_context_free_data": "", "packed_trx": "…" }
Without --yes the transaction is shown on stderr and you are asked y/N. Each action's data is decoded
with its contract's ABI: --abi FILE, else the ABI on the DMCS (--url, --dmcs or the default; eosio's
is built in). When no ABI is known the data is shown as raw hex under a loud warning.`,
  flags: [
    { name: 'chain-id', type: 'string', value: 'HEX', description: 'the 32-byte chain id (64 hex characters); required' },
    { name: 'packed', type: 'string', value: 'HEX', description: 'the serialized transaction (packed_trx), hex; this or --json' },
    { name: 'json', type: 'string', value: 'TX_JSON', description: 'the transaction as JSON (action data as hex); this or --packed' },
    {
      name: 'key',
      type: 'string',
      value: 'PUBKEY',
      description: 'the key to sign with (PUB_K1_… or EOS…); optional when the vault holds one key',
    },
    {
      name: 'abi',
      type: 'string',
      value: 'FILE',
      description: "the ABI (JSON) that decodes the actions' data of contracts other than eosio",
    },
    ...CHAIN_FLAGS,
    ...VAULT_FLAGS,
  ],
};
