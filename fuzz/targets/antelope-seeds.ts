/** Valid Antelope values for the binary targets: transactions, packed transactions, ABIs. */
import { deflateSync } from 'node:zlib';
import { Abi, EOSIO_ABI, PackedTransaction, Transaction } from '../../abi/antelope/index.js';
import { hexBytes, readJson } from '../seeds.js';

interface RecordedTrx {
  signatures: string[];
  compression: number | string;
  packed_context_free_data: string;
  packed_trx: string;
}

function recorded(): RecordedTrx[] {
  return readJson<{ transactions: RecordedTrx[] }>('test/vectors/antelope/wharfkit-recorded-blocks.json').transactions;
}

/** A transaction with every part present: context-free action, authorization, extension. */
export function fullTransaction(): Transaction {
  return Transaction.from({
    expiration: '2026-11-27T12:00:00',
    ref_block_num: 7,
    ref_block_prefix: 9,
    max_net_usage_words: 3,
    max_cpu_usage_ms: 2,
    delay_sec: 1,
    context_free_actions: [{ account: 'a', name: 'b', authorization: [], data: '00' }],
    actions: [
      { account: 'eosio.token', name: 'transfer', authorization: [{ actor: 'alice', permission: 'active' }], data: 'beef'.repeat(8) },
    ],
    transaction_extensions: [{ type: 1, data: 'aa' }],
  });
}

/** Serialized transactions (uncompressed packed_trx). */
export function transactionSeeds(): Uint8Array[] {
  const out = [fullTransaction().toBinary()];
  for (const t of recorded()) out.push(PackedTransaction.from(t as never).rawTransaction);
  const eosjs = readJson<{ serialized_transaction: number[] }>('test/vectors/antelope/eosjs-api.json');
  out.push(Uint8Array.from(eosjs.serialized_transaction));
  return out;
}

/** Binary packed_transaction values: recorded ones, none and zlib, and a zlib bomb past the cap. */
export function packedTransactionSeeds(): Uint8Array[] {
  const trx = fullTransaction();
  const out = [
    PackedTransaction.fromSigned(trx, [], [new Uint8Array(3)], 'none').toBinary(),
    PackedTransaction.fromSigned(trx, [], [new Uint8Array(3), Uint8Array.of(1, 2)], 'zlib').toBinary(),
  ];
  for (const t of recorded()) out.push(PackedTransaction.from(t as never).toBinary());
  // 32 MiB of zeros deflate to ~32 KiB: inflating must stop at MAX_DECOMPRESSED_SIZE
  const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
  out.push(new PackedTransaction([], 'zlib', new Uint8Array(bomb), new Uint8Array(bomb)).toBinary());
  return out;
}

/** Binary abi_def values: eosio's, eosjs's token ABI, wharfkit's serializer-test ABIs. */
export function abiSeeds(): Uint8Array[] {
  const out = [EOSIO_ABI.toBinary()];
  out.push(
    hexBytes(Buffer.from(readJson<{ abi_base64: string }>('test/vectors/antelope/eosjs-api.json').abi_base64, 'base64').toString('hex')),
  );
  const w = readJson<{ abis: Record<string, unknown> }>('test/vectors/antelope/wharfkit-serializer.json');
  for (const a of Object.values(w.abis)) {
    try {
      out.push(Abi.from(a as never).toBinary());
    } catch {
      /* an ABI our core refuses is not a seed */
    }
  }
  return out;
}
