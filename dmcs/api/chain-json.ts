/**
 * JSON shaping for the chain API: chain objects (accounts, blocks, transactions, action traces,
 * push results) turned into the JSON Leap returns, field for field and in Leap's order, as
 * @wharfkit/antelope's APIClient and eosjs's JsonRpc/Api read them. Action data and return values
 * are decoded with the contract's ABI when it has one, else given as hex.
 */
import { Name, type Transaction, bytesToHex } from '../../abi/antelope/index.js';
import type { Chain, PushResult } from '../chain/chain.js';
import { slotToMs } from '../chain/chain.js';
import { authorityToJson } from '../authority.js';
import type { AccountRecord } from '../state/chain-state.js';
import { refBlockPrefix, type SignedBlock } from '../block.js';
import { decodePackedTrx } from '../packed-transaction.js';
import type { ActionTrace } from '../chain/action-trace.js';
import type { ContractAbis } from './contract-abis.js';
import type { ChainError } from '../chain-error.js';

/** Leap's time_point JSON: ISO with milliseconds, no zone. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

interface TraceJson {
  action_ordinal: number;
  closest_unnotified_ancestor_action_ordinal: number;
  receipt: { global_sequence: number };
  inline_traces?: unknown[];
}

/**
 * Leap's push_transaction reply shape (chain_plugin `read_write::push_transaction`): the traces as a
 * tree, each action's notifications and inline actions under its `inline_traces`, siblings by
 * global sequence, from the actions whose closest unnotified ancestor is 0.
 */
function nestTraces(flat: TraceJson[]): TraceJson[] {
  const byAncestor = new Map<number, TraceJson[]>();
  for (const t of flat) {
    const list = byAncestor.get(t.closest_unnotified_ancestor_action_ordinal) ?? [];
    list.push(t);
    byAncestor.set(t.closest_unnotified_ancestor_action_ordinal, list);
  }
  const under = (ordinal: number): TraceJson[] =>
    (byAncestor.get(ordinal) ?? [])
      .sort((a, b) => a.receipt.global_sequence - b.receipt.global_sequence)
      .map((t) => ({ ...t, inline_traces: under(t.action_ordinal) }));
  return under(0);
}

/** A failed transaction as Leap's send_transaction2 with `return_failure_trace` answers it: a trace whose `except` is set. */
export function failureResponse(id: string, blockNum: number, blockTimeMs: number, err: ChainError): unknown {
  return {
    transaction_id: id,
    processed: {
      id,
      block_num: blockNum,
      block_time: isoMs(blockTimeMs),
      producer_block_id: null,
      receipt: null,
      elapsed: 0,
      net_usage: 0,
      scheduled: false,
      action_traces: [],
      account_ram_delta: null,
      except: {
        code: err.antelopeCode,
        name: err.code,
        message: err.what,
        stack: [
          {
            context: { level: 'error', file: '', line: 0, method: '', hostname: '', thread_name: '', timestamp: isoMs(blockTimeMs) },
            format: err.message,
            data: {},
          },
        ],
      },
      error_code: null,
    },
  };
}

export class ChainJson {
  constructor(
    private readonly chain: Chain,
    private readonly abis: ContractAbis,
  ) {}

