/**
 * Secure Key Vault benchmarks (issue 3 item 8; issue 16: benchmark what apps pay), one run of
 * `peeros bench`. Every figure runs in a temporary $PEEROS_HOME with the real scrypt parameters and
 * never touches the user's vault. All names start with `vault.`.
 *
 * - `vault.sign.app-capped.p50` / `.p99` (µs/op) — what an app's signature costs: a sign request
 *   from app `bench-app` (with its install identity) holding a capped signing grant
 *   (`eosio.token::transfer` on this chain, at most 10.0000 EOS per transaction and a daily cap),
 *   set the way an install does it (`Vault.setGrant`: the user's approval, the `set_grant` dMemo op
 *   with its assertion). The round trip includes the facade, the verifier assertion, msgpack, the
 *   hop to the vault worker over its port, the digest, the cross-process vault lock, re-reading the keystore if another
 *   process changed it, the grant and identity check, the scope check of the transfer against the
 *   caps, canonical K1 signing, and the fsynced write of the spend ledger (the daily cap counts
 *   every signature), then the reply. Excludes building the transaction (done before timing).
 * - `vault.sign.user.p50` / `.p99` (µs/op) — the same request as the user acting directly
 *   (`@user`: CLI, login): no grant, no lock, no ledger write. Not what apps pay; kept to show the
 *   grant path's share.
 * - `vault.dmemo.p50` / `.p99` (µs/op) — a bare dMemo round trip (`list_keys` on a locked vault:
 *   decode, check, typed answer, no I/O): the channel's and codec's share of the above.
 * - `vault.sign.app-capped.per-s.2-threads` (ops/s) — app signatures per second, 8 requests in
 *   flight, on the vault as it ships: VAULT_THREADS = 2 behind its one dMemo channel, one vault
 *   (the vault worker checks, counts and group-commits the spend ledger; its signing thread signs
 *   each batch while the ledger record is written). The grant path, the vault lock and the fsynced
 *   spend ledger included, as in the latency figures, which are measured on this vault too.
 *   `…per-s.1-thread` — the same on a vault opened with `threads: 1` over the same keystore (it
 *   signs inline in the vault worker): the comparison. (Until issue 15's threads, `2-threads` was
 *   two separate one-thread vaults over one keystore, which serialised on the vault lock.)
 * - `vault.sign.user.per-s.1-thread` (ops/s) — the same for `@user`.
 * - `vault.noble.k1-sign` (ops/s) — canonical K1 signing with noble on the main thread of a
 *   precomputed digest: the baseline, no vault, no I/O.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateKey, BinaryWriter, Name, Asset, signingDigest } from '../abi/antelope/index.js';
import { Vault, AutoApproveVerifier, AUTO_APPROVE_OPT_IN, encodeMessage } from '../skv/index.js';
import { VaultChannel } from '../skv/vault-channel.js';
import { summarize, percentile, type BenchResult } from './result.js';

const CHAIN_ID = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';
const PASS = 'bench passphrase';
const LATENCY_SAMPLES = 300; // per run: enough for a stable p99
const RATE_SIGNATURES = 400; // per run and configuration
const IN_FLIGHT = 8; // concurrent requests per vault for throughput

function transferTransaction(i: number): Uint8Array {
  const w = new BinaryWriter();
  w.u32(1_900_000_000);
  w.u16(1);
  w.u32(2);
  w.varuint32(0);
  w.u8(0);
  w.varuint32(0);
  w.varuint32(0); // context-free actions
  w.varuint32(1);
  Name.from('eosio.token').encode(w);
  Name.from('transfer').encode(w);
  w.varuint32(1);
  Name.from('alice').encode(w);
  Name.from('active').encode(w);
  const d = new BinaryWriter();
  Name.from('alice').encode(d);
  Name.from('bob').encode(d);
  Asset.from('1.0000 EOS').encode(d);
  d.string(`bench ${i}`);
  w.bytes(d.finish());
  w.varuint32(0);
  return w.finish();
}

async function openVault(home: string, create: boolean, threads?: 1 | 2): Promise<Vault> {
  const v = Vault.open({ home, ...(threads ? { threads } : {}) });
  await v.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create });
  return v;
}

/** Who signs: the user directly, or the bench app with its identity (and its capped grant). */
interface Signer {
  app?: string;
  identity?: string;
}
const USER: Signer = {};
const APP: Signer = { app: 'bench-app', identity: 'unverified:0123456789abcdef' };

/**
 * The app's grant: a capped one, as an install sets it. The per-day cap makes the vault count (and
 * fsync) every signature's spend; it is high enough that the bench never reaches it (1.0000 EOS
 * per signature, at most a few thousand signatures per bench).
 */
