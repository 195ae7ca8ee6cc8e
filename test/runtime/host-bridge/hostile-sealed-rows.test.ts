// A DMCS (or an app's own contract) answers a table read that asks to open a sealed field
// (`"open": FIELD`) with thousands of rows that each look sealed for the user's key: the host
// opens at most MAX_SEALED_OPENS_PER_READ of them, one at a time, and marks the rest
// `FIELD_error`. Before, it asked the vault to open every row, all at once: one read of 2,000 rows
// held the vault 9 s and another app's transfer waited 8.4 s instead of 0.4 s
// (repro: /tmp/audit-queue/repro-sealed-open.mjs, now 200 opens, 1.1 s, the transfer 68 ms).
// Real loopback HTTP (the scripted chain), the host's own read path; the opener counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, unpack } from '../../../abi/msgpack/codec.js';
import { Dispatcher, DmcsRegistry } from '../../../runtime/dispatch/index.js';
import { CacheStore, HybridApi } from '../../../runtime/hybrid-cache/index.js';
import { readChain, type SealedOpener } from '../../../runtime/host-bridge/chain-reads.js';
import type { AppInfo } from '../../../runtime/host-bridge/app-directory.js';
import { MAX_SEALED_OPENS_PER_READ } from '../../../runtime/transaction-service/limits.js';
import { FakeChain } from '../../fixtures/fake-chain.js';

const ROWS = 5 * MAX_SEALED_OPENS_PER_READ;

test('a read of many sealed-looking rows opens a bounded number, one at a time; the rest say why', async () => {
  const home = mkdtempSync(join(tmpdir(), 'peeros-sealed-rows-'));
  const chain = await new FakeChain().start();
  try {
    const reg = new DmcsRegistry(home);
    await reg.add('local', chain.url);
    const dispatcher = new Dispatcher(reg);
    const cache = new CacheStore();
    chain.setTable(
      'evilc',
      'evilc',
      'msgs',
      Array.from({ length: ROWS }, (_, id) => ({ id, m: '01'.repeat(100) })),
    );
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const openOne: SealedOpener = async () => {
      calls++;
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { error: 'not for this account' };
    };
    const info: AppInfo = {
      at: 0,
      name: 'evil',
      version: '0.1.0',
      publisher: 'x',
      sha256: '00'.repeat(32),
      manifest: {},
      // an app may open only sealed fields of a contract it may push to: its own, here
      grants: { 'chain.read': { contracts: ['evilc'] }, 'dmcs.push': { contracts: { evilc: ['send'] } } },
    };
    const query = pack({ code: 'evilc', scope: 'evilc', table: 'msgs', json: true, limit: ROWS, open: 'm' });
    const hybrids = new Map<string, HybridApi>();
    const hybridFor = (b: Awaited<ReturnType<Dispatcher['backendFor']>>) => {
      let h = hybrids.get(b.chainId);
      if (!h) hybrids.set(b.chainId, (h = new HybridApi(b, cache, { chainId: b.chainId, persistDelayMs: 0 })));
      return h;
    };
    const answer = unpack(await readChain(info, 'chain.get-table-rows', query, dispatcher, hybridFor, async () => openOne)) as {
      rows: Array<Record<string, unknown>>;
    };
    assert.is(answer.rows.length, ROWS, 'every row is answered');
    assert.is(calls, MAX_SEALED_OPENS_PER_READ, `the vault was asked ${calls} times for ${ROWS} rows`);
    assert.is(most, 1, 'one open at a time, so other apps\u2019 vault requests are not queued behind thousands');
    assert.is(answer.rows[0]!.m_error, 'not for this account');
    assert.match(String(answer.rows[ROWS - 1]!.m_error), /not opened: one read opens at most 200 sealed fields/);
    await dispatcher.close();
  } finally {
    await chain.stop();
    rmSync(home, { recursive: true, force: true });
  }
});

test.run();
