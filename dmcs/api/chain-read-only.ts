/**
 * The chain API's read-only endpoints (Leap's `chain_apis::read_only`): chain info, accounts,
 * ABIs and code, table rows, currency balances and stats, blocks, the keys a transaction needs,
 * and compute_transaction (which executes and keeps nothing). Each takes the request body and
 * returns the reply; JSON shaping of chain objects is chain-json.ts.
 */
import { blockHeaderStateJson } from './header-state-json.js';
import { EOSIO_ABI, Name, PublicKey, Transaction, bytesToHex, sha256 } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';
import type { Chain } from '../chain/chain.js';
import { slotToMs } from '../chain/chain.js';
import { keyIdOf, publicKeyOfId } from '../authority.js';
import type { AccountRecord } from '../state/chain-state.js';
import { ZERO_HASH } from '../state/account-record.js';
import type { SignedBlock } from '../block.js';
import { packedTrxFromJson } from '../packed-transaction.js';
import { MAX_TABLE_ROWS, MAX_TABLE_ROWS_BYTES, queryTableRows, toUint64, type TableRowsParams } from './table-query.js';
import type { ContractAbis } from './contract-abis.js';
import { isoMs, type ChainJson } from './chain-json.js';
import { nameField, paramText, type Body } from './request-body.js';

export const SERVER_VERSION = 'peeros01';
export const SERVER_VERSION_STRING = 'v0.1.0-peeros-dmcs';

/** Keys and accounts one get_accounts_by_authorizers request may name. */
export const MAX_AUTHORIZERS = 1000;

export class ChainReadOnly {
  constructor(
    private readonly chain: Chain,
    private readonly abis: ContractAbis,
    private readonly json: ChainJson,
    /** Whether get_accounts_by_authorizers is served (it walks every account: `NodeOptions.accountQueries`). */
    private readonly accountQueries = true,
  ) {}

  private account(name: string): AccountRecord {
    const a = this.chain.state.getAccount(name);
    if (!a) throw new ChainError('account_query_exception', `unknown key (account ${name} does not exist)`);
    return a;
  }

  getInfo(): unknown {
    const c = this.chain;
    const lib = c.lastIrreversibleBlockNum;
    const libId = c.head.num === lib ? c.head.id : this.blockIdOf(lib);
    const headTime = isoMs(slotToMs(c.head.timestamp));
    const libSlot = c.blockSlotByNum(lib);
    return {
      server_version: SERVER_VERSION,
      chain_id: c.chainIdHex,
      head_block_num: c.head.num,
      last_irreversible_block_num: lib,
      last_irreversible_block_id: bytesToHex(libId),
      head_block_id: bytesToHex(c.head.id),
      head_block_time: headTime,
      head_block_producer: c.head.block.producer,
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
      last_irreversible_block_time: libSlot === undefined ? headTime : isoMs(slotToMs(libSlot)),
    };
  }

  private blockIdOf(num: number): Uint8Array {
    return this.chain.blockIdByNum(num) ?? new Uint8Array(32);
  }

  getAccount(b: Body): unknown {
    return this.json.account(this.account(nameField(b, 'account_name')));
  }