  /**
   * get_account's reply: permissions sorted by name with their linked actions; `ram_quota`,
   * `net_weight`, `cpu_weight` as set by `set_resource_limits` (-1 = unlimited, the default).
   */
  account(a: AccountRecord): unknown {
    const c = this.chain;
    const limits = c.state.resourceLimits.get(a.name);
    const limit = { used: 0, available: -1, max: -1, last_usage_update_time: isoMs(slotToMs(c.head.timestamp)), current_used: 0 };
    const linked = new Map<string, Array<{ account: string; action?: string }>>();
    for (const [key, perm] of a.links) {
      const [account, action] = key.split(':') as [string, string];
      const list = linked.get(perm) ?? [];
      list.push(action ? { account, action } : { account });
      linked.set(perm, list);
    }
    const perms = [...a.permissions.values()].sort((x, y) => (Name.from(x.name).value < Name.from(y.name).value ? -1 : 1));
    return {
      account_name: a.name,
      head_block_num: c.head.num,
      head_block_time: isoMs(slotToMs(c.head.timestamp)),
      privileged: a.privileged,
      last_code_update: isoMs(a.lastCodeUpdate),
      created: isoMs(a.creation),
      ram_quota: Number(limits.ramBytes),
      net_weight: Number(limits.netWeight),
      cpu_weight: Number(limits.cpuWeight),
      net_limit: limit,
      cpu_limit: limit,
      ram_usage: a.ramUsage,
      permissions: perms.map((p) => ({
        perm_name: p.name,
        parent: p.parent,
        required_auth: authorityToJson(p.auth),
        linked_actions: linked.get(p.name) ?? [],
      })),
      total_resources: null,
      self_delegated_bandwidth: null,
      refund_request: null,
      voter_info: null,
      rex_info: null,
      subjective_cpu_bill_limit: limit,
      eosio_any_linked_actions: linked.get('eosio.any') ?? [],
    };
  }

  private header(block: SignedBlock): Record<string, unknown> {
    return {
      timestamp: isoMs(slotToMs(block.timestamp)),
      producer: block.producer,
      confirmed: block.confirmed,
      previous: bytesToHex(block.previous),
      transaction_mroot: bytesToHex(block.transactionMroot),
      action_mroot: bytesToHex(block.actionMroot),
      schedule_version: block.scheduleVersion,
    };
  }

  /** get_block's reply: the header, the transactions with their decoded JSON, the id and number. */
  block(block: SignedBlock, id: Uint8Array, num: number): unknown {
    return {
      ...this.header(block),
      new_producers: null,
      header_extensions: [],
      producer_signature: block.producerSignature.toString(),
      transactions: block.transactions.map((r) => {
        const d = decodePackedTrx(r.trx);
        return {
          status: 'executed',
          cpu_usage_us: r.cpuUsageUs,
          net_usage_words: r.netUsageWords,
          trx: {
            id: d.idHex,
            signatures: r.trx.signatures.map((s) => s.toString()),
            compression: r.trx.compression === 1 ? 'zlib' : 'none',
            packed_context_free_data: bytesToHex(r.trx.packedContextFreeData),
            context_free_data: [],
            packed_trx: bytesToHex(r.trx.packedTrx),
            transaction: this.transaction(d.trx),
          },
        };
      }),
      // block_extensions is omitted even though Leap sends []: @wharfkit/antelope 1.2 cannot decode the field
      id: bytesToHex(id),
      block_num: num,
      ref_block_prefix: refBlockPrefix(id),
    };
  }

  /** get_raw_block's reply: the signed block as Leap serializes it (receipts' `trx` as `[1, packed_transaction]`). */
  rawBlock(block: SignedBlock): unknown {
    return {
      ...this.signedHeader(block),
      transactions: block.transactions.map((r) => ({
        status: 'executed',
        cpu_usage_us: r.cpuUsageUs,
        net_usage_words: r.netUsageWords,
        trx: [
          1,
          {
            signatures: r.trx.signatures.map((sig) => sig.toString()),
            compression: r.trx.compression === 1 ? 'zlib' : 'none',
            packed_context_free_data: bytesToHex(r.trx.packedContextFreeData),
            packed_trx: bytesToHex(r.trx.packedTrx),
          },
        ],
      })),
      block_extensions: [],
    };
  }

  /** get_block_header's reply: the id, the signed header and (when asked) the block extensions. */
  blockHeader(block: SignedBlock, id: Uint8Array, includeExtensions: boolean): unknown {
    return { id: bytesToHex(id), signed_block_header: this.signedHeader(block), ...(includeExtensions ? { block_extensions: [] } : {}) };
  }

