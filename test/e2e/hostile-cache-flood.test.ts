// An app reading without end (5,000 distinct table queries, each a new cache entry) against dPay,
// which cached its balance and needs it while the DMCS is down. Before, the hybrid cache was one
// LRU for every app (MAX_CACHE_ENTRIES 4,096): the flood evicted dPay's answer, and offline its
// balance read failed `unavailable` (repro: /tmp/audit-queue/repro-cache-flood.mjs). Now each app
// owns at most its share (MAX_APP_CACHE_ENTRIES, MAX_APP_CACHE_BYTES) and evicts its own answers.
// The whole path: real wasm in worker threads (the stock dPay app, and the isa-probe's module as the
// flooder), the sync bridge, the host services' hybrid cache, the dev node over HTTP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Host } from '../../runtime/index.js';
import type { HostError } from '../../runtime/errors.js';
import { cacheLimits } from '../../runtime/hybrid-cache/index.js';
import { writeApp } from '../runtime/helpers.js';
import { startWorld, newAccount, deployToken, ROOT, type World } from './world.js';

let w: World;
let host: Host;
const FLOOD = 5_000;

/** The i-th Antelope name of a run of distinct ones (a to z and 1 to 5 after an `f`). */
function nameOf(i: number): string {
  const abc = 'abcdefghijklmnopqrstuvwxyz12345';
  let s = '';
  for (let n = i; s.length === 0 || n > 0; n = Math.floor(n / abc.length)) s += abc[n % abc.length];
  return `f${s}`;
}

test.before(async () => {
  w = await startWorld();
  await newAccount(w, 'alice');
  await deployToken(w, ['alice']);
  host = new Host({ home: w.home, bridge: w.services.bridge, onLog: () => {} });
  await host.install(join(ROOT, 'apps', 'dpay'), { grant: async () => true });
  const probe = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/peeros.json'), 'utf8')) as { commands: object };
  const probeWasm = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/apps/isa-probe/build/isa-probe.wasm')));
  await host.install(
    writeApp(w.home, 'cacheflood', probeWasm, {
      commands: probe.commands as Record<string, { description: string }>,
      // every import the module links needs its capability; the reads are the point
      capabilities: {
        log: {},
        clock: {},
        random: {},
        storage: { prefixes: ['probe/'], maxBytes: 65536 },
        ual: {},
        'chain.read': { contracts: ['dpay.token'] },
        'dmcs.push': { contracts: {} },
        diag: {},
      },
    }),
    { grant: async () => true },
  );
});
test.after(async () => {
  await host.close();
  await w.close();
});

test("an app's 5,000 distinct reads leave another app's cached answer, served stale while the DMCS is down", async () => {
  assert.ok(FLOOD > cacheLimits.MAX_CACHE_ENTRIES, 'the flood is larger than the whole cache');
  assert.equal(await host.run('dpay', 'balance', { account: 'alice' }), { account: 'alice', balances: ['1000.0000 RSN'] });
  for (let i = 0; i < FLOOD; i++) {
    await host.run('cacheflood', 'chain.get-table-rows', {
      query: { code: 'dpay.token', scope: nameOf(i), table: 'accounts', json: true },
    });
  }
  await w.stopNode();
  // the dev node seals no block without a transaction, so the flood's reads kept dPay's answer's
  // head; a read within INFO_REUSE_MS of the last get_info is pinned to it and served from the
  // cache as fresh, without asking the node (a CI flake when the node closed quickly). Past it the
  // read asks, meets the stopped node, and the cached answer must come back stale.
  await new Promise((r) => setTimeout(r, cacheLimits.INFO_REUSE_MS + 50));
  let offline: unknown;
  try {
    offline = await host.run('dpay', 'balance', { account: 'alice' });
  } catch (err) {
    assert.unreachable(`dPay's cached balance was evicted: ${(err as HostError).message}`);
  }
  assert.equal(offline, { account: 'alice', balances: ['1000.0000 RSN'], stale: true });
  // the flooder's own answers were what it evicted: its newest is still served offline
  const newest = await host.run('cacheflood', 'chain.get-table-rows', {
    query: { code: 'dpay.token', scope: nameOf(FLOOD - 1), table: 'accounts', json: true },
  });
  assert.ok(newest instanceof Uint8Array, 'an answer, not an error');
  await w.restartNode();
});

test.run();