  getAbi(b: Body): unknown {
    const name = nameField(b, 'account_name');
    this.account(name);
    let abi: unknown;
    try {
      abi = this.abis.jsonOf(name);
    } catch (e) {
      throw new ChainError('abi_type_exception', `the ABI of ${name} cannot be decoded: ${(e as Error).message}`);
    }
    return abi === undefined ? { account_name: name } : { account_name: name, abi };
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

  /** Leap's get_code (`code_as_wasm`): the wasm as a string of byte-valued characters, as Leap sends it, and the ABI. */
  getCode(b: Body): unknown {
    const name = nameField(b, 'account_name');
    const a = this.account(name);
    const abi = this.getAbi(b) as { abi?: unknown };
    return {
      account_name: name,
      code_hash: bytesToHex(a.codeHash),
      wast: '',
      wasm: Buffer.from(a.code ?? new Uint8Array(0)).toString('latin1'),
      // Leap leaves `abi` out without one; clients (wharfkit) require the field, so an empty ABI
      abi: abi.abi ?? { version: 'eosio::abi/1.0', types: [], structs: [], actions: [], tables: [], ricardian_clauses: [], variants: [] },
    };
  }

  getCodeHash(b: Body): unknown {
    const name = nameField(b, 'account_name');
    return { account_name: name, code_hash: bytesToHex(this.account(name).codeHash) };
  }

  /**
   * Leap's get_table_by_scope: the tables of `code` (optionally one table name) by scope, with row
   * counts; bounds as Leap reads them (a number, a name or a symbol code), `limit` tables looked at
   * (at most 1,000), `more` the scope of the next one, `time_limit_ms` ending the page early
   * (`TableStore.tablePage`).
   */
  getTableByScope(b: Body): unknown {
    const code = Name.from(nameField(b, 'code')).value;
    const table = typeof b.table === 'string' && b.table !== '' ? Name.from(b.table).value : null;
    const bound = (v: unknown, what: string, none: bigint): bigint => (v === undefined || v === '' ? none : toUint64(v, what));
    const limit = b.limit === undefined ? 10 : Math.min(Math.max(0, Number(b.limit) | 0), 1000);
    const ms = b.time_limit_ms;
    const deadline = typeof ms === 'number' && ms >= 0 ? performance.now() + ms : null;
    const { tables, more } = this.chain.state.tables.tablePage(code, {
      lower: bound(b.lower_bound, 'lower_bound scope', 0n),
      upper: bound(b.upper_bound, 'upper_bound scope', 2n ** 64n - 1n),
      table,
      limit,
      reverse: b.reverse === true || b.reverse === 'true',
      ...(deadline !== null ? { expired: () => performance.now() >= deadline } : {}),
    });
    const rows = tables.map((t) => ({
      code: Name.fromU64(t.code).toString(),
      scope: Name.fromU64(t.scope).toString(),
      table: Name.fromU64(t.table).toString(),
      payer: Name.fromU64(t.payer).toString(),
      count: t.size,
    }));
    return { rows, more: more !== null ? Name.fromU64(more).toString() : '' };
  }

  /** Leap's get_transaction_id: the id of a transaction given as JSON (action data as hex). */
  getTransactionId(b: Body): unknown {
    try {
      return Transaction.from(b as unknown as Parameters<typeof Transaction.from>[0]).id.toString();
    } catch (e) {
      throw new ChainError('transaction_type_exception', `Invalid transaction: ${(e as Error).message}`);
    }
  }

  getTableRows(b: Body): unknown {
    const p = b as TableRowsParams;
    const code = typeof p.code === 'string' ? p.code : '';
    let decode: ((bytes: Uint8Array) => unknown) | null = null;
    const json = p.json === true || p.json === 'true';
    if (json) {
      const s = this.abis.serializerOf(code);
      const table = paramText(p.table, 'table');
      const type = s?.tableType(table);
      if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
      if (!type) throw new ChainError('contract_table_query_exception', `Table ${table} is not specified in the ABI`);
      decode = (bytes) => s.decode(type, bytes);
    }
    return queryTableRows(this.chain.state.tables, p, decode);
  }

  /**
   * Leap's get_accounts_by_authorizers: every permission whose authority names one of `keys` or
   * one of `accounts` (`name` = any permission of it, or `{actor, permission}`), with its weight.
   * It walks every account of the state (with a state store, every one read back from disk), so a
   * node serves it only when started for it (Leap's `enable-account-queries`, off by default there
   * too), and at most `MAX_AUTHORIZERS` keys and accounts a request.
   */
  getAccountsByAuthorizers(b: Body): unknown {
    if (!this.accountQueries) {
      throw new ChainError(
        'unsupported_feature',
        'get_accounts_by_authorizers walks every account of the state: this node does not serve it (start it with --account-queries)',
      );
    }
    const keys = Array.isArray(b.keys) ? b.keys : [];
    const accounts = Array.isArray(b.accounts) ? b.accounts : [];
    if (keys.length + accounts.length > MAX_AUTHORIZERS) {
      throw new ChainError('invalid_http_request', `at most ${MAX_AUTHORIZERS} keys and accounts a request (MAX_AUTHORIZERS)`);
    }
    const keyIds = new Map<string, string>();
    for (const k of keys) {
      try {
        keyIds.set(keyIdOf(PublicKey.from(String(k))), String(k));
      } catch (e) {
        throw new ChainError('public_key_type_exception', `keys: ${(e as Error).message}`);
      }
    }
    const levels = accounts.map((a, i) => {
      if (typeof a !== 'string' && (typeof a !== 'object' || a === null))
        throw new ChainError('invalid_http_request', `accounts[${i}]: expected a name or {actor, permission}`);
      try {
        return typeof a === 'string'
          ? { actor: Name.from(a).toString(), permission: '' }
          : {
              actor: Name.from(String((a as Record<string, unknown>).actor)).toString(),
              permission: Name.from(String((a as Record<string, unknown>).permission)).toString(),
            };
      } catch (e) {
        // String() of an object whose toString is not a function throws a TypeError
        throw new ChainError('name_type_exception', `accounts[${i}]: ${(e as Error).message}`);
      }
    });
    // an actor's any permission, or one of them
    const wanted = new Set(levels.map((l) => (l.permission === '' ? l.actor : `${l.actor}@${l.permission}`)));
    const out: unknown[] = [];
    const byValue = (x: { value: bigint }, y: { value: bigint }) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);
    const all = [...this.chain.state.accounts.values()].map((a) => ({ acct: a, value: a.value })).sort(byValue);
    for (const { acct } of all) {
      const name = acct.name;
      const perms = [...acct.permissions.values()].map((p) => ({ perm: p, value: Name.from(p.name).value })).sort(byValue);
      for (const { perm } of perms) {
        for (const kw of perm.auth.keys) {
          if (keyIds.has(kw.key))
            out.push({
              account_name: name,
              permission_name: perm.name,
              authorizing_key: keyIds.get(kw.key),
              weight: kw.weight,
              threshold: perm.auth.threshold,
            });
        }
        for (const aw of perm.auth.accounts) {
          const { actor, permission } = aw.permission;
          if (wanted.has(actor) || wanted.has(`${actor}@${permission}`)) {
            out.push({
              account_name: name,
              permission_name: perm.name,
              authorizing_account: aw.permission,
              weight: aw.weight,
              threshold: perm.auth.threshold,
            });
          }
        }
      }
    }
    return { accounts: out };
  }

