/**
 * Secure Key Vault benchmarks (issue 3, item 8), one run of `peeros bench`:
 *  - sign round trip through the Vault facade, dMemo and the worker (verifier assertion, msgpack,
 *    piscina hop, digest, canonical K1 signing, reply): p50 and p99 in µs; target p50 ≤ 1 ms;
 *  - a bare dMemo round trip (`list_keys` on a locked vault: decode, check, typed answer, no I/O) to
 *    show the channel's share of it;
 *  - signatures per second with 1 vault thread and with 2 (two single-thread vaults over the same
 *    keystore — the vault itself is one thread; the second exists only for this comparison);
 *  - canonical K1 signing with noble on the main thread, the baseline.
 * Runs in a temporary $PEEROS_HOME with the real scrypt parameters; never touches the user's vault.
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
  w.u32(1_900_000_000); w.u16(1); w.u32(2); w.varuint32(0); w.u8(0); w.varuint32(0);
  w.varuint32(0); // context-free actions
  w.varuint32(1);
  Name.from('eosio.token').encode(w); Name.from('transfer').encode(w);
  w.varuint32(1); Name.from('alice').encode(w); Name.from('active').encode(w);
  const d = new BinaryWriter();
  Name.from('alice').encode(d); Name.from('bob').encode(d); Asset.from('1.0000 EOS').encode(d); d.string(`bench ${i}`);
  w.bytes(d.finish());
  w.varuint32(0);
  return w.finish();
}

async function openVault(home: string, create: boolean): Promise<Vault> {
  const v = Vault.open({ home });
  await v.unlock(PASS, { verifier: new AutoApproveVerifier({ optIn: AUTO_APPROVE_OPT_IN }), create });
  return v;
}

async function signRate(vaults: Vault[], key: string, txs: Uint8Array[]): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(vaults.flatMap((v) => Array.from({ length: IN_FLIGHT }, async () => {
    while (next < RATE_SIGNATURES) {
      const i = next++;
      await v.sign({ chainId: CHAIN_ID, transaction: txs[i % txs.length]!, keys: [key] });
    }
  })));
  return RATE_SIGNATURES / (Number(process.hrtime.bigint() - t0) / 1e9);
}

export async function benchVault(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-vault-'));
  const txs = Array.from({ length: 64 }, (_, i) => transferTransaction(i));
  const v1 = await openVault(home, true);
  let v2: Vault | null = null;
  const channel = new VaultChannel({ home, autoLockMs: 60_000, assertionMaxTtlMs: 60_000, backoffBaseMs: 1000, insecureTestKdf: false });
  try {
    const { publicKey } = await v1.createKey('bench');
    v2 = await openVault(home, false);
    const listMsg = encodeMessage({ v: 1, op: 'list_keys' }); // the locked vault answers LOCKED from memory: the channel's cost
    const mainKey = PrivateKey.generate();
    const digests = txs.map((t) => signingDigest(CHAIN_ID, t));

    const p50: number[] = [], p99: number[] = [], st50: number[] = [], st99: number[] = [];
    const rate1: number[] = [], rate2: number[] = [], noble: number[] = [];
    for (let r = -1; r < runs; r++) { // run -1 warms up
      const lat: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t0 = process.hrtime.bigint();
        await v1.sign({ chainId: CHAIN_ID, transaction: txs[i % txs.length]!, keys: [publicKey] });
        lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
      }
      const slat: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const t0 = process.hrtime.bigint();
        await channel.call(listMsg);
        slat.push(Number(process.hrtime.bigint() - t0) / 1e3);
      }
      const one = await signRate([v1], publicKey, txs);
      const two = await signRate([v1, v2], publicKey, txs);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < RATE_SIGNATURES; i++) mainKey.sign(digests[i % digests.length]!);
      const nobleRate = RATE_SIGNATURES / (Number(process.hrtime.bigint() - t0) / 1e9);
      if (r < 0) continue;
      p50.push(percentile(lat, 50)); p99.push(percentile(lat, 99));
      st50.push(percentile(slat, 50)); st99.push(percentile(slat, 99));
      rate1.push(one); rate2.push(two); noble.push(nobleRate);
    }
    return [
      summarize('vault sign round trip p50 (facade + dMemo + worker)', 'µs/op', p50),
      summarize('vault sign round trip p99 (facade + dMemo + worker)', 'µs/op', p99),
      summarize('dMemo round trip p50 (channel + codec only)', 'µs/op', st50),
      summarize('dMemo round trip p99 (channel + codec only)', 'µs/op', st99),
      summarize('vault signatures/s, 1 thread', 'ops/s', rate1),
      summarize('vault signatures/s, 2 threads (2 vaults, comparison only)', 'ops/s', rate2),
      summarize('noble canonical K1 sign on the main thread', 'ops/s', noble),
    ];
  } finally {
    await Promise.all([v1.close(), v2?.close(), channel.close()]);
    rmSync(home, { recursive: true, force: true });
  }
}