  private signedHeader(block: SignedBlock): Record<string, unknown> {
    return { ...this.header(block), new_producers: null, header_extensions: [], producer_signature: block.producerSignature.toString() };
  }

  /** get_block_info's reply. */
  blockInfo(block: SignedBlock, id: Uint8Array, num: number): unknown {
    return {
      block_num: num,
      ref_block_num: num & 0xffff,
      id: bytesToHex(id),
      ...this.header(block),
      producer_signature: block.producerSignature.toString(),
      ref_block_prefix: refBlockPrefix(id),
    };
  }

  private actionData(account: string, name: string, data: Uint8Array): unknown {
    const s = this.abis.serializerOf(account);
    if (!s) return bytesToHex(data);
    try {
      return s.decodeAction(name, data);
    } catch {
      return bytesToHex(data);
    }
  }

  private transaction(trx: Transaction): unknown {
    const j = trx.toJSON() as Record<string, unknown>;
    const act = (a: Transaction['actions'][number]) => ({
      ...a.toJSON(),
      data: this.actionData(a.account.toString(), a.name.toString(), a.data),
      hex_data: bytesToHex(a.data),
    });
    return { ...j, context_free_actions: trx.context_free_actions.map(act), actions: trx.actions.map(act) };
  }

  private trace(t: ActionTrace, trxId: string, blockNum: number, blockTime: string): unknown {
    return {
      action_ordinal: t.actionOrdinal,
      creator_action_ordinal: t.creatorActionOrdinal,
      closest_unnotified_ancestor_action_ordinal: t.closestUnnotifiedAncestorActionOrdinal,
      receipt: {
        receiver: t.receipt.receiver,
        act_digest: bytesToHex(t.receipt.actDigest),
        global_sequence: t.receipt.globalSequence,
        recv_sequence: t.receipt.recvSequence,
        auth_sequence: t.receipt.authSequence,
        code_sequence: t.receipt.codeSequence,
        abi_sequence: t.receipt.abiSequence,
      },
      receiver: t.receiver,
      act: {
        account: t.act.account,
        name: t.act.name,
        authorization: t.act.authorization,
        data: this.actionData(t.act.account, t.act.name, t.act.data),
        hex_data: bytesToHex(t.act.data),
      },
      context_free: t.contextFree,
      elapsed: t.elapsedUs,
      console: t.console,
      trx_id: trxId,
      block_num: blockNum,
      block_time: blockTime,
      producer_block_id: null,
      account_ram_deltas: t.ramDeltas,
      except: null,
      error_code: null,
      return_value_hex_data: bytesToHex(t.returnValue),
      ...this.returnValue(t),
    };
  }

  /** `return_value_data`, decoded with the receiver's ABI `action_results` when it declares one. */
  private returnValue(t: ActionTrace): Record<string, unknown> {
    if (t.returnValue.length === 0) return {};
    const s = this.abis.serializerOf(t.receiver);
    const type = s?.actionResultType(t.act.name);
    if (!s || !type) return {};
    try {
      return { return_value_data: s.decode(type, t.returnValue) };
    } catch {
      return {};
    }
  }

  /** push_transaction's (and compute_transaction's) reply: `{transaction_id, processed}` with every action trace. */
  pushResponse(r: PushResult, nested = false): unknown {
    const blockTime = isoMs(r.blockTime);
    const id = r.trace.id;
    const traces = r.trace.traces.map((t) => this.trace(t, id, r.blockNum, blockTime));
    return {
      transaction_id: id,
      processed: {
        id,
        block_num: r.blockNum,
        block_time: blockTime,
        producer_block_id: null,
        receipt: { status: 'executed', cpu_usage_us: r.receipt.cpuUsageUs, net_usage_words: r.receipt.netUsageWords },
        elapsed: r.trace.elapsedUs,
        net_usage: r.receipt.netUsageWords * 8,
        scheduled: false,
        action_traces: nested ? nestTraces(traces as TraceJson[]) : traces,
        account_ram_delta: null,
        except: null,
        error_code: null,
      },
    };
  }
}
