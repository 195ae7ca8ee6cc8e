/**
 * Chain API v1 (`/v1/chain/*`) as plain handlers: request body in, JSON-ready object out, errors
 * thrown as `ChainError`. Shapes follow Leap's, as @wharfkit/antelope's APIClient and eosjs's
 * JsonRpc/Api read them. The HTTP server (http-server.ts) adds transport, limits and error JSON.
 */
import {
  Abi, AbiSerializer, EOSIO_ABI, Name, PublicKey, Transaction, bytesToHex, sha256,
} from '../abi/antelope/index.js';
import { ChainError } from './chain-error.js';
import type { Chain, PushResult } from './chain.js';
import { slotToMs } from './chain.js';
import { authorityToJson, keyIdOf, publicKeyOfId } from './authority.js';
import type { AccountRecord } from './chain-state.js';
import { ZERO_HASH } from './chain-state.js';
import { refBlockPrefix, type SignedBlock } from './block.js';
import { decodePackedTrx, packedTrxFromJson } from './packed-transaction.js';
import { queryTableRows, type TableRowsParams } from './table-query.js';
import type { ActionTrace } from './action-trace.js';
import type { KeyRecoveryPool } from './key-recovery-pool.js';

export const SERVER_VERSION = 'peeros01';
export const SERVER_VERSION_STRING = 'v0.1.0-peeros-dmcs';

/** Leap's time_point JSON: ISO with milliseconds, no zone. */
export function isoMs(ms: number): string { return new Date(ms).toISOString().slice(0, 23); }

type Body = Record<string, unknown>;

function obj(body: unknown): Body {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ChainError('invalid_http_request', 'expected a JSON object as the request body');
  return body as Body;
}

function nameField(b: Body, field: string): string {
  const v = b[field];
  if (typeof v !== 'string') throw new ChainError('invalid_http_request', `${field}: expected an account name, got ${JSON.stringify(v)}`);
  try { return Name.from(v).toString(); } catch (e) { throw new ChainError('name_type_exception', `${field}: ${(e as Error).message}`); }
}

export class ChainApi {
  private readonly serializers = new Map<string, { seq: number; s: AbiSerializer | null }>();

  /** When set, pushes recover their keys on these worker threads (see key-recovery-pool.ts). */
  pool: KeyRecoveryPool | null = null;

  constructor(readonly chain: Chain) {}

  /** Handlers by endpoint name. */
  readonly endpoints: Record<string, (body: unknown) => unknown> = {
    get_info: () => { this.beforeInfo?.(); return this.getInfo(); },
    get_account: (b) => this.getAccount(obj(b)),
    get_abi: (b) => this.getAbi(obj(b)),
    get_raw_abi: (b) => this.getRawAbi(obj(b)),
    get_raw_code_and_abi: (b) => this.getRawCodeAndAbi(obj(b)),
    get_table_rows: (b) => this.getTableRows(obj(b)),
    get_block: (b) => this.getBlock(obj(b)),
    get_block_info: (b) => this.getBlockInfo(obj(b)),
    get_required_keys: (b) => this.getRequiredKeys(obj(b)),
    push_transaction: (b) => (this.forward ? this.forward('push_transaction', b) : this.push(b)),
    send_transaction: (b) => (this.forward ? this.forward('send_transaction', b) : this.push(b)),
    send_transaction2: (b) => (this.forward ? this.forward('send_transaction2', b) : this.push(obj(b).transaction)),
    compute_transaction: (b) => this.compute(obj(b)),
    get_currency_balance: (b) => this.getCurrencyBalance(obj(b)),
    get_accounts_by_authorizers: (b) => this.getAccountsByAuthorizers(obj(b)),
    get_currency_stats: (b) => this.getCurrencyStats(obj(b)),
  };

  /**
   * On a replica: relays a push to the producing node and returns its reply (a ChainError with the
   * producer's exception name when it refuses), as Leap API nodes relay transactions to producers.
   */
  forward: ((endpoint: string, body: unknown) => Promise<unknown>) | null = null;

