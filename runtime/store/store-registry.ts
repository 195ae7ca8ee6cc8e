/**
 * Reads the dAppStore registry (apps/dappstore/contract) through any DMCS backend: the `apps` rows
 * and one app's `releases`. Rows come from a node, so they are checked field by field (types, sizes)
 * before anyone uses them; a row that is not what the contract writes is refused, not guessed at:
 * an `apps` row refuses the listing (the node is not a store this host can read), a release row
 * that the host does not accept (a version its manifests cannot carry, which the contract lets a
 * publisher write) is left out of that app's releases, so one publisher's row never stops another
 * app's install or update.
 */
import type { DmcsBackend } from '../dispatch/index.js';
import { HostError } from '../errors.js';
import { APP_NAME, VERSION } from '../manifest.js';
import { appKey } from './app-key.js';
import { DEFAULT_STORE_ACCOUNT } from './store-account.js';
import { dmcsIsLocal } from './location-policy.js';

export { DEFAULT_STORE_ACCOUNT };

/** Rows read per request (the node caps it too). */
const PAGE = 100;
/** Apps or releases listed at most: 10,000 — a listing is for people; a flood stops here. */
const MAX_ROWS = 10_000;
/** Requests per listing at most: a node answering empty pages that say "more" is not followed for ever. */
const MAX_PAGES = Math.ceil(MAX_ROWS / PAGE) + 1;

export interface StoreApp {
  app: string;
  publisher: string;
  latest: string;
  releases: number;
}

export interface StoreRelease {
  id: number;
  version: string;
  packageHash: string;
  size: number;
  capabilitiesHash: string;
  locations: string[];
  yanked: boolean;
  published: string;
}

function bad(store: string, what: string): HostError {
  return new HostError(
    'PACKAGE_INVALID',
    `the store registry on ${store} returned a malformed ${what}; the node is not a dAppStore this host can trust`,
  );
}
/** Locations of a release, and bytes of one, as the `dappstore` contract caps them (a node's row with more is no row of it: 8 × 60 s of fetching at most). */
const MAX_RELEASE_LOCATIONS = 8;
const MAX_LOCATION_BYTES = 512;
/** An Antelope account name, as the contract's `name` type prints it (so it is safe to print as is). */
const ACCOUNT_NAME = /^[a-z1-5.]{1,13}$/;
/** A block timestamp as the node prints it. */
const TIME_POINT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?$/;
const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

export class StoreRegistry {
  /** Whether the releases' file paths and local addresses are followed: the DMCS is on this machine (location-policy.ts). */
  readonly localLocations: boolean;

  /** `dmcsUrl`: where the DMCS that answers is (none known: treated as another machine's). */
  constructor(
    readonly backend: Pick<DmcsBackend, 'getTableRows'>,
    readonly store = DEFAULT_STORE_ACCOUNT,
    dmcsUrl?: string,
  ) {
    this.localLocations = dmcsIsLocal(dmcsUrl);
  }

  async #rows(scope: string, table: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let lower: string | undefined;
    for (let page = 1; ; page++) {
      const r = await this.backend.getTableRows({
        code: this.store,
        scope,
        table,
        json: true,
        limit: PAGE,
        ...(lower !== undefined ? { lower_bound: lower } : {}),
      });
      for (const row of r.rows) {
        if (typeof row !== 'object' || row === null) throw bad(this.store, `${table} row`);
        out.push(row as Record<string, unknown>);
      }
      if (!r.more || typeof r.next_key !== 'string' || r.next_key === '' || out.length >= MAX_ROWS) return out.slice(0, MAX_ROWS);
      // a page that brings nothing or does not move on, or too many pages: the node is not paging honestly
      if (r.rows.length === 0 || r.next_key === lower || page >= MAX_PAGES)
        throw bad(this.store, `${table} listing (its pages do not advance)`);
      lower = r.next_key;
    }
  }

  async apps(): Promise<StoreApp[]> {
    return (await this.#rows(this.store, 'apps')).map((r) => this.#app(r));
  }

  #app(r: Record<string, unknown>): StoreApp {
    if (typeof r.app !== 'string' || !APP_NAME.test(r.app) || typeof r.publisher !== 'string' || !ACCOUNT_NAME.test(r.publisher))
      throw bad(this.store, 'apps row');
    if (typeof r.latest !== 'string') throw bad(this.store, 'apps row');
    if (typeof r.releases !== 'number') throw bad(this.store, 'apps row');
    return { app: r.app, publisher: r.publisher, latest: r.latest, releases: r.releases };
  }

  /** The app's row and its releases, oldest first; undefined when the store has no such app. */
  async app(name: string): Promise<{ app: StoreApp; releases: StoreRelease[] } | undefined> {
    const key = appKey(name).toString();
    const rows = await this.backend.getTableRows({
      code: this.store,
      scope: this.store,
      table: 'apps',
      json: true,
      lower_bound: key,
      upper_bound: key,
      limit: 1,
    });
    const row = rows.rows[0];
    if (row === undefined) return undefined;
    const app = this.#app(row as Record<string, unknown>);
    if (app.app !== name) return undefined; // a colliding key names another app
    const releases: StoreRelease[] = [];
    for (const r of await this.#rows(key, 'releases')) {
      const release = releaseOf(r);
      if (release) releases.push(release);
    }
    return { app, releases };
  }
}

/** A release row as the host reads it, or undefined when it is not one the host accepts. */
function releaseOf(r: Record<string, unknown>): StoreRelease | undefined {
  if (
    typeof r.version !== 'string' ||
    !VERSION.test(r.version) ||
    !isHex64(r.package_hash) ||
    !isHex64(r.capabilities_hash) ||
    !Array.isArray(r.locations) ||
    r.locations.length === 0 ||
    r.locations.length > MAX_RELEASE_LOCATIONS ||
    !r.locations.every((l) => typeof l === 'string' && Buffer.byteLength(l) <= MAX_LOCATION_BYTES) ||
    typeof r.yanked !== 'boolean' ||
    typeof r.published !== 'string' ||
    !TIME_POINT.test(r.published)
  )
    return undefined;
  const size = Number(r.size);
  if (!Number.isSafeInteger(size) || size <= 0) return undefined;
  return {
    id: Number(r.id),
    version: r.version,
    packageHash: r.package_hash,
    size,
    capabilitiesHash: r.capabilities_hash,
    locations: r.locations as string[],
    yanked: r.yanked,
    published: r.published,
  };
}