  /**
   * Leap's get_currency_balance: the `balance` of each `accounts` row in scope `account`, decoded
   * through the contract's ABI; a scope of more than `MAX_TABLE_ROWS` rows, or of more than
   * `MAX_TABLE_ROWS_BYTES` of rows, is refused (anyone's contract can hold one, and each row costs
   * a decode of its size: Leap bounds it by time).
   */
  getCurrencyBalance(b: Body): unknown {
    const code = nameField(b, 'code');
    const account = nameField(b, 'account');
    const symbol = typeof b.symbol === 'string' && b.symbol !== '' ? b.symbol.toUpperCase() : undefined;
    const s = this.abis.serializerOf(code);
    if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
    const type = s.tableType('accounts');
    if (!type) throw new ChainError('contract_table_query_exception', `Table accounts is not specified in the ABI of ${code}`);
    const t = this.chain.state.tables.findTable(Name.from(code).value, Name.from(account).value, Name.from('accounts').value);
    if (t && t.size > MAX_TABLE_ROWS) {
      throw new ChainError(
        'contract_table_query_exception',
        `${code}'s accounts table holds ${t.size} rows in scope ${account}, more than ${MAX_TABLE_ROWS} (MAX_TABLE_ROWS): read it with get_table_rows`,
      );
    }
    let bytes = 0;
    for (const r of t?.rowsInOrder() ?? []) bytes += r.value.length;
    if (bytes > MAX_TABLE_ROWS_BYTES) {
      throw new ChainError(
        'contract_table_query_exception',
        `${code}'s accounts table holds ${bytes} bytes of rows in scope ${account}, more than ${MAX_TABLE_ROWS_BYTES} (MAX_TABLE_ROWS_BYTES): read it with get_table_rows`,
      );
    }
    const out: string[] = [];
    for (const r of t?.rowsInOrder() ?? []) {
      const row = s.decode(type, r.value) as { balance?: unknown };
      const bal = String(row.balance ?? '');
      if (!symbol || bal.endsWith(` ${symbol}`)) out.push(bal);
    }
    return out;
  }

