/**
 * `peeros sign`: signs a transaction with a key in the vault and prints the push_transaction body
 * (`signatures`, `compression`, `packed_context_free_data`, `packed_trx`) as JSON, like `cleos sign`.
 */
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { parseArgs } from '../args.js';
import {
  type AbiSerializer,
  PackedTransaction,
  Transaction,
  eosioSerializer,
  hexToBytes,
  normalizeChainId,
  type TransactionFields,
} from '../../../abi/antelope/index.js';
import type { CliIO } from '../command.js';
import type { HttpBackend } from '../../dispatch/index.js';
import { chainBackend } from '../chain-target.js';
import { RAW_DATA_WARNING, contractSerializer, serializerFor, transactionSummary } from '../action-summary.js';
import { terminalText } from '../../../lib/terminal-text.js';
import type { CliFlags } from '../vault-unlock.js';
import { VaultError } from '../../../skv/index.js';
import { flagSpec } from '../command-definition.js';
import { withUnlockedVault } from '../vault-unlock.js';
import { definition } from '../definitions/sign.js';

/** The serializers of the transaction's contracts: eosio built in, --abi FILE, else the chain's; undefined where none is known. */
async function serializersOf(io: CliIO, flags: CliFlags, trx: Transaction): Promise<Map<string, AbiSerializer | undefined>> {
  const out = new Map<string, AbiSerializer | undefined>();
  const fromFile = typeof flags.abi === 'string' ? await serializerFor(io, { abi: flags.abi }, '') : undefined;
  let backend: HttpBackend | undefined;
  for (const a of [...trx.context_free_actions, ...trx.actions]) {
    const contract = a.account.toString();
    if (out.has(contract)) continue;
    if (contract === 'eosio') out.set(contract, eosioSerializer());
    else if (fromFile) out.set(contract, fromFile);
    else {
      try {
        backend ??= await chainBackend(io, flags);
        out.set(contract, await contractSerializer(backend, contract));
      } catch (err) {
        io.err(`peeros sign: no ABI for ${contract} (${terminalText(err instanceof Error ? err.message : String(err))})`);
        out.set(contract, undefined);
      }
    }
  }
  return out;
}

const command: CliCommand = {
  definition,
  async run(argv, io) {
    const { flags, positionals } = parseArgs(argv, flagSpec(definition), 'sign');
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const chainId = normalizeChainId(flags['chain-id']);
    if (chainId === undefined) throw new UsageError('--chain-id needs the 32-byte chain id as 64 hex characters');
    const packedHex = flags.packed,
      json = flags.json;
    if ((typeof packedHex === 'string') === (typeof json === 'string'))
      throw new UsageError('give exactly one of --packed HEX or --json TX_JSON');
    let trx: Transaction;
    try {
      if (typeof packedHex === 'string') trx = Transaction.fromBinary(hexToBytes(packedHex.trim(), '--packed'));
      else trx = Transaction.from(JSON.parse(json as string) as TransactionFields);
    } catch (err) {
      throw new UsageError(`the transaction does not decode: ${(err as Error).message}`);
    }
    const transaction = trx.toBinary();

    return withUnlockedVault(io, flags, { whenMissing: "create or import a key with 'peeros key'" }, async ({ vault }) => {
      let key = typeof flags.key === 'string' ? flags.key : undefined;
      if (!key) {
        const keys = await vault.listKeys();
        if (keys.length !== 1)
          throw new UsageError(`the vault holds ${keys.length} keys; choose one with --key PUBKEY (see 'peeros key list')`);
        key = keys[0]!.publicKey;
      }
      const summary = transactionSummary(trx, await serializersOf(io, flags, trx));
      if (summary.some((l) => l.includes(RAW_DATA_WARNING))) io.err(`peeros sign: ${RAW_DATA_WARNING}`);
      let res;
      try {
        res = await vault.sign({ chainId, transaction, keys: [key], summary });
      } catch (err) {
        if (err instanceof VaultError && err.code === 'NOT_APPROVED' && !flags.yes) {
          throw new VaultError(
            'NOT_APPROVED',
            `${err.message}; answer y at the prompt (needs a terminal), or pass --yes in scripts (dangerous: signs without asking)`,
          );
        }
        throw err;
      }
      // compression as its number (0 = none), the form eosjs and @wharfkit/antelope send and Leap accepts
      const body = { ...PackedTransaction.fromSigned(trx, res.signatures).toJSON(), compression: 0 };
      io.out(JSON.stringify(body, null, 2));
      return 0;
    });
  },
};

export default command;
