/**
 * `peeros sign`: signs a transaction with a key in the vault and prints the push_transaction body
 * (`signatures`, `compression`, `packed_context_free_data`, `packed_trx`) as JSON, like `cleos sign`.
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import { peerosHome } from '../../../lib/home.js';
import { PackedTransaction, Transaction, hexToBytes, type TransactionFields } from '../../../abi/antelope/index.js';
import { Vault, VaultError, TerminalVerifier, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, vaultPaths } from '../../../skv/index.js';
import { readPassphrase } from '../../../skv/passphrase-source.js';

const HELP = `usage: peeros sign --chain-id HEX (--packed HEX | --json TX_JSON) [--key PUBKEY] [--yes]

Signs a transaction with a key held in the vault and prints the push_transaction body as JSON:
  { "signatures": [...], "compression": 0, "packed_context_free_data": "", "packed_trx": "…" }

  --chain-id HEX         the 32-byte chain id (64 hex characters)
  --packed HEX           the serialized transaction (packed_trx), hex
  --json TX_JSON         the transaction as JSON (action data as hex)
  --key PUBKEY           the key to sign with (PUB_K1_… or EOS…); optional when the vault holds one key
  --passphrase-file PATH read the passphrase from the first line of PATH (else $PEEROS_PASSPHRASE,
                         else a terminal prompt)
  --yes                  DANGEROUS: sign without showing the transaction and asking (auto-approve
                         verifier for this one command); for scripts only

Without --yes the decoded transaction is shown on stderr and you are asked y/N.`;

const SPEC = { 'chain-id': 'string', packed: 'string', json: 'string', key: 'string', yes: 'boolean', 'passphrase-file': 'string' } as const;

const command: CliCommand = {
  name: 'sign',
  summary: 'sign a transaction with a vault key; prints the push_transaction body',
  help: HELP,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, SPEC, 'sign');
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const chainId = flags['chain-id'];
    if (typeof chainId !== 'string' || !/^[0-9a-fA-F]{64}$/.test(chainId)) throw new UsageError('--chain-id needs the 32-byte chain id as 64 hex characters');
    const packedHex = flags.packed, json = flags.json;
    if ((typeof packedHex === 'string') === (typeof json === 'string')) throw new UsageError('give exactly one of --packed HEX or --json TX_JSON');
    let trx: Transaction;
    try {
      if (typeof packedHex === 'string') trx = Transaction.fromBinary(hexToBytes(packedHex.trim(), '--packed'));
      else trx = Transaction.from(JSON.parse(json as string) as TransactionFields);
    } catch (err) {
      throw new UsageError(`the transaction does not decode: ${(err as Error).message}`);
    }
    const transaction = trx.toBinary();

    const home = peerosHome(io.env);
    const vault = Vault.open({ home });
    try {
      const st = await vault.status();
      if (st.keystore === 'missing') throw new VaultError('NO_KEYSTORE', `no keystore at ${vaultPaths(home).keystore}; create or import a key with 'peeros key'`);
      const file = typeof flags['passphrase-file'] === 'string' ? flags['passphrase-file'] : undefined;
      const passphrase = await readPassphrase({ env: io.env, ...(file ? { file } : {}) });
      const verifier = flags.yes
        ? new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN })
        : new TerminalVerifier({ show: (t) => io.err(t), confirm: (q) => io.confirm(q) });
      await vault.unlock(passphrase, { verifier });
      let key = typeof flags.key === 'string' ? flags.key : undefined;
      if (!key) {
        const keys = await vault.listKeys();
        if (keys.length !== 1) throw new UsageError(`the vault holds ${keys.length} keys; choose one with --key PUBKEY (see 'peeros key list')`);
        key = keys[0]!.publicKey;
      }
      let res;
      try {
        res = await vault.sign({ chainId, transaction, keys: [key] });
      } catch (err) {
        if (err instanceof VaultError && err.code === 'NOT_APPROVED' && !flags.yes) {
          throw new VaultError('NOT_APPROVED', `${err.message}; answer y at the prompt (needs a terminal), or pass --yes in scripts (dangerous: signs without asking)`);
        }
        throw err;
      }
      // compression as its number (0 = none), the form eosjs and @wharfkit/antelope send and Leap accepts
      const body = { ...PackedTransaction.fromSigned(trx, res.signatures).toJSON(), compression: 0 };
      io.out(JSON.stringify(body, null, 2));
      return 0;
    } finally {
      await vault.close();
    }
  },
};

export default command;