  /** Leap's get_currency_stats: the `stat` row of `symbol`, keyed by its code. */
  getCurrencyStats(b: Body): unknown {
    const code = nameField(b, 'code');
    const symbol = typeof b.symbol === 'string' ? b.symbol.toUpperCase() : '';
    const s = this.abis.serializerOf(code);
    if (!s) throw new ChainError('abi_not_found_exception', `No ABI found for ${code}`);
    const type = s.tableType('stat');
    if (!type) throw new ChainError('contract_table_query_exception', `Table stat is not specified in the ABI of ${code}`);
    const res = queryTableRows(this.chain.state.tables, { code, table: 'stat', scope: symbol, json: true, limit: 1 }, (bytes) =>
      s.decode(type, bytes),
    );
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

  async getBlock(b: Body): Promise<unknown> {
    const { block, id, num } = await this.blockParam(b, 'block_num_or_id');
    return this.json.block(block, id, num);
  }

  async getRawBlock(b: Body): Promise<unknown> {
    const { block } = await this.blockParam(b, 'block_num_or_id');
    return this.json.rawBlock(block);
  }

  /**
   * Leap's get_transaction_status (trx_finality_status): LOCALLY_APPLIED in the pending block,
   * IN_BLOCK, IRREVERSIBLE once its block is, FORKED_OUT when a fork switch popped its block and it
   * did not apply again on the new branch, UNKNOWN when not tracked (never seen, or its block is
   * older than the retention); with the head, the last irreversible block and the earliest tracked one.
   */
  async getTransactionStatus(b: Body): Promise<unknown> {
    const id = b.id;
    if (typeof id !== 'string' || !/^[0-9a-fA-F]{64}$/.test(id)) {
      throw new ChainError('invalid_http_request', `id: expected a transaction id (64 hex digits), got ${JSON.stringify(id)}`);
    }
    const status = this.chain.transactionStatus;
    const t = status.get(id.toLowerCase());
    const head = this.chain.head;
    const lib = this.chain.lastIrreversibleBlockNum;
    const libBlock = await this.chain.getBlock(lib);
    const earliest = status.earliestBlock() ?? head.num;
    const common = {
      head_number: head.num,
      head_id: bytesToHex(head.id),
      head_timestamp: isoMs(slotToMs(head.timestamp)),
      irreversible_number: lib,
      irreversible_id: libBlock ? bytesToHex(libBlock.id) : '',
      irreversible_timestamp: libBlock ? isoMs(slotToMs(libBlock.block.timestamp)) : '',
      earliest_tracked_block_id: bytesToHex(this.chain.blockIdByNum(earliest) ?? head.id),
      earliest_tracked_block_number: earliest,
    };
    if (!t) return { state: 'UNKNOWN', ...common };
    const expiration = isoMs(t.expiration * 1000).slice(0, 19);
    if (!t.block) return { state: 'LOCALLY_APPLIED', block_number: t.blockNum, expiration, ...common };
    // its block was popped by a fork switch and it was not applied again on the new branch
    const onBranch = this.chain.blockIdByNum(t.blockNum);
    if (!onBranch || bytesToHex(onBranch) !== bytesToHex(t.block.id)) return { state: 'FORKED_OUT', expiration, ...common };
    return {
      state: t.blockNum <= lib ? 'IRREVERSIBLE' : 'IN_BLOCK',
      block_number: t.blockNum,
      block_id: bytesToHex(t.block.id),
      block_timestamp: isoMs(t.block.timeMs),
      expiration,
      ...common,
    };
  }

  /** Leap serves the header state of fork-database blocks only: the head and those after the last irreversible block. */
  getBlockHeaderState(b: Body): unknown {
    const v = b.block_num_or_id;
    let num: number;
    if (typeof v === 'number' && Number.isInteger(v)) num = v;
    else if (typeof v === 'string' && /^\d+$/.test(v)) num = Number(v);
    else if (typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v)) num = parseInt(v.slice(0, 8), 16);
    else throw new ChainError('invalid_http_request', `block_num_or_id: expected a block number or a block id, got ${JSON.stringify(v)}`);
    const head = this.chain.reversibleBlock(num);
    if (!head || (typeof v === 'string' && v.length === 64 && bytesToHex(head.id) !== v.toLowerCase())) {
      throw new ChainError('unknown_block_exception', `Could not find reversible block: ${String(v)}`);
    }
    return blockHeaderStateJson(head);
  }

  async getBlockHeader(b: Body): Promise<unknown> {
    const { block, id } = await this.blockParam(b, 'block_num_or_id');
    return this.json.blockHeader(block, id, b.include_extensions === true);
  }

  async getBlockInfo(b: Body): Promise<unknown> {
    const { block, id, num } = await this.blockParam(b, 'block_num');
    return this.json.blockInfo(block, id, num);
  }

  getRequiredKeys(b: Body): unknown {
    const t = b.transaction;
    if (typeof t !== 'object' || t === null) throw new ChainError('invalid_http_request', 'transaction: expected a transaction object');
    const available = b.available_keys;
    if (!Array.isArray(available)) throw new ChainError('invalid_http_request', 'available_keys: expected an array of public keys');
    const byId = new Map<string, string>();
    for (const k of available) {
      try {
        byId.set(keyIdOf(PublicKey.from(String(k))), String(k));
      } catch (e) {
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
          actor: Name.from(String(l.actor)).toString(),
          permission: Name.from(String(l.permission)).toString(),
        }));
        let data: Uint8Array = new Uint8Array(0);
        if (typeof a.data === 'string' && /^([0-9a-fA-F]{2})*$/.test(a.data)) data = new Uint8Array(Buffer.from(a.data, 'hex'));
        else if (typeof a.hex_data === 'string') data = new Uint8Array(Buffer.from(a.hex_data, 'hex'));
        else if (a.data && typeof a.data === 'object') {
          const s = this.abis.serializerOf(account);
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

  /** compute_transaction: executes without signatures and keeps nothing. */
  compute(b: Body): unknown {
    const result = this.chain.computeTransaction(packedTrxFromJson(b.transaction ?? b));
    return this.json.pushResponse(result);
  }
}
