/**
 * The DMCSs this host knows, by name and chain id, persisted in `$PEEROS_HOME/dmcs.json` with an
 * atomic replace (a crash leaves the old file or the new one, never half of one). Every mutation
 * re-reads the file first, so two CLI invocations one after the other never lose each other's work.
 *
 * File format, version 1:
 * `{"version":1,"default":"NAME"|null,"dmcs":[{"name","url","chainId","addedAt","verified"}]}`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { peerosHome } from '../../lib/home.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { DmcsError } from './dmcs-error.js';
import type { ChainInfo } from './dmcs-backend.js';
import { HttpBackend, normaliseEndpoint } from './http-backend.js';
import { DMCS_NAME_PATTERN, MAX_REGISTRY_ENTRIES, MAX_REGISTRY_FILE_BYTES } from './limits.js';
import { isRecord } from './chain-reply.js';
import { isChainId, normalizeChainId } from '../../abi/antelope/index.js';

export const REGISTRY_FILE = 'dmcs.json';
const FORMAT_VERSION = 1;

export interface DmcsEntry {
  name: string;
  /** Chain API base URL, e.g. `http://127.0.0.1:8888`. */
  url: string;
  /** 64 lowercase hex digits. */
  chainId: string;
  /** ISO time the entry was added. */
  addedAt: string;
  /** True when the chain id was read from the DMCS itself; false when taken on the user's word. */
  verified: boolean;
}

export interface RegistryState {
  default: string | null;
  dmcs: DmcsEntry[];
}

export interface AddOptions {
  /** The chain id the user expects; a DMCS reporting another is refused. */
  chainId?: string;
  /** Asks the DMCS at `url` for get_info; defaults to the HTTP backend. */
  probe?: (url: string) => Promise<ChainInfo>;
}

export function checkDmcsName(name: string): string {
  if (typeof name !== 'string' || !DMCS_NAME_PATTERN.test(name)) {
    throw new DmcsError(
      'BAD_ARGUMENT',
      `invalid DMCS name ${JSON.stringify(name)}: use 1–32 of a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
  return name;
}

export function checkChainId(chainId: string): string {
  const id = normalizeChainId(chainId);
  if (id === undefined) {
    throw new DmcsError('BAD_ARGUMENT', `invalid chain id ${JSON.stringify(chainId)}: expected 64 hex digits`);
  }
  return id;
}

const defaultProbe = (url: string) => new HttpBackend(url).getInfo();

export class DmcsRegistry {
  readonly path: string;

  constructor(home: string = peerosHome()) {
    this.path = join(home, REGISTRY_FILE);
  }

  /** The registry as it is on disk now (empty when there is no file yet). */
  async load(): Promise<RegistryState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { default: null, dmcs: [] };
      throw err;
    }
    return parseRegistry(this.path, text);
  }

  async list(): Promise<DmcsEntry[]> {
    return (await this.load()).dmcs;
  }

  async get(name: string): Promise<DmcsEntry> {
    const state = await this.load();
    return findEntry(state, name);
  }

  /** The entry an app uses: the one its manifest names, else the default. */
  async resolve(name?: string | null): Promise<DmcsEntry> {
    const state = await this.load();
    return resolveEntry(state, name);
  }

  /**
   * Adds a DMCS after asking it for its chain id. With `chainId`, a DMCS reporting another id is
   * refused (`CHAIN_MISMATCH`); an unreachable DMCS is added unverified only when `chainId` is given.
   * The first DMCS added becomes the default.
   */
  async add(name: string, url: string, opts: AddOptions = {}): Promise<DmcsEntry> {
    checkDmcsName(name);
    const endpoint = normaliseEndpoint(url);
    const expected = opts.chainId === undefined ? undefined : checkChainId(opts.chainId);
    const before = await this.load();
    if (before.dmcs.some((d) => d.name === name)) {
      throw new DmcsError('BAD_ARGUMENT', `a DMCS named '${name}' already exists; remove it first or pick another name`);
    }
    if (before.dmcs.length >= MAX_REGISTRY_ENTRIES) {
      throw new DmcsError('BAD_ARGUMENT', `the registry already holds ${MAX_REGISTRY_ENTRIES} DMCSs; remove one first`);
    }
    let chainId: string;
    let verified: boolean;
    try {
      const info = await (opts.probe ?? defaultProbe)(endpoint);
      chainId = checkChainId(info.chain_id);
      verified = true;
    } catch (err) {
      if (err instanceof DmcsError && err.code === 'UNREACHABLE' && expected) {
        chainId = expected;
        verified = false;
      } else if (err instanceof DmcsError && err.code === 'UNREACHABLE') {
        throw new DmcsError('UNREACHABLE', `${err.message}; to add it while it is offline, pass its chain id with --chain-id`, {
          dmcs: name,
          cause: err,
        });
      } else if (err instanceof DmcsError && err.code !== 'BAD_ARGUMENT') {
        throw new DmcsError(err.code, `${err.message}; is ${endpoint} an Antelope chain API (it should answer /v1/chain/get_info)?`, {
          dmcs: name,
          cause: err,
        });
      } else {
        throw err;
      }
    }
    if (expected && expected !== chainId) {
      throw new DmcsError(
        'CHAIN_MISMATCH',
        `DMCS at ${endpoint} reports chain id ${chainId}, not the expected ${expected}; check the URL or the --chain-id`,
        { dmcs: name },
      );
    }
    const entry: DmcsEntry = { name, url: endpoint, chainId, addedAt: new Date().toISOString(), verified };
    // Re-read right before writing so a concurrent `add` of another name is not lost.
    const state = await this.load();
    if (state.dmcs.some((d) => d.name === name)) {
      throw new DmcsError('BAD_ARGUMENT', `a DMCS named '${name}' already exists; remove it first or pick another name`);
    }
    state.dmcs.push(entry);
    if (state.default === null) state.default = name;
    await this.#save(state);
    return entry;
  }

  /** Makes `name` the default DMCS. */
  async use(name: string): Promise<DmcsEntry> {
    const state = await this.load();
    const entry = findEntry(state, name);
    state.default = name;
    await this.#save(state);
    return entry;
  }

  /** Records that DMCS `name` was seen serving `chainId` (for entries added unverified). */
  async markVerified(name: string, chainId: string): Promise<void> {
    const state = await this.load();
    const entry = state.dmcs.find((d) => d.name === name && d.chainId === chainId);
    if (!entry || entry.verified) return;
    entry.verified = true;
    await this.#save(state);
  }

  /** Forgets `name`. Removing the default leaves no default unless exactly one DMCS remains. */
  async remove(name: string): Promise<DmcsEntry> {
    const state = await this.load();
    const entry = findEntry(state, name);
    state.dmcs = state.dmcs.filter((d) => d.name !== name);
    if (state.default === name) state.default = state.dmcs.length === 1 ? state.dmcs[0]!.name : null;
    await this.#save(state);
    return entry;
  }

  async #save(state: RegistryState): Promise<void> {
    const body = { version: FORMAT_VERSION, default: state.default, dmcs: state.dmcs };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(body, null, 2)}\n`);
  }
}

