/**
 * Antelope protocol core benchmarks: "serialize + digest" of a token transfer transaction (build
 * the transaction from JSON with the token ABI, serialize it, compute the signing digest) for our
 * core and for @wharfkit/antelope in the same run, plus canonical K1 signing and key recovery on
 * @noble/curves, and WebAuthn (WA) recovery with Leap's client-data checks next to K1 recovery.
 * Issue 3 target: serialize + digest ≥ 2× wharfkit. Rates are per CPU-second of
 * this (single-threaded) process, so neighbouring load on the machine does not skew them.
 */
import * as W from '@wharfkit/antelope';
import { p256 } from '@noble/curves/nist.js';
import { AbiSerializer, PrivateKey, PublicKey, Signature, Transaction, UserPresence, sha256, sha256Parts } from '../abi/antelope/index.js';
import { summarize, type BenchResult } from './result.js';

const CHAIN_ID = 'aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906';
const TOKEN_ABI = {
  version: 'eosio::abi/1.1',
  structs: [
    {
      name: 'transfer',
      base: '',
      fields: [
        { name: 'from', type: 'name' },
        { name: 'to', type: 'name' },
        { name: 'quantity', type: 'asset' },
        { name: 'memo', type: 'string' },
      ],
    },
  ],
  actions: [{ name: 'transfer', type: 'transfer', ricardian_contract: '' }],
};
// the well-known EOSIO development key (public test key, never a secret)
const DEV_KEY = '5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3';

function transferTx(i: number) {
  return {
    expiration: '2026-11-27T12:00:00',
    ref_block_num: i & 0xffff,
    ref_block_prefix: 3306698594,
    max_net_usage_words: 0,
    max_cpu_usage_ms: 0,
    delay_sec: 0,
    actions: [
      {
        account: 'eosio.token',
        name: 'transfer',
        authorization: [{ actor: 'alice', permission: 'active' }],
        data: { from: 'alice', to: 'bob', quantity: `${(i % 1000) + 1}.0000 EOS`, memo: 'PeerOS bench' },
      },
    ],
  };
}

/** CPU time of this process in seconds (user + system). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Calls `fn(i)` for about `ms` milliseconds of CPU time per run; returns operations per CPU-second
 * per run. CPU time, not wall time: these machines run other work (test suites, other benches) and
 * a single-threaded codec measured by the wall clock would report the neighbours' load, not itself.
 */
function rate(name: string, fn: (i: number) => unknown, runs: number, ms: number): BenchResult {
  // warm-up so V8 has optimised before the first measured run
  const warm = cpuSeconds();
  for (let i = 0; cpuSeconds() - warm < Math.min(ms, 200) / 1000; i++) fn(i);
  const samples: number[] = [];
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    let n = 0;
    const t0 = cpuSeconds();
    let now = t0;
    while (now - t0 < ms / 1000) {
      for (let k = 0; k < 64; k++) {
        if (fn(n++)) sink++;
      }
      now = cpuSeconds();
    }
    samples.push(n / (now - t0));
  }
  if (sink < 0) console.log(sink); // keep results observable
  return summarize(name, 'ops/s', samples);
}

export async function benchAntelope(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const results: BenchResult[] = [];

  // serialize + digest, same transaction, same run, alternating so drift hits both equally
  const ours = new AbiSerializer(TOKEN_ABI).validate();
  const wabi = W.ABI.from(TOKEN_ABI as never);
  const txs = Array.from({ length: 256 }, (_, i) => transferTx(i));
  const check = (i: number) => {
    const a = Transaction.from(txs[i]!, ours).signingDigest(CHAIN_ID).toString();
    const b = W.Transaction.from(txs[i] as never, wabi).signingDigest(CHAIN_ID).hexString;
    if (a !== b) throw new Error(`bench: digest mismatch with wharfkit for case ${i}: ${a} vs ${b}`);
  };
  check(0);
  check(255);
  const oursSamples: number[] = [];
  const theirsSamples: number[] = [];
  for (let r = 0; r < runs; r++) {
    oursSamples.push(rate('o', (i) => Transaction.from(txs[i & 255]!, ours).signingDigest(CHAIN_ID), 1, 300).median);
    theirsSamples.push(rate('w', (i) => W.Transaction.from(txs[i & 255] as never, wabi).signingDigest(CHAIN_ID), 1, 300).median);
  }
  results.push(summarize('antelope.serialize_digest.peeros', 'ops/s', oursSamples));
  results.push(summarize('antelope.serialize_digest.wharfkit', 'ops/s', theirsSamples));

  // canonical K1 signing and recovery on noble
  const key = PrivateKey.from(DEV_KEY);
  const digests = Array.from({ length: 64 }, (_, i) => sha256(Uint8Array.of(i, 1, 2, 3)));
  const sigs = digests.map((d) => key.sign(d));
  results.push(rate('antelope.k1_sign_canonical.peeros', (i) => key.sign(digests[i & 63]!), runs, 400));
  results.push(rate('antelope.k1_recover.peeros', (i) => (sigs[i & 63] as Signature).recover(digests[i & 63]!), runs, 400));
  const pub = key.toPublic();
  results.push(rate('antelope.k1_verify.peeros', (i) => (sigs[i & 63] as Signature).verify(digests[i & 63]!, pub), runs, 400));

  // WebAuthn: parse the client JSON, check type/challenge/origin/rp id hash, recover the P-256 key
  const wa = webAuthnSignatures(digests);
  const waKey = wa.sigs[0]!.recover(digests[0]!);
  if (!waKey.equals(wa.key)) throw new Error('bench: WA recovery does not give the signer');
  results.push(rate('antelope.wa_recover.peeros', (i) => wa.sigs[i & 63]!.recover(digests[i & 63]!), runs, 400));
  return results;
}

/** Assertions over each digest as a platform authenticator makes them (fixed key: figures repeat). */
function webAuthnSignatures(digests: Uint8Array[]): { sigs: Signature[]; key: PublicKey } {
  const rpid = 'peeros.test';
  const secret = sha256(new TextEncoder().encode('bench webauthn key'));
  const authData = new Uint8Array(37);
  authData.set(sha256(new TextEncoder().encode(rpid)));
  authData[32] = 0x05; // UP | UV
  const sigs = digests.map((d) => {
    const json = `{"type":"webauthn.get","challenge":"${Buffer.from(d).toString('base64url')}","origin":"https://${rpid}","crossOrigin":false}`;
    const clientJson = new TextEncoder().encode(json);
    const rec = p256.sign(sha256Parts(authData, sha256(clientJson)), secret, { prehash: false, format: 'recovered' });
    const compact = rec.slice();
    compact[0] = 31 + rec[0]!;
    return Signature.fromWebAuthn({ compact, authData, clientJson });
  });
  const point = p256.getPublicKey(secret, true);
  return { sigs, key: PublicKey.fromWebAuthn({ point, presence: UserPresence.VERIFIED, rpid }) };
}

// `node dist/bench/antelope.js` prints the figures directly
if (import.meta.url === `file://${process.argv[1]}`) {
  const res = await benchAntelope({ runs: Number(process.env.RUNS ?? 5) });
  for (const r of res)
    console.log(
      `${r.name.padEnd(40)} ${Math.round(r.median).toString().padStart(9)} ${r.unit}  (min ${Math.round(r.min)}, max ${Math.round(r.max)}, runs ${r.runs})`,
    );
  const o = res[0]!.median,
    w = res[1]!.median;
  console.log(`serialize + digest: ${(o / w).toFixed(2)}× wharfkit`);
}