  /** Runs before get_info answers (the node refreshes stale recent blocks there). */
  beforeInfo: (() => void) | null = null;

  /** The block log's key, genesis and replication address (set by the node). */
  blockLogInfo: (() => unknown) | null = null;

  /** PeerOS extensions under `/v1/peeros/`: not part of Antelope's API. */
  readonly peerosEndpoints: Record<string, (body: unknown) => unknown> = {
    get_block_log: () => {
      if (!this.blockLogInfo) throw new ChainError('unsupported_feature', 'this node does not describe its block log');
      return this.blockLogInfo();
    },
    get_state_digest: () => ({
      head_block_num: this.chain.head.num,
      head_block_id: bytesToHex(this.chain.head.id),
      durable_block_num: this.chain.durableNum,
      pending_transactions: this.chain.pendingCount,
      state_digest: bytesToHex(this.chain.state.digest()),
    }),
  };

  private account(name: string): AccountRecord {
    const a = this.chain.state.getAccount(name);
    if (!a) throw new ChainError('account_query_exception', `unknown key (account ${name} does not exist)`);
    return a;
  }

  /** The ABI serializer of `account` (cached per ABI version), null when it has none. */
  serializerOf(account: string): AbiSerializer | null {
    const a = this.chain.state.getAccount(account);
    if (!a) return null;
    const hit = this.serializers.get(account);
    if (hit && hit.seq === a.abiSequence) return hit.s;
    let s: AbiSerializer | null = null;
    if (a.abi) { try { s = new AbiSerializer(Abi.fromBinary(a.abi), { legacyKeys: true }); } catch { s = null; } }
    else if (account === 'eosio') s = new AbiSerializer(EOSIO_ABI, { legacyKeys: true });
    this.serializers.set(account, { seq: a.abiSequence, s });
    return s;
  }

  getInfo(): unknown {
    const c = this.chain;
    const lib = Math.min(c.durableNum, c.head.num);
    const libId = c.head.num === lib ? c.head.id : this.blockIdOf(lib);
    const headTime = isoMs(slotToMs(c.head.timestamp));
    return {
      server_version: SERVER_VERSION,
      chain_id: c.chainIdHex,
      head_block_num: c.head.num,
      last_irreversible_block_num: lib,
      last_irreversible_block_id: bytesToHex(libId),
      head_block_id: bytesToHex(c.head.id),
      head_block_time: headTime,
      head_block_producer: 'eosio',
      virtual_block_cpu_limit: 200000000,
      virtual_block_net_limit: 1048576000,
      block_cpu_limit: 200000,
      block_net_limit: 1048576,
      server_version_string: SERVER_VERSION_STRING,
      fork_db_head_block_num: c.head.num,
      fork_db_head_block_id: bytesToHex(c.head.id),
      server_full_version_string: SERVER_VERSION_STRING,
      total_cpu_weight: 0,
      total_net_weight: 0,
      earliest_available_block_num: 1,
      last_irreversible_block_time: headTime,
    };
  }

  private blockIdOf(num: number): Uint8Array {
    return this.chain.blockIdByNum(num) ?? new Uint8Array(32);
  }