export function findEntry(state: RegistryState, name: string): DmcsEntry {
  const entry = state.dmcs.find((d) => d.name === name);
  if (!entry) {
    const known = state.dmcs.map((d) => d.name).join(', ') || 'none';
    throw new DmcsError('NOT_FOUND', `no DMCS named '${name}' (known: ${known}); add it with 'peeros dmcs add ${name} URL'`);
  }
  return entry;
}

export function resolveEntry(state: RegistryState, name?: string | null): DmcsEntry {
  if (name) return findEntry(state, name);
  if (state.default) return findEntry(state, state.default);
  throw new DmcsError(
    'NOT_FOUND',
    state.dmcs.length === 0
      ? "no DMCS configured; add one with 'peeros dmcs add NAME URL'"
      : "no default DMCS; choose one with 'peeros dmcs use NAME'",
  );
}

function parseRegistry(path: string, text: string): RegistryState {
  const corrupt = (why: string) =>
    new DmcsError('REGISTRY_CORRUPT', `${path} is not a valid DMCS registry (${why}); fix or delete it and add the DMCSs again`);
  if (Buffer.byteLength(text) > MAX_REGISTRY_FILE_BYTES) throw corrupt(`larger than ${MAX_REGISTRY_FILE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt('not JSON');
  }
  if (!isRecord(raw)) throw corrupt('not an object');
  if (raw.version !== FORMAT_VERSION) throw corrupt(`unknown version ${JSON.stringify(raw.version)}`);
  if (!Array.isArray(raw.dmcs)) throw corrupt('dmcs is not a list');
  const dmcs: DmcsEntry[] = [];
  for (const [i, d] of raw.dmcs.entries()) {
    if (
      !isRecord(d) ||
      typeof d.name !== 'string' ||
      !DMCS_NAME_PATTERN.test(d.name) ||
      typeof d.url !== 'string' ||
      typeof d.chainId !== 'string' ||
      !isChainId(d.chainId)
    ) {
      throw corrupt(`entry ${i} is malformed`);
    }
    dmcs.push({
      name: d.name,
      url: d.url,
      chainId: d.chainId,
      addedAt: typeof d.addedAt === 'string' ? d.addedAt : '',
      verified: d.verified === true,
    });
  }
  const def = raw.default;
  if (def !== null && (typeof def !== 'string' || !dmcs.some((d) => d.name === def))) {
    throw corrupt(`default ${JSON.stringify(def)} is not one of the entries`);
  }
  return { default: def as string | null, dmcs };
}
