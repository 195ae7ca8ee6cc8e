/**
 * The keosd wallet API over the vault, for `peeros agent`: existing Antelope tools (cleos
 * `--wallet-url`, anything speaking keosd's `/v1/wallet/*`) sign through PeerOS. The vault is one
 * wallet, named `peeros`. What differs from keosd, on purpose:
 *   - `list_keys` answers no private keys (they never leave the vault): it is refused;
 *   - every `sign_transaction` still goes through the vault's verifier, with each action decoded by
 *     its contract's ABI (raw hex under a warning when none is known), as `peeros sign` does;
 *   - `create`, `import_key`, `create_key`, `remove_key` are refused: keys are managed with `peeros key`;
 *   - approvals are asked one at a time, at most MAX_PENDING_SIGNS waiting (wallet-agent-limits.ts).
 * Errors are keosd's JSON shape (`{code, message, error: {code, name, what, details}}`).
 */
import { Transaction, PublicKey, type AbiSerializer, eosioSerializer } from '../../abi/antelope/index.js';
import type { Vault, Verifier } from '../../skv/index.js';
import { VaultError } from '../../skv/index.js';
import type { DmcsBackend } from '../dispatch/dmcs-backend.js';
import { contractSerializer, transactionSummary } from './action-summary.js';
import { MAX_PENDING_SIGNS, MAX_SIGN_ACTIONS } from './wallet-agent-limits.js';

/** The one wallet's name, as `list_wallets` shows it. */
export const WALLET_NAME = 'peeros';

/** A refusal in keosd's terms: HTTP status, exception name and text. */
export class WalletApiError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
  toJSON() {
    return {
      code: this.status,
      message: this.status === 404 ? 'Not Found' : this.status === 413 ? 'Payload Too Large' : 'Internal Service Error',
      error: {
        code: 3120000,
        name: this.exception,
        what: this.message,
        details: [{ message: this.message, file: '', line_number: 0, method: '' }],
      },
    };
  }
}

export interface WalletAgentOptions {
  vault: Vault;
  /** The verifier an unlock installs (terminal, or auto-approve with --yes). */
  verifier: () => Verifier;
  /** The chain whose ABIs decode actions for the approval; undefined: raw hex, with the warning. */
  chain: () => Promise<DmcsBackend | undefined>;
  /** Where each signed transaction is recorded (the agent's terminal): its decoded summary. */
  log?: (line: string) => void;
}

function params(body: unknown, n: number, what: string): unknown[] {
  const list = body === undefined || body === '' ? [] : Array.isArray(body) ? body : [body];
  if (list.length < n) throw new WalletApiError(500, 'invalid_arg_exception', `expected ${what}`);
  return list;
}

export class WalletAgent {
  readonly #o: WalletAgentOptions;
  #unlocked = false;
  /** The sign requests in the approval queue (the one being asked included); each waits for the one before. */
  #signing = 0;
  #approvals: Promise<unknown> = Promise.resolve();

  constructor(o: WalletAgentOptions, unlocked: boolean) {
    this.#o = o;
    this.#unlocked = unlocked;
  }

