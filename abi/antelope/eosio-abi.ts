/**
 * The built-in ABI of the native `eosio` actions that Leap implements in C++ (newaccount, setcode,
 * setabi, updateauth, deleteauth, linkauth, unlinkauth, canceldelay, onerror) and their types
 * (authority, key_weight, permission_level_weight, wait_weight, transaction, …), transcribed from
 * Leap's `eosio_contract_abi`. The node decodes native actions with it; `eosioSerializer()` is cached.
 */
import { Abi } from './abi-def.js';
import { AbiSerializer } from './abi-serializer.js';

const f = (name: string, type: string) => ({ name, type });

export const EOSIO_ABI: Abi = Abi.from({
  version: 'eosio::abi/1.0',
  types: [
    { new_type_name: 'account_name', type: 'name' },
    { new_type_name: 'permission_name', type: 'name' },
    { new_type_name: 'action_name', type: 'name' },
    { new_type_name: 'table_name', type: 'name' },
    { new_type_name: 'transaction_id_type', type: 'checksum256' },
    { new_type_name: 'block_id_type', type: 'checksum256' },
    { new_type_name: 'weight_type', type: 'uint16' },
  ],
  structs: [
    { name: 'permission_level', base: '', fields: [f('actor', 'account_name'), f('permission', 'permission_name')] },
    {
      name: 'action',
      base: '',
      fields: [f('account', 'account_name'), f('name', 'action_name'), f('authorization', 'permission_level[]'), f('data', 'bytes')],
    },
    { name: 'extension', base: '', fields: [f('type', 'uint16'), f('data', 'bytes')] },
    {
      name: 'transaction_header',
      base: '',
      fields: [
        f('expiration', 'time_point_sec'),
        f('ref_block_num', 'uint16'),
        f('ref_block_prefix', 'uint32'),
        f('max_net_usage_words', 'varuint32'),
        f('max_cpu_usage_ms', 'uint8'),
        f('delay_sec', 'varuint32'),
      ],
    },
    {
      name: 'transaction',
      base: 'transaction_header',
      fields: [f('context_free_actions', 'action[]'), f('actions', 'action[]'), f('transaction_extensions', 'extension[]')],
    },
    { name: 'producer_key', base: '', fields: [f('producer_name', 'account_name'), f('block_signing_key', 'public_key')] },
    { name: 'producer_schedule', base: '', fields: [f('version', 'uint32'), f('producers', 'producer_key[]')] },
    {
      name: 'block_header',
      base: '',
      fields: [
        f('timestamp', 'uint32'),
        f('producer', 'account_name'),
        f('confirmed', 'uint16'),
        f('previous', 'block_id_type'),
        f('transaction_mroot', 'checksum256'),
        f('action_mroot', 'checksum256'),
        f('schedule_version', 'uint32'),
        f('new_producers', 'producer_schedule?'),
        f('header_extensions', 'extension[]'),
      ],
    },
    { name: 'key_weight', base: '', fields: [f('key', 'public_key'), f('weight', 'weight_type')] },
    { name: 'permission_level_weight', base: '', fields: [f('permission', 'permission_level'), f('weight', 'weight_type')] },
    { name: 'wait_weight', base: '', fields: [f('wait_sec', 'uint32'), f('weight', 'weight_type')] },
    {
      name: 'authority',
      base: '',
      fields: [
        f('threshold', 'uint32'),
        f('keys', 'key_weight[]'),
        f('accounts', 'permission_level_weight[]'),
        f('waits', 'wait_weight[]'),
      ],
    },
    {
      name: 'newaccount',
      base: '',
      fields: [f('creator', 'account_name'), f('name', 'account_name'), f('owner', 'authority'), f('active', 'authority')],
    },
    {
      name: 'setcode',
      base: '',
      fields: [f('account', 'account_name'), f('vmtype', 'uint8'), f('vmversion', 'uint8'), f('code', 'bytes')],
    },
    { name: 'setabi', base: '', fields: [f('account', 'account_name'), f('abi', 'bytes')] },
    {
      name: 'updateauth',
      base: '',
      fields: [f('account', 'account_name'), f('permission', 'permission_name'), f('parent', 'permission_name'), f('auth', 'authority')],
    },
    { name: 'deleteauth', base: '', fields: [f('account', 'account_name'), f('permission', 'permission_name')] },
    {
      name: 'linkauth',
      base: '',
      fields: [f('account', 'account_name'), f('code', 'account_name'), f('type', 'action_name'), f('requirement', 'permission_name')],
    },
    { name: 'unlinkauth', base: '', fields: [f('account', 'account_name'), f('code', 'account_name'), f('type', 'action_name')] },
    { name: 'canceldelay', base: '', fields: [f('canceling_auth', 'permission_level'), f('trx_id', 'transaction_id_type')] },
    { name: 'onerror', base: '', fields: [f('sender_id', 'uint128'), f('sent_trx', 'bytes')] },
    { name: 'onblock', base: '', fields: [f('header', 'block_header')] },
  ],
  actions: [
    'newaccount',
    'setcode',
    'setabi',
    'updateauth',
    'deleteauth',
    'linkauth',
    'unlinkauth',
    'canceldelay',
    'onerror',
    'onblock',
  ].map((name) => ({ name, type: name, ricardian_contract: '' })),
});

/** The native action names `eosio` handles in the chain itself. */
export const NATIVE_ACTIONS = [
  'newaccount',
  'setcode',
  'setabi',
  'updateauth',
  'deleteauth',
  'linkauth',
  'unlinkauth',
  'canceldelay',
] as const;
export type NativeAction = (typeof NATIVE_ACTIONS)[number];

/** JSON shapes of the native action arguments and their parts, as the serializer produces them. */
export interface PermissionLevelJSON {
  actor: string;
  permission: string;
}
export interface KeyWeight {
  key: string;
  weight: number;
}
export interface PermissionLevelWeight {
  permission: PermissionLevelJSON;
  weight: number;
}
export interface WaitWeight {
  wait_sec: number;
  weight: number;
}
export interface Authority {
  threshold: number;
  keys: KeyWeight[];
  accounts: PermissionLevelWeight[];
  waits: WaitWeight[];
}
export interface NewAccount {
  creator: string;
  name: string;
  owner: Authority;
  active: Authority;
}
export interface SetCode {
  account: string;
  vmtype: number;
  vmversion: number;
  code: string;
}
export interface SetAbi {
  account: string;
  abi: string;
}
export interface UpdateAuth {
  account: string;
  permission: string;
  parent: string;
  auth: Authority;
}
export interface DeleteAuth {
  account: string;
  permission: string;
}
export interface LinkAuth {
  account: string;
  code: string;
  type: string;
  requirement: string;
}
export interface UnlinkAuth {
  account: string;
  code: string;
  type: string;
}
export interface CancelDelay {
  canceling_auth: PermissionLevelJSON;
  trx_id: string;
}

let serializer: AbiSerializer | undefined;
let legacySerializer: AbiSerializer | undefined;
/** The cached serializer for the native `eosio` ABI (`legacyKeys`: decode K1 keys as `EOS…`). */
export function eosioSerializer(opts: { legacyKeys?: boolean } = {}): AbiSerializer {
  if (opts.legacyKeys) return (legacySerializer ??= new AbiSerializer(EOSIO_ABI, { legacyKeys: true }).validate());
  return (serializer ??= new AbiSerializer(EOSIO_ABI).validate());
}
