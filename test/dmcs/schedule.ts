// Proposing a producer schedule the way a chain does it: a privileged contract on eosio (a
// stand-in for eosio.bios's `setprods`) passes its action data to set_proposed_producers, so the
// proposal is part of a block and every replica and replay sees it.
import type { APIClient } from '@wharfkit/antelope';
import { Name, PublicKey, Serializer } from '@wharfkit/antelope';
import type { EmbeddedNode } from '../../dmcs/index.js';
import { wat } from './vm/wat.js';
import { newAccountAction, transact, setcodeAction } from './helpers.js';

export function governorWasm(): Uint8Array {
  const setprods = BigInt.asIntN(64, BigInt(Name.from('setprods').value.toString()));
  return wat(`(module
    (import "env" "read_action_data" (func $read (param i32 i32) (result i32)))
    (import "env" "set_proposed_producers" (func $propose (param i32 i32) (result i64)))
    (memory 1)
    (func (export "apply") (param $r i64) (param $c i64) (param $a i64)
      (if (i64.eq (local.get $a) (i64.const ${setprods}))
        (then (drop (call $propose (i32.const 0) (call $read (i32.const 0) (i32.const 8192))))))))`);
}

export interface ScheduledProducer {
  name: string;
  /** Block signing key. */
  key: string;
}

/** Packed `vector<producer_key>` (hex). */
export function packedProducerKeys(list: readonly ScheduledProducer[]): string {
  const n = Serializer.encode({ object: list.length, type: 'varuint32' }).hexString;
  return (
    n +
    list
      .map(
        (p) => Serializer.encode({ object: Name.from(p.name) }).hexString + Serializer.encode({ object: PublicKey.from(p.key) }).hexString,
      )
      .join('')
  );
}

/** Deploys the governor on eosio (once per chain). */
export async function deployGovernor(client: APIClient): Promise<void> {
  await transact(client, [setcodeAction('eosio', governorWasm())]);
}

/** Creates the producers' accounts (their account key: `accountKey(name)`). */
export async function createProducerAccounts(
  client: APIClient,
  names: readonly string[],
  accountKey: (name: string) => string,
): Promise<void> {
  for (let i = 0; i < names.length; i += 7) {
    await transact(
      client,
      names.slice(i, i + 7).map((n) => newAccountAction(n, accountKey(n))),
    );
  }
}

/** Proposes `list` in a transaction (into the pending block) through the governor. */
export async function proposeProducers(client: APIClient, list: readonly ScheduledProducer[]): Promise<void> {
  await transact(client, [{ account: 'eosio', name: 'setprods', authorization: 'eosio@active', data: packedProducerKeys(list) }]);
}

/** Proposes `list`, then produces blocks until a schedule of a newer version is active. */
export async function proposeAndActivate(
  node: EmbeddedNode,
  client: APIClient,
  list: readonly ScheduledProducer[],
  maxBlocks = 3000,
): Promise<number> {
  const before = node.chain.head.state.activeSchedule.version;
  await proposeProducers(client, list);
  for (let i = 0; i < maxBlocks && node.chain.head.state.activeSchedule.version === before; i++) await node.produceBlock();
  const after = node.chain.head.state.activeSchedule.version;
  if (after === before) throw new Error(`schedule not active after ${maxBlocks} blocks`);
  return node.chain.head.num;
}
