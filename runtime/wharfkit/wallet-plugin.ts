/**
 * `peeros/wharfkit`: a WalletPlugin for `@wharfkit/session` that signs through `peeros agent`
 * (the vault's keosd-compatible wallet API). An application written with @wharfkit/session
 * transacts with PeerOS as its wallet by passing `new PeerosWalletPlugin()` as `walletPlugin`;
 * nothing else changes. Each signature is still shown decoded and approved at the agent.
 *
 * It is typed structurally (no import of @wharfkit/session, which this package does not depend
 * on): Session calls `sign(resolved, context)` with a resolved request whose `transaction` and
 * `chainId` serialize to Antelope JSON, and takes the signatures back as strings.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';

export interface PeerosWalletPluginOptions {
  /** The agent's Unix socket; default `$PEEROS_HOME/agent.sock` (or ~/.peeros/agent.sock). */
  socketPath?: string;
  /** Or its loopback TCP address (`peeros agent --listen`), with the token of agent.token. */
  url?: string;
  token?: string;
  /** The account and permission a Session logs in as (login is otherwise the application's). */
  actor?: string;
  permission?: string;
  /** Per-request limit: the agent waits for the user's approval. */
  timeoutMs?: number;
}

/** The agent's answers are small; a larger one is not the agent. */
const MAX_REPLY_BYTES = 1 << 20;
const DEFAULT_TIMEOUT_MS = 120_000;

interface Jsonable {
  toJSON?(): unknown;
  toString(): string;
}

export class PeerosWalletPlugin {
  readonly id = 'peeros';
  readonly config = { requiresChainSelect: false, requiresPermissionSelect: false };
  readonly metadata = { name: 'PeerOS', description: 'signs through the PeerOS vault (peeros agent)' };
  data: Record<string, unknown> = {};
  readonly translations = {};
  readonly #o: PeerosWalletPluginOptions;

  constructor(options: PeerosWalletPluginOptions = {}) {
    this.#o = options;
  }

  serialize(): { id: string; data: Record<string, unknown> } {
    return { id: this.id, data: this.data };
  }

  /** Logs in as the configured actor@permission on the session's chain. */
  async login(context: { chain?: { id: Jsonable }; permissionLevel?: unknown }): Promise<{ chain: unknown; permissionLevel: unknown }> {
    if (!this.#o.actor && !context.permissionLevel) throw new Error('PeerosWalletPlugin: give { actor } or log in with a permission level');
    return {
      chain: context.chain?.id,
      permissionLevel: context.permissionLevel ?? `${this.#o.actor}@${this.#o.permission ?? 'active'}`,
    };
  }

  /** Signs the resolved transaction with every vault key the agent holds that it may need. */
  async sign(resolved: { transaction: Jsonable; chainId: Jsonable }): Promise<{ signatures: string[] }> {
    const transaction = JSON.parse(JSON.stringify(resolved.transaction)) as Record<string, unknown>;
    const chainId = String(resolved.chainId);
    const keys = (await this.#call('get_public_keys', [])) as string[];
    const signed = (await this.#call('sign_transaction', [{ ...transaction, signatures: [], context_free_data: [] }, keys, chainId])) as {
      signatures?: unknown;
    };
    if (!Array.isArray(signed.signatures) || signed.signatures.some((s) => typeof s !== 'string'))
      throw new Error('PeerosWalletPlugin: the agent answered no signatures');
    return { signatures: signed.signatures as string[] };
  }

  #target(): { socketPath: string } | { host: string; port: number; token: string } {
    if (this.#o.url) {
      const u = new URL(this.#o.url);
      const home = process.env.PEEROS_HOME ?? join(homedir(), '.peeros');
      const token = this.#o.token ?? readFileSync(join(home, 'agent.token'), 'utf8').trim();
      return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), token };
    }
    return { socketPath: this.#o.socketPath ?? join(process.env.PEEROS_HOME ?? join(homedir(), '.peeros'), 'agent.sock') };
  }

  #call(method: string, body: unknown): Promise<unknown> {
    const target = this.#target();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if ('token' in target) headers['x-peeros-agent-token'] = target.token;
      const req = request(
        {
          ...('socketPath' in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port }),
          path: `/v1/wallet/${method}`,
          method: 'POST',
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_REPLY_BYTES) req.destroy(new Error(`PeerosWalletPlugin: reply to ${method} exceeds ${MAX_REPLY_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              reject(new Error(`PeerosWalletPlugin: ${method} answered something that is not JSON`));
              return;
            }
            const error = (json as { error?: { name?: string; what?: string } } | null)?.error;
            if ((res.statusCode ?? 500) >= 300 || error)
              reject(new Error(`PeerosWalletPlugin: ${method}: ${error?.name ?? res.statusCode}: ${error?.what ?? ''}`));
            else resolve(json);
          });
        },
      );
      req.setTimeout(this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
        req.destroy(new Error(`PeerosWalletPlugin: no answer to ${method} in time`)),
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }
}
