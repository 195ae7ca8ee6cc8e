/**
 * `.peeros` package benchmarks (issue 13): what packing and verifying a 1 MiB app costs, against
 * hashing the same bytes once with sha256 in the same run. All names start with `packages.`.
 *
 * - `packages.sha256.1mib` (ms/op) — the baseline: one sha256 over a 1 MiB buffer.
 * - `packages.pack.1mib` (ms/op) — `app pack`'s work in memory: the package hash (v2: manifest,
 *   a 1 MiB module, an icon and 8 assets) and the container with its checksum. No file I/O.
 * - `packages.verify.1mib` (ms/op) — `app install FILE`'s checks in memory: decode every entry
 *   against its caps, the checksum, the manifest, the package hash and the K1 signature.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PrivateKey } from '../abi/antelope/index.js';
import { packageSigningDigest } from '../skv/index.js';
import { hashPackage, provePackage } from '../runtime/app-identity/app-identity.js';
import { formatPackageSignature } from '../runtime/app-identity/package-signature.js';
import { packPackage, unpackPackage } from '../runtime/package-archive/package-file.js';
import type { AppPackage } from '../runtime/app-package.js';
import { validateManifest } from '../runtime/manifest.js';
import { summarize, type BenchResult } from './result.js';

const MIB = 1 << 20;
const ITERATIONS = 20;

async function timeMs(fn: () => unknown | Promise<unknown>, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let r = -1; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) await fn();
    if (r >= 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6 / ITERATIONS);
  }
  return samples;
}

export async function benchPackages(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const manifestJson = {
    name: 'bench-app',
    version: '1.0.0',
    publisher: 'alice',
    entry: 'build/app.wasm',
    commands: { run: { description: 'run' } },
    capabilities: {},
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifestJson));
  const wasm = new Uint8Array(randomBytes(MIB));
  const files = [
    { path: 'icon.png', data: new Uint8Array(randomBytes(4096)) },
    ...Array.from({ length: 8 }, (_, i) => ({ path: `assets/file-${i}.txt`, data: new Uint8Array(randomBytes(1024)) })),
  ];
  const pkg: AppPackage = {
    dir: '/bench',
    manifest: validateManifest(manifestJson),
    manifestBytes,
    wasm,
    sha256: '',
    files,
  };
  const key = PrivateKey.generate();
  const hash = hashPackage(pkg);
  const sig = new TextEncoder().encode(
    formatPackageSignature({
      version: 1,
      publicKey: key.toPublic().toString(),
      packageHash: Buffer.from(hash).toString('hex'),
      signature: key.sign(packageSigningDigest(hash)).toString(),
    }),
  );
  key.clear();
  const file = packPackage(pkg, sig).bytes;
  return [
    summarize('packages.sha256.1mib', 'ms/op', await timeMs(() => createHash('sha256').update(wasm).digest(), runs)),
    summarize('packages.pack.1mib', 'ms/op', await timeMs(() => packPackage(pkg, sig), runs)),
    summarize('packages.verify.1mib', 'ms/op', await timeMs(() => provePackage(unpackPackage(file, 'bench.peeros')), runs)),
  ];
}