  getAccount(b: Body): unknown {
    const a = this.account(nameField(b, 'account_name'));
    const c = this.chain;
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
      ram_quota: -1,
      net_weight: -1,
      cpu_weight: -1,
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

  getAbi(b: Body): unknown {
    const name = nameField(b, 'account_name');
    const a = this.account(name);
    if (a.abi) {
      try { return { account_name: name, abi: Abi.fromBinary(a.abi).toJSON() }; } catch (e) {
        throw new ChainError('abi_type_exception', `the ABI of ${name} cannot be decoded: ${(e as Error).message}`);
      }
    }
    if (name === 'eosio') return { account_name: name, abi: EOSIO_ABI.toJSON() };
    return { account_name: name };
  }

  getRawAbi(b: Body): unknown {
    const name = nameField(b, 'account_name');
    const a = this.account(name);
    // eosio without a system contract serves the native actions' ABI, as get_abi does
    const abi = a.abi ?? (name === 'eosio' ? EOSIO_ABI.toBinary() : new Uint8Array(0));
    return {
      account_name: name,
      code_hash: bytesToHex(a.codeHash),
      abi_hash: bytesToHex(abi.length ? sha256(abi) : ZERO_HASH),
      abi: Buffer.from(abi).toString('base64'),
    };
  }

  getRawCodeAndAbi(b: Body): unknown {
    const name = nameField(b, 'account_name');
    const a = this.account(name);
    return {
      account_name: name,
      wasm: Buffer.from(a.code ?? new Uint8Array(0)).toString('base64'),
      abi: Buffer.from(a.abi ?? (name === 'eosio' ? EOSIO_ABI.toBinary() : new Uint8Array(0))).toString('base64'),
    };
  }

  getTableRows(b: Body): unknown {
    const p = b as TableRowsParams;
    const code = typeof p.code === 'string' ? p.code : '';
    let decode: ((bytes: Uint8Array) => unknown) | null = null;
    const json = p.json === true || p.json === 'true';
    if (json) {
      const s = this.serializerOf(code);
      const type = s?.tableType(String(p.table));
      if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
      if (!type) throw new ChainError('contract_table_query_exception', `Table ${String(p.table)} is not specified in the ABI`);
      decode = (bytes) => s.decode(type, bytes);
    }
    return queryTableRows(this.chain.state.tables, p, decode);
  }

  /**
   * Leap's get_accounts_by_authorizers: every permission whose authority names one of `keys` or
   * one of `accounts` (`name` = any permission of it, or `{actor, permission}`), with its weight.
   */
  getAccountsByAuthorizers(b: Body): unknown {
    const keys = Array.isArray(b.keys) ? b.keys : [];
    const accounts = Array.isArray(b.accounts) ? b.accounts : [];
    const keyIds = new Map<string, string>();
    for (const k of keys) {
      try { keyIds.set(keyIdOf(PublicKey.from(String(k))), String(k)); } catch (e) {
        throw new ChainError('public_key_type_exception', `keys: ${(e as Error).message}`);
      }
    }
    const levels = accounts.map((a, i) => {
      if (typeof a !== 'string' && (typeof a !== 'object' || a === null)) throw new ChainError('invalid_http_request', `accounts[${i}]: expected a name or {actor, permission}`);
      try {
        return typeof a === 'string'
          ? { actor: Name.from(a).toString(), permission: '' }
          : { actor: Name.from(String((a as Record<string, unknown>).actor)).toString(), permission: Name.from(String((a as Record<string, unknown>).permission)).toString() };
      } catch (e) { // String() of an object whose toString is not a function throws a TypeError
        throw new ChainError('name_type_exception', `accounts[${i}]: ${(e as Error).message}`);
      }
    });
    const out: unknown[] = [];
    const names = [...this.chain.state.accounts.keys()].sort((x, y) => (Name.from(x).value < Name.from(y).value ? -1 : 1));
    for (const name of names) {
      const acct = this.chain.state.accounts.get(name)!;
      for (const perm of [...acct.permissions.values()].sort((x, y) => (Name.from(x.name).value < Name.from(y.name).value ? -1 : 1))) {
        for (const kw of perm.auth.keys) {
          if (keyIds.has(kw.key)) out.push({ account_name: name, permission_name: perm.name, authorizing_key: keyIds.get(kw.key), weight: kw.weight, threshold: perm.auth.threshold });
        }
        for (const aw of perm.auth.accounts) {
          if (levels.some((l) => l.actor === aw.permission.actor && (l.permission === '' || l.permission === aw.permission.permission))) {
            out.push({ account_name: name, permission_name: perm.name, authorizing_account: aw.permission, weight: aw.weight, threshold: perm.auth.threshold });
          }
        }
      }
    }
    return { accounts: out };
  }

  /** Leap's get_currency_balance: the `balance` of each `accounts` row in scope `account`. */
  getCurrencyBalance(b: Body): unknown {
    const code = nameField(b, 'code');
    const account = nameField(b, 'account');
    const symbol = typeof b.symbol === 'string' && b.symbol !== '' ? b.symbol.toUpperCase() : undefined;
    const s = this.serializerOf(code);
    if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
    const type = s.tableType('accounts');
    if (!type) throw new ChainError('contract_table_query_exception', `Table accounts is not specified in the ABI of ${code}`);
    const t = this.chain.state.tables.findTable(Name.from(code).value, Name.from(account).value, Name.from('accounts').value);
    const out: string[] = [];
    for (const k of t?.keys ?? []) {
      const row = s.decode(type, t!.rows.get(k)!.value) as { balance?: unknown };
      const bal = String(row.balance ?? '');
      if (!symbol || bal.endsWith(` ${symbol}`)) out.push(bal);
    }
    return out;
  }

  /** Leap's get_currency_stats: the `stat` row of `symbol`, keyed by its code. */
  getCurrencyStats(b: Body): unknown {
    const code = nameField(b, 'code');
    const symbol = typeof b.symbol === 'string' ? b.symbol.toUpperCase() : '';
    const s = this.serializerOf(code);
    if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
    const type = s.tableType('stat');
    if (!type) throw new ChainError('contract_table_query_exception', `Table stat is not specified in the ABI of ${code}`);
    const res = queryTableRows(this.chain.state.tables, { code, table: 'stat', scope: symbol, json: true, limit: 1 }, (bytes) => s.decode(type, bytes));
    return res.rows.length ? { [symbol]: res.rows[0] } : {};
  }

  private async blockParam(b: Body, field: string): Promise<{ block: SignedBlock; id: Uint8Array; num: number }> {
    const v = b[field];
    let num: number;
    if (typeof v === 'number') num = v;
    else if (typeof v === 'string' && /^\d+$/.test(v)) num = Number(v);
    else if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) num = parseInt(v.slice(0, 8), 16);
    else throw new ChainError('invalid_http_request', `${field}: expected a block number or a block id, got ${JSON.stringify(v)}`);
    const got = await this.chain.getBlock(num);
    if (!got || (typeof v === 'string' && v.length === 64 && bytesToHex(got.id) !== v.toLowerCase())) {
      throw new ChainError('unknown_block_exception', `Could not find block: ${String(v)}`);
    }
    return { ...got, num };
  }