const GRANT = {
  app: APP.app!,
  identity: APP.identity!,
  chainIds: [CHAIN_ID],
  contracts: { 'eosio.token': ['transfer'] },
  maxAmountPerTx: '10.0000 EOS',
  maxAmountPerDay: '100000000.0000 EOS',
};

async function signOnce(v: Vault, who: Signer, key: string, tx: Uint8Array): Promise<void> {
  await v.sign({ chainId: CHAIN_ID, transaction: tx, keys: [key], ...who });
}

async function signLatency(v: Vault, who: Signer, key: string, txs: Uint8Array[], samples: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    await signOnce(v, who, key, txs[i % txs.length]!);
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return lat;
}

async function signRate(vaults: Vault[], who: Signer, key: string, txs: Uint8Array[], count: number): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    vaults.flatMap((v) =>
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const i = next++;
          await signOnce(v, who, key, txs[i % txs.length]!);
        }
      }),
    ),
  );
  return count / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/**
 * `samples` (tests only) scales down the latency samples and signatures per run; `inspect` (tests
 * only) sees the temporary $PEEROS_HOME after the runs, before it is removed.
 */
export async function benchVault(opts: {
  runs: number;
  samples?: number;
  inspect?: (home: string) => void | Promise<void>;
}): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const latencySamples = opts.samples ?? LATENCY_SAMPLES;
  const rateSignatures = opts.samples ?? RATE_SIGNATURES;
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-vault-'));
  const txs = Array.from({ length: 64 }, (_, i) => transferTransaction(i));
  const v2 = await openVault(home, true); // as shipped: VAULT_THREADS
  let v1: Vault | null = null;
  const channel = new VaultChannel({ home, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 1000, insecureTestKdf: false });
  try {
    const { publicKey } = await v2.createKey('bench');
    await v2.setGrant(GRANT);
    v1 = await openVault(home, false, 1);
    const listMsg = encodeMessage({ v: 1, op: 'list_keys' }); // the locked vault answers LOCKED from memory: the channel's cost
    const mainKey = PrivateKey.generate();
    const digests = txs.map((t) => signingDigest(CHAIN_ID, t));

    const app50: number[] = [],
      app99: number[] = [],
      user50: number[] = [],
      user99: number[] = [],
      st50: number[] = [],
      st99: number[] = [];
    const appRate1: number[] = [],
      appRate2: number[] = [],
      userRate1: number[] = [],
      noble: number[] = [];
    for (let r = -1; r < runs; r++) {
      // run -1 warms up
      const appLat = await signLatency(v2, APP, publicKey, txs, latencySamples);
      const userLat = await signLatency(v2, USER, publicKey, txs, latencySamples);
      const slat: number[] = [];
      for (let i = 0; i < latencySamples; i++) {
        const t0 = process.hrtime.bigint();
        await channel.call(listMsg);
        slat.push(Number(process.hrtime.bigint() - t0) / 1e3);
      }
      const app1 = await signRate([v1], APP, publicKey, txs, rateSignatures);
      const app2 = await signRate([v2], APP, publicKey, txs, rateSignatures);
      const user1 = await signRate([v1], USER, publicKey, txs, rateSignatures);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < rateSignatures; i++) mainKey.sign(digests[i % digests.length]!);
      const nobleRate = rateSignatures / (Number(process.hrtime.bigint() - t0) / 1e9);
      if (r < 0) continue;
      app50.push(percentile(appLat, 50));
      app99.push(percentile(appLat, 99));
      user50.push(percentile(userLat, 50));
      user99.push(percentile(userLat, 99));
      st50.push(percentile(slat, 50));
      st99.push(percentile(slat, 99));
      appRate1.push(app1);
      appRate2.push(app2);
      userRate1.push(user1);
      noble.push(nobleRate);
    }
    await opts.inspect?.(home);
    return [
      summarize('vault.sign.app-capped.p50', 'µs/op', app50),
      summarize('vault.sign.app-capped.p99', 'µs/op', app99),
      summarize('vault.sign.user.p50', 'µs/op', user50),
      summarize('vault.sign.user.p99', 'µs/op', user99),
      summarize('vault.dmemo.p50', 'µs/op', st50),
      summarize('vault.dmemo.p99', 'µs/op', st99),
      summarize('vault.sign.app-capped.per-s.1-thread', 'ops/s', appRate1),
      summarize('vault.sign.app-capped.per-s.2-threads', 'ops/s', appRate2),
      summarize('vault.sign.user.per-s.1-thread', 'ops/s', userRate1),
      summarize('vault.noble.k1-sign', 'ops/s', noble),
    ];
  } finally {
    await Promise.all([v2.close(), v1?.close(), channel.close()]);
    rmSync(home, { recursive: true, force: true });
  }
}
