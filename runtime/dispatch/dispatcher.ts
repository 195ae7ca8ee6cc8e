/**
 * Routes each app's chain traffic to its DMCS: the one its manifest names (`"dmcs": "NAME"`), else
 * the registry's default, over its HTTP chain API (the embedded node too: docs/ARCHITECTURE.md says
 * why there is no in-process transport). Before a backend's first use, its `get_info` is
 * checked against the chain id the registry recorded, so a URL that now serves another chain (a
 * reset dev node, a wrong port) is refused with `CHAIN_MISMATCH` instead of receiving transactions.
 */
import { DmcsError } from './dmcs-error.js';
import type {
  ChainInfo,
  DmcsBackend,
  PushTransactionBody,
  PushTransactionResult,
  TableRowsQuery,
  TableRowsResult,
} from './dmcs-backend.js';
import { type DmcsRegistry, resolveEntry, type DmcsEntry, type RegistryState } from './dmcs-registry.js';
import { HttpBackend } from './http-backend.js';

/**
 * The part of an app manifest dispatch reads: `"dmcs": "NAME"`, or `"dmcs": {"name": "NAME", …}`
 * (the manifest's DMCS section, which also names the app's contracts). Absent: the default DMCS.
 */
export interface DmcsRoute {
  dmcs?: string | { name?: unknown; [field: string]: unknown } | null;
}

/** The registry name an app's manifest asks for, or null for the default. */
export function dmcsNameOf(manifest?: DmcsRoute | null): string | null {
  const d = manifest?.dmcs;
  if (d === undefined || d === null) return null;
  if (typeof d === 'string') return d;
  if (typeof d === 'object' && d.name !== undefined) {
    if (typeof d.name !== 'string')
      throw new DmcsError('BAD_ARGUMENT', `manifest dmcs.name must be a DMCS name (string), got ${JSON.stringify(d.name)}`);
    return d.name;
  }
  return null;
}

export interface DispatcherOptions {
  /** Builds the HTTP backend for an entry; tests may shorten timeouts here. */
  httpBackend?: (entry: DmcsEntry) => DmcsBackend;
}

export class Dispatcher {
  readonly #registry: DmcsRegistry;
  readonly #makeHttp: (entry: DmcsEntry) => DmcsBackend;
  readonly #backends = new Map<string, ChainCheckedBackend>();

  constructor(registry: DmcsRegistry, opts: DispatcherOptions = {}) {
    this.#registry = registry;
    this.#makeHttp = opts.httpBackend ?? ((e) => new HttpBackend(e.url, { label: e.name }));
  }

  /** The registry entry an app with this manifest is routed to. */
  async route(manifest?: DmcsRoute | null): Promise<DmcsEntry> {
    const state: RegistryState = await this.#registry.load();
    return resolveEntry(state, dmcsNameOf(manifest));
  }

  /** The backend for an app's manifest (see `route`). */
  async backendFor(manifest?: DmcsRoute | null): Promise<ChainCheckedBackend> {
    const entry = await this.route(manifest);
    const cached = this.#backends.get(entry.name);
    if (cached && cached.entry.url === entry.url && cached.entry.chainId === entry.chainId) return cached;
    const inner = this.#makeHttp(entry);
    const backend = new ChainCheckedBackend(
      entry,
      inner,
      entry.verified
        ? undefined
        : () => {
            this.#registry.markVerified(entry.name, entry.chainId).catch(() => {
              /* best effort: checked again next time */
            });
          },
    );
    this.#backends.set(entry.name, backend);
    return backend;
  }

  /** Pushes a signed transaction for the app with this manifest. */
  async pushTransaction(manifest: DmcsRoute | null | undefined, body: PushTransactionBody): Promise<PushTransactionResult> {
    return (await this.backendFor(manifest)).pushTransaction(body);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#backends.values()].map((b) => b.close()));
    this.#backends.clear();
  }
}

/**
 * A backend that checks the chain id once (on its first call, and again after any failure to
 * check) before forwarding anything.
 */
export class ChainCheckedBackend implements DmcsBackend {
  readonly entry: DmcsEntry;
  readonly inner: DmcsBackend;
  readonly #onFirstCheck: (() => void) | undefined;
  #checked = false;
  #told = false;

  /** `onFirstCheck` is told once, the first time the chain id checks out (to mark the entry verified). */
  constructor(entry: DmcsEntry, inner: DmcsBackend, onFirstCheck?: () => void) {
    this.entry = entry;
    this.inner = inner;
    this.#onFirstCheck = onFirstCheck;
  }

  get label(): string {
    return this.entry.name;
  }

  get chainId(): string {
    return this.entry.chainId;
  }

  async getInfo(): Promise<ChainInfo> {
    const info = await this.inner.getInfo();
    this.#verify(info);
    return info;
  }

  async getAccount(name: string) {
    await this.#ensure();
    return this.inner.getAccount(name);
  }
  async getTableRows(q: TableRowsQuery): Promise<TableRowsResult> {
    await this.#ensure();
    return this.inner.getTableRows(q);
  }
  async getBlock(b: number | string) {
    await this.#ensure();
    return this.inner.getBlock(b);
  }
  async getBlockInfo(b: number) {
    await this.#ensure();
    return this.inner.getBlockInfo(b);
  }
  async getAbi(a: string) {
    await this.#ensure();
    return this.inner.getAbi(a);
  }
  async getRawAbi(a: string) {
    await this.#ensure();
    return this.inner.getRawAbi(a);
  }
  async pushTransaction(body: PushTransactionBody) {
    await this.#ensure();
    return this.inner.pushTransaction(body);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  async #ensure(): Promise<void> {
    if (!this.#checked) this.#verify(await this.inner.getInfo());
  }

  #verify(info: ChainInfo): void {
    if (info.chain_id !== this.entry.chainId) {
      this.#checked = false;
      throw new DmcsError(
        'CHAIN_MISMATCH',
        `DMCS '${this.entry.name}' at ${this.entry.url} now reports chain id ${info.chain_id}, but it was added with ` +
          `${this.entry.chainId}; if the chain was reset, 'peeros dmcs remove ${this.entry.name}' and add it again`,
        { dmcs: this.entry.name },
      );
    }
    if (!this.#checked && this.#onFirstCheck && !this.#told) {
      this.#told = true;
      this.#onFirstCheck();
    }
    this.#checked = true;
  }
}