  private headerJson(block: SignedBlock): Record<string, unknown> {
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

  async getBlock(b: Body): Promise<unknown> {
    const { block, id, num } = await this.blockParam(b, 'block_num_or_id');
    return {
      ...this.headerJson(block),
      new_producers: null,
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
            transaction: this.transactionJson(d.trx),
          },
        };
      }),
      // block_extensions is omitted when empty: @wharfkit/antelope 1.2 cannot resolve its field type
      id: bytesToHex(id),
      block_num: num,
      ref_block_prefix: refBlockPrefix(id),
    };
  }

  async getBlockInfo(b: Body): Promise<unknown> {
    const { block, id, num } = await this.blockParam(b, 'block_num');
    return {
      block_num: num,
      ref_block_num: num & 0xffff,
      id: bytesToHex(id),
      ...this.headerJson(block),
      producer_signature: block.producerSignature.toString(),
      ref_block_prefix: refBlockPrefix(id),
    };
  }

  private actionDataJson(account: string, name: string, data: Uint8Array): unknown {
    const s = this.serializerOf(account);
    if (!s) return bytesToHex(data);
    try { return s.decodeAction(name, data); } catch { return bytesToHex(data); }
  }

  private transactionJson(trx: Transaction): unknown {
    const j = trx.toJSON() as Record<string, unknown>;
    const act = (a: Transaction['actions'][number]) => ({
      ...a.toJSON(),
      data: this.actionDataJson(a.account.toString(), a.name.toString(), a.data),
      hex_data: bytesToHex(a.data),
    });
    return { ...j, context_free_actions: trx.context_free_actions.map(act), actions: trx.actions.map(act) };
  }

  getRequiredKeys(b: Body): unknown {
    const t = b.transaction;
    if (typeof t !== 'object' || t === null) throw new ChainError('invalid_http_request', 'transaction: expected a transaction object');
    const available = b.available_keys;
    if (!Array.isArray(available)) throw new ChainError('invalid_http_request', 'available_keys: expected an array of public keys');
    const byId = new Map<string, string>();
    for (const k of available) {
      try { byId.set(keyIdOf(PublicKey.from(String(k))), String(k)); } catch (e) {
        throw new ChainError('public_key_type_exception', `available_keys: ${(e as Error).message}`);
      }
    }
    const actions = (t as { actions?: unknown }).actions;
    if (!Array.isArray(actions)) throw new ChainError('transaction_type_exception', 'transaction.actions: expected an array');
    const acts = actions.map((a: Record<string, unknown>, i) => {
      try {
        const account = Name.from(String(a.account)).toString();
        const name = Name.from(String(a.name)).toString();
        const authorization = (Array.isArray(a.authorization) ? a.authorization : []).map((l: Record<string, unknown>) => ({
          actor: Name.from(String(l.actor)).toString(), permission: Name.from(String(l.permission)).toString(),
        }));
        let data: Uint8Array = new Uint8Array(0);
        if (typeof a.data === 'string' && /^([0-9a-fA-F]{2})*$/.test(a.data)) data = new Uint8Array(Buffer.from(a.data, 'hex'));
        else if (typeof a.hex_data === 'string') data = new Uint8Array(Buffer.from(a.hex_data, 'hex'));
        else if (a.data && typeof a.data === 'object') {
          const s = this.serializerOf(account);
          if (s) data = s.encodeAction(name, a.data);
        }
        return { account, name, authorization, data };
      } catch (e) {
        if (e instanceof ChainError) throw e;
        throw new ChainError('transaction_type_exception', `transaction.actions[${i}]: ${(e as Error).message}`);
      }
    });
    const checker = this.chain.auth.check(acts, new Set(byId.keys()), [], true);
    return { required_keys: [...checker.usedKeys].map((id) => byId.get(id) ?? publicKeyOfId(id).toString()) };
  }

  /** push_transaction / send_transaction. */
  push(body: unknown): unknown {
    const packed = packedTrxFromJson(body);
    // the reply waits until the transaction is journaled: "executed" stays true across a kill -9
    const reply = (r: PushResult) => (r.accepted ? r.accepted.then(() => this.pushResponse(r)) : this.pushResponse(r));
    if (this.pool) return this.chain.pushTransactionAsync(packed, this.pool).then(reply);
    return reply(this.chain.pushTransaction(packed));
  }

  compute(b: Body): unknown {
    const result = this.chain.computeTransaction(packedTrxFromJson(b.transaction ?? b));
    return this.pushResponse(result);
  }

  private traceJson(t: ActionTrace, trxId: string, blockNum: number, blockTime: string): unknown {
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
        data: this.actionDataJson(t.act.account, t.act.name, t.act.data),
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
      ...this.returnValueJson(t),
    };
  }

  /** `return_value_data`, decoded with the receiver's ABI `action_results` when it declares one. */
  private returnValueJson(t: ActionTrace): Record<string, unknown> {
    if (t.returnValue.length === 0) return {};
    const s = this.serializerOf(t.receiver);
    const type = s?.actionResultType(t.act.name);
    if (!s || !type) return {};
    try { return { return_value_data: s.decode(type, t.returnValue) }; } catch { return {}; }
  }

  pushResponse(r: PushResult): unknown {
    const blockTime = isoMs(r.blockTime);
    const id = r.trace.id;
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
        action_traces: r.trace.traces.map((t) => this.traceJson(t, id, r.blockNum, blockTime)),
        account_ram_delta: null,
        except: null,
        error_code: null,
      },
    };
  }
}
