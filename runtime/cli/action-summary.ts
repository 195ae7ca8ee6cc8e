/**
 * What the user approves before the vault signs an action they typed (`push action`, `sign`):
 * each action as `CONTRACT::ACTION by ACTOR@PERM` and its data decoded with the contract's ABI,
 * one field a line, every value escaped for the terminal. Data no ABI decodes is shown as hex
 * under a loud warning: the user cannot know what such bytes do.
 */
import { readFile } from 'node:fs/promises';
import { type Action, Abi, AbiSerializer, bytesToHex, eosioSerializer } from '../../abi/antelope/index.js';
import type { CliIO } from './command.js';
import { UsageError } from './command.js';
import { chainBackend } from './chain-target.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { terminalText } from '../../lib/terminal-text.js';

/** A value longer than this is cut in the summary (the full data is in the transaction). */
const MAX_VALUE_CHARS = 200;

export const RAW_DATA_WARNING =
  'WARNING: no ABI for this contract: the data below is RAW HEX that peeros cannot decode; approve only if you know these bytes';

/** The serializer of `contract`: eosio's built-in ABI, the chain's ABI, or undefined when it has none. */
export async function contractSerializer(backend: DmcsBackend, contract: string): Promise<AbiSerializer | undefined> {
  if (contract === 'eosio') return eosioSerializer();
  const reply = await backend.getAbi(contract);
  if (reply.abi === undefined || reply.abi === null) return undefined;
  return new AbiSerializer(Abi.from(reply.abi as Parameters<typeof Abi.from>[0]));
}

function valueText(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return terminalText(text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (cut)` : text);
}

/**
 * The summary lines of a whole transaction: its context-free actions first, under their own
 * heading (they are signed with the rest and run without any authorization), then its actions. A
 * caller's summary replaces the vault's own decoding, so leaving a kind of action out hides it from
 * the user.
 */
export function transactionSummary(
  trx: { context_free_actions: readonly Action[]; actions: readonly Action[] },
  serializers: ReadonlyMap<string, AbiSerializer | undefined>,
): string[] {
  const actions = actionSummary([...trx.actions], serializers);
  if (trx.context_free_actions.length === 0) return actions;
  return [
    'context-free actions (they run without any authorization):',
    ...actionSummary([...trx.context_free_actions], serializers),
    'actions:',
    ...actions,
  ];
}

/** The summary lines of `actions`, decoded with `serializers` (by contract) where one is known. */
export function actionSummary(actions: Action[], serializers: ReadonlyMap<string, AbiSerializer | undefined>): string[] {
  const lines: string[] = [];
  for (const a of actions) {
    const contract = a.account.toString();
    const auth = a.authorization.map((p) => `${p.actor}@${p.permission}`).join(', ');
    lines.push(`${terminalText(contract)}::${terminalText(a.name.toString())} by ${terminalText(auth || 'nobody')}`);
    const s = serializers.get(contract);
    let decoded: unknown;
    if (s) {
      try {
        decoded = a.decodeData(s);
      } catch {
        decoded = undefined;
      }
    }
    if (decoded !== null && typeof decoded === 'object') {
      for (const [k, v] of Object.entries(decoded as Record<string, unknown>)) lines.push(`  ${terminalText(k)}: ${valueText(v)}`);
    } else {
      lines.push(`  ${RAW_DATA_WARNING}`, `  data (hex): ${bytesToHex(a.data).slice(0, MAX_VALUE_CHARS)}`);
    }
  }
  return lines;
}

/** The ABI of --abi FILE, else the chain's. */
export async function serializerFor(
  io: CliIO,
  flags: Record<string, string | boolean | undefined>,
  contract: string,
): Promise<AbiSerializer> {
  if (typeof flags.abi === 'string') {
    try {
      return new AbiSerializer(Abi.from(JSON.parse(await readFile(flags.abi, 'utf8')) as Parameters<typeof Abi.from>[0]));
    } catch (err) {
      throw new UsageError(`--abi ${flags.abi}: not a readable ABI (${(err as Error).message})`);
    }
  }
  const s = await contractSerializer(await chainBackend(io, flags), contract);
  if (!s) throw new UsageError(`contract ${contract} has no ABI on this chain; give one with --abi FILE`);
  return s;
}