  /** Answers one `/v1/wallet/<method>` call. */
  async call(method: string, body: unknown): Promise<unknown> {
    switch (method) {
      case 'list_wallets':
        return [this.#unlocked && (await this.#isUnlocked()) ? `${WALLET_NAME} *` : WALLET_NAME];
      case 'get_public_keys':
        await this.#requireUnlocked();
        return (await this.#o.vault.listKeys()).map((k) => k.publicKey);
      case 'lock':
      case 'lock_all':
        await this.#o.vault.lock();
        this.#unlocked = false;
        return {};
      case 'unlock': {
        const [, password] = params(body, 2, '["peeros", "<vault passphrase>"]');
        if (typeof password !== 'string') throw new WalletApiError(500, 'invalid_arg_exception', 'the password must be a string');
        try {
          await this.#o.vault.unlock(password, { verifier: this.#o.verifier() });
        } catch (err) {
          throw new WalletApiError(500, 'wallet_invalid_password_exception', err instanceof Error ? err.message : String(err));
        }
        this.#unlocked = true;
        return {};
      }
      case 'set_timeout':
        return {}; // the vault's own idle lock (peeros agent --unlock-timeout) applies
      case 'sign_transaction':
        return this.#oneAtATime(() => this.#sign(body));
      case 'list_keys':
        throw new WalletApiError(500, 'wallet_exception', 'the PeerOS vault never hands out private keys; use get_public_keys');
      case 'create':
      case 'open':
      case 'import_key':
      case 'create_key':
      case 'remove_key':
        throw new WalletApiError(500, 'wallet_exception', `${method}: manage the vault's keys with 'peeros key' (the agent only signs)`);
      default:
        throw new WalletApiError(404, 'unknown_endpoint', `no wallet method '${method}'`);
    }
  }

  /**
   * Runs one sign request after the ones before it: the verifier asks the user one transaction at a
   * time (two terminal prompts at once both took the user's one answer), and past MAX_PENDING_SIGNS
   * waiting a request is refused at once rather than queueing prompts for the user.
   */
  #oneAtATime<T>(sign: () => Promise<T>): Promise<T> {
    if (this.#signing > MAX_PENDING_SIGNS)
      throw new WalletApiError(503, 'wallet_busy_exception', `${MAX_PENDING_SIGNS} sign requests already wait for approval; retry later`);
    this.#signing++;
    const run = this.#approvals.then(sign).finally(() => this.#signing--);
    this.#approvals = run.catch(() => undefined);
    return run;
  }

  async #isUnlocked(): Promise<boolean> {
    return (await this.#o.vault.status()).unlocked === true;
  }

  async #requireUnlocked(): Promise<void> {
    if (!(await this.#isUnlocked()))
      throw new WalletApiError(500, 'wallet_locked_exception', `wallet '${WALLET_NAME}' is locked; unlock it`);
  }

  async #sign(body: unknown): Promise<unknown> {
    const [txJson, keys, chainId] = params(body, 3, '[transaction, [public keys], chain id]');
    await this.#requireUnlocked();
    if (
      !Array.isArray(keys) ||
      keys.some((k) => typeof k !== 'string') ||
      typeof chainId !== 'string' ||
      !/^[0-9a-fA-F]{64}$/.test(chainId)
    )
      throw new WalletApiError(500, 'invalid_arg_exception', 'expected [transaction, [public keys], 64-hex chain id]');
    let trx: Transaction;
    try {
      trx = Transaction.from(txJson as Parameters<typeof Transaction.from>[0]);
    } catch (err) {
      throw new WalletApiError(500, 'invalid_arg_exception', `the transaction does not decode: ${(err as Error).message}`);
    }
    const actionCount = trx.context_free_actions.length + trx.actions.length;
    if (actionCount > MAX_SIGN_ACTIONS)
      throw new WalletApiError(
        500,
        'invalid_arg_exception',
        `the transaction has ${actionCount} actions; at most ${MAX_SIGN_ACTIONS} are asked in one approval: split it`,
      );
    const held = new Set((await this.#o.vault.listKeys()).map((k) => k.publicKey));
    const wanted = (keys as string[]).map((k) => {
      try {
        return PublicKey.from(k).toString();
      } catch {
        throw new WalletApiError(500, 'invalid_arg_exception', `not a public key: ${k.slice(0, 80)}`);
      }
    });
    const usable = wanted.filter((k) => held.has(k));
    if (usable.length === 0)
      throw new WalletApiError(500, 'wallet_missing_pub_key_exception', 'the vault holds none of the requested keys');
    const serializers = new Map<string, AbiSerializer | undefined>();
    const chain = await this.#o.chain().catch(() => undefined);
    for (const a of [...trx.context_free_actions, ...trx.actions]) {
      const contract = a.account.toString();
      if (serializers.has(contract)) continue;
      if (contract === 'eosio') serializers.set(contract, eosioSerializer());
      else serializers.set(contract, chain ? await contractSerializer(chain, contract).catch(() => undefined) : undefined);
    }
    const summary = transactionSummary(trx, serializers);
    try {
      const r = await this.#o.vault.sign({ chainId, transaction: trx.toBinary(), keys: usable, summary });
      for (const line of summary) this.#o.log?.(`signed ${trx.id.toString().slice(0, 16)}…: ${line}`);
      const original = typeof txJson === 'object' && txJson !== null ? (txJson as Record<string, unknown>) : {};
      const prior = Array.isArray(original.signatures) ? (original.signatures as unknown[]) : [];
      return { ...original, signatures: [...prior, ...r.signatures] };
    } catch (err) {
      if (err instanceof VaultError && err.code === 'NOT_APPROVED') throw new WalletApiError(500, 'tx_not_approved', err.message);
      throw new WalletApiError(500, 'wallet_exception', err instanceof Error ? err.message : String(err));
    }
  }
}
