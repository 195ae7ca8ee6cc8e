/**
 * Chain API request bodies for the `chain-api` and `chain-api-http` targets. An input is
 * `endpoint ‖ "\n" ‖ body bytes`, so it replays alone. Seeds: one valid body per endpoint that
 * takes one (names, table queries with every bound kind, blocks by number and id, required keys,
 * packed transactions none and zlib, signed by a key that authorizes nothing so no push changes
 * state), mutated as JSON (wrong types, extremes, deep nesting, large arrays) and as bytes.
 */
import { KeyType, PackedTransaction, PrivateKey, Transaction, sha256 } from '../../abi/antelope/index.js';
import { DEV_PUBLIC_KEY } from '../../dmcs/index.js';
import { jsonBytes, mutateJson } from '../json-mutate.js';
import { mutate } from '../mutate.js';
import type { Prng } from '../prng.js';

const utf8 = new TextEncoder();
const text = new TextDecoder();

function packedBody(compression: 'none' | 'zlib'): Record<string, unknown> {
  const trx = Transaction.from({
    expiration: '2026-12-01T00:00:00',
    ref_block_num: 1,
    ref_block_prefix: 0,
    context_free_actions: [],
    actions: [
      { account: 'eosio', name: 'newaccount', authorization: [{ actor: 'eosio', permission: 'active' }], data: '0000000000ea3055' },
    ],
    transaction_extensions: [],
  });
  // a key no account on the dev chain trusts: its signature recovers, authorization then fails
  const outsider = new PrivateKey(KeyType.K1, sha256(utf8.encode('peeros fuzz outsider')));
  const p = PackedTransaction.fromSigned(trx, [outsider.sign(trx.signingDigest(new Uint8Array(32)))], [], compression);
  return p.toJSON() as unknown as Record<string, unknown>;
}

export function chainApiSeeds(): Array<{ endpoint: string; body: unknown }> {
  const trx = {
    actions: [{ account: 'eosio', name: 'newaccount', authorization: [{ actor: 'eosio', permission: 'active' }], data: '00' }],
  };
  return [
    { endpoint: 'get_info', body: {} },
    { endpoint: 'get_account', body: { account_name: 'eosio' } },
    { endpoint: 'get_abi', body: { account_name: 'eosio' } },
    { endpoint: 'get_raw_abi', body: { account_name: 'eosio' } },
    { endpoint: 'get_raw_code_and_abi', body: { account_name: 'eosio' } },
    {
      endpoint: 'get_table_rows',
      body: {
        code: 'eosio',
        table: 'accounts',
        scope: 'eosio',
        json: true,
        limit: 10,
        lower_bound: 'a',
        upper_bound: '',
        reverse: false,
        show_payer: true,
      },
    },
    {
      endpoint: 'get_table_rows',
      body: {
        code: 'eosio',
        table: 'stat',
        scope: 'EOS',
        json: false,
        index_position: 2,
        key_type: 'i128',
        lower_bound: '0x01',
        encode_type: 'hex',
      },
    },
    { endpoint: 'get_block', body: { block_num_or_id: 1 } },
    { endpoint: 'get_block', body: { block_num_or_id: '0000000100000000000000000000000000000000000000000000000000000000' } },
    { endpoint: 'get_block_info', body: { block_num: 1 } },
    { endpoint: 'get_required_keys', body: { transaction: trx, available_keys: [DEV_PUBLIC_KEY] } },
    { endpoint: 'get_currency_balance', body: { code: 'eosio.token', account: 'eosio', symbol: 'EOS' } },
    { endpoint: 'get_currency_stats', body: { code: 'eosio.token', symbol: 'EOS' } },
    {
      endpoint: 'get_accounts_by_authorizers',
      body: { keys: [DEV_PUBLIC_KEY], accounts: ['eosio', { actor: 'eosio', permission: 'active' }] },
    },
    { endpoint: 'push_transaction', body: packedBody('none') },
    { endpoint: 'send_transaction', body: packedBody('zlib') },
    { endpoint: 'send_transaction2', body: { transaction: packedBody('none'), return_failure_trace: true } },
    { endpoint: 'compute_transaction', body: { transaction: packedBody('zlib') } },
  ];
}

export function frameRequest(endpoint: string, body: Uint8Array): Uint8Array {
  const e = utf8.encode(`${endpoint}\n`);
  const out = new Uint8Array(e.length + body.length);
  out.set(e);
  out.set(body, e.length);
  return out;
}

export function unframeRequest(input: Uint8Array): { endpoint: string; body: Uint8Array } {
  const nl = input.indexOf(0x0a);
  if (nl < 0) return { endpoint: '', body: input };
  return { endpoint: text.decode(input.subarray(0, nl)), body: input.subarray(nl + 1) };
}

/** A request: mostly a seed body mutated as JSON, sometimes as bytes, sometimes another endpoint's. */
export function requestGenerator(): (r: Prng) => Uint8Array {
  const seeds = chainApiSeeds();
  const seedBytes = seeds.map((s) => jsonBytes(s.body));
  return (r) => {
    const i = r.int(seeds.length);
    const endpoint = r.int(30) === 0 ? r.pick(seeds).endpoint : seeds[i]!.endpoint;
    const k = r.int(10);
    const body = k < 6 ? jsonBytes(mutateJson(r, seeds[i]!.body)) : k < 9 ? mutate(r, seedBytes) : seedBytes[i]!;
    return frameRequest(endpoint, body);
  };
}
