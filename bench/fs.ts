/**
 * Hybrid file system benchmarks (issue 13): what writing and reading a 64 KiB file costs through
 * the ISA (a real app worker, the fs-probe fixture looping inside wasm) against the drive called
 * directly, plain and sealed (AES-256-GCM), in the same run. All names start with `fs.`.
 *
 * - `fs.drive.write.64k` (ms/op) — the baseline: `Drive.writeFile` of 64 KiB, plain (one
 *   fdatasynced record append).
 * - `fs.drive-sealed.write.64k` (ms/op) — the same with a drive key (seal, then append).
 * - `fs.isa.write.64k` (ms/op) — `fs.write-file` from the app's worker (guest copy, path checks,
 *   grant, quota), per file, over a command that writes 50 files.
 * - `fs.drive.read.64k` / `fs.drive-sealed.read.64k` (ms/op) — a whole-file read, plain and opened.
 * - `fs.hyperdrive.write.64k` / `fs.hyperdrive.read.64k` (ms/op) — raw hyperdrive (its own corestore
 *   on disk, `put` and `get` of the same files), the outside baseline. Hyperdrive does not
 *   sync each put to disk; the drive above does (one fdatasync per file), so the write ratio
 *   compares a durable write with a buffered one. Skipped when hyperdrive (a dev dependency) is
 *   not installed, as in a packaged install.
 * - `fs.isa/hyperdrive.write` (x) — the ISA write over raw hyperdrive's put; `fs.drive-sealed/hyperdrive.read`
 *   (x) — a sealed drive's read over hyperdrive's get; run by run.
 * - `fs.share.raw-replicate.1m` (ms) — the baseline: 1 MiB appended to a hypercore in 64 KiB blocks,
 *   replicated to a second corestore over loopback TCP (dial, signed length, download).
 * - `fs.share.sealed-replicate.1m` (ms) — the same bytes as a peer-to-peer share: sealed in chunks,
 *   appended, replicated by `syncShare`, every block opened and checked (runtime/fs/share-*.ts).
 * - `fs.share.sealed/raw` (x) — their ratio, run by run.
 * - `fs.share.resync-full.4m` (ms) — the baseline: a later sync of a 4 MiB shared folder after one
 *   1 KiB file was added, replaying the core from its first block (what a sync did before it kept
 *   a verified position): signed length, download, open and check every block.
 * - `fs.share.resync-incremental.4m` (ms) — the same sync from the verified position: the fork and
 *   tree-hash check, then only the blocks after it (share-peer.ts `VerifiedPosition`).
 * - `fs.share.resync-full/incremental` (x) — their ratio, run by run (the order alternates).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Host } from '../runtime/host.js';
import { Drive } from '../runtime/fs/drive.js';
import { ShareCores, appendToShare, readShare } from '../runtime/fs/share-core.js';
import { SHARE_CHUNK_BYTES } from '../runtime/fs/share-format.js';
import { ShareServer, positionOf, syncShare } from '../runtime/fs/share-peer.js';
import type Hypercore from 'hypercore';
import { summarize, type BenchResult } from './result.js';

const PROBE = fileURLToPath(new URL('../../test/fixtures/apps/fs-probe/', import.meta.url));
const SIZE = 64 << 10;
const FILES = 50;
const QUOTA = 1 << 30;

export async function benchFs(opts: { runs: number }): Promise<BenchResult[]> {
  const runs = Math.max(1, opts.runs);
  const home = mkdtempSync(join(tmpdir(), 'peeros-bench-fs-'));
  const key = randomBytes(32);
  const data = new Uint8Array(randomBytes(SIZE));
  try {
    const wPlain: number[] = [];
    const wSealed: number[] = [];
    const wIsa: number[] = [];
    const rPlain: number[] = [];
    const rSealed: number[] = [];
    const manifest = JSON.parse(readFileSync(join(PROBE, 'peeros.json'), 'utf8'));
    manifest.capabilities.fs.maxBytes = QUOTA;
    const dir = join(home, 'src', 'fs-probe');
    mkdirSync(join(dir, 'build'), { recursive: true });
    writeFileSync(join(dir, manifest.entry), readFileSync(join(PROBE, manifest.entry)));
    writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest));
    const host = new Host({ home, onLog: () => {} });
    try {
      await host.install(dir, { grant: () => true });
      for (let r = -1; r < runs; r++) {
        const plain = new Drive(join(home, `plain-${r}`), QUOTA);
        const sealed = new Drive(join(home, `sealed-${r}`), QUOTA, { key });
        let t = process.hrtime.bigint();
        for (let i = 0; i < FILES; i++) plain.writeFile(`docs/f/${i}`, data);
        const a = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
        t = process.hrtime.bigint();
        for (let i = 0; i < FILES; i++) sealed.writeFile(`docs/f/${i}`, data);
        const b = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
        t = process.hrtime.bigint();
        await host.run('fs-probe', 'fs.fill', { count: FILES, size: SIZE });
        const c = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
        t = process.hrtime.bigint();
        for (let i = 0; i < FILES; i++) plain.read(`docs/f/${i}`, 0, SIZE);
        const d = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
        t = process.hrtime.bigint();
        for (let i = 0; i < FILES; i++) sealed.read(`docs/f/${i}`, 0, SIZE);
        const e = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
        if (r < 0) continue; // warm-up
        wPlain.push(a);
        wSealed.push(b);
        wIsa.push(c);
        rPlain.push(d);
        rSealed.push(e);
      }
    } finally {
      await host.close();
    }
    return [
      summarize('fs.drive.write.64k', 'ms/op', wPlain),
      summarize('fs.drive-sealed.write.64k', 'ms/op', wSealed),
      summarize('fs.isa.write.64k', 'ms/op', wIsa),
      summarize('fs.drive.read.64k', 'ms/op', rPlain),
      summarize('fs.drive-sealed.read.64k', 'ms/op', rSealed),
      ...(await benchHyperdrive(home, runs, data, wIsa, rSealed)),
      ...(await benchShare(home, runs)),
      ...(await benchResync(home, runs)),
    ];
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The same 64 KiB files put into and read from a raw hyperdrive; undefined when it is not installed. */
async function benchHyperdrive(home: string, runs: number, data: Uint8Array, wIsa: number[], rSealed: number[]): Promise<BenchResult[]> {
  let Hyperdrive: new (
    store: unknown,
  ) => {
    ready(): Promise<void>;
    put(path: string, data: Uint8Array): Promise<unknown>;
    get(path: string): Promise<Uint8Array | null>;
    close(): Promise<void>;
  };
  let Corestore: new (dir: string) => { ready(): Promise<void>; close(): Promise<void> };
  try {
    // a dev dependency: a packaged install has none, and the figure is simply not measured there
    const hyperdrivePackage = 'hyperdrive';
    Hyperdrive = (await import(hyperdrivePackage)).default;
    Corestore = (await import('corestore')).default as unknown as typeof Corestore;
  } catch {
    return [];
  }
  const write: number[] = [];
  const read: number[] = [];
  for (let r = -1; r < runs; r++) {
    const store = new Corestore(join(home, `hyperdrive-${r}`));
    const drive = new Hyperdrive(store);
    try {
      await drive.ready();
      let t = process.hrtime.bigint();
      for (let i = 0; i < FILES; i++) await drive.put(`/docs/f/${i}`, data);
      const a = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
      t = process.hrtime.bigint();
      for (let i = 0; i < FILES; i++)
        if ((await drive.get(`/docs/f/${i}`))?.length !== data.length) throw new Error('hyperdrive read back short');
      const b = Number(process.hrtime.bigint() - t) / 1e6 / FILES;
      if (r < 0) continue; // warm-up
      write.push(a);
      read.push(b);
    } finally {
      await drive.close();
      await store.close();
    }
  }
  return [
    summarize('fs.hyperdrive.write.64k', 'ms/op', write),
    summarize('fs.hyperdrive.read.64k', 'ms/op', read),
    summarize(
      'fs.isa/hyperdrive.write',
      'x',
      wIsa.map((v, i) => v / write[i]!),
    ),
    summarize(
      'fs.drive-sealed/hyperdrive.read',
      'x',
      rSealed.map((v, i) => v / read[i]!),
    ),
  ];
}

/** Raw hypercore replication of 1 MiB against the same bytes as a sealed share, between two corestores over loopback. */
async function benchShare(home: string, runs: number): Promise<BenchResult[]> {
  const sender = await ShareCores.open(join(home, 'share-sender'));
  const receiver = await ShareCores.open(join(home, 'share-receiver'));
  const served: Hypercore[] = [];
  const server = await ShareServer.listen(() => served, { host: '127.0.0.1', port: 0 });
  const raw: number[] = [];
  const sealed: number[] = [];
  try {
    const content = randomBytes(1 << 20);
    const chunks: Buffer[] = [];
    for (let i = 0; i < content.length; i += SHARE_CHUNK_BYTES) chunks.push(content.subarray(i, i + SHARE_CHUNK_BYTES));
    for (let r = -1; r < runs; r++) {
      let t = process.hrtime.bigint();
      const plain = await sender.outgoing(`raw-${r}`);
      served.push(plain);
      server.offer(plain);
      await plain.append(chunks);
      await syncShare(await receiver.incoming(plain.key!), server.address, { minLength: chunks.length });
      const a = Number(process.hrtime.bigint() - t) / 1e6;
      t = process.hrtime.bigint();
      const key = randomBytes(32);
      const core = await sender.outgoing(`sealed-${r}`);
      served.push(core);
      server.offer(core);
      const length = await appendToShare(core, key, new Map([['files/m.bin', content]]));
      const replica = await receiver.incoming(core.key!);
      await syncShare(replica, server.address, { minLength: length });
      const state = await readShare(replica, { contentKey: key, root: 'files/m.bin', folder: false, length });
      const b = Number(process.hrtime.bigint() - t) / 1e6;
      if (state.get('files/m.bin')?.length !== content.length) throw new Error('the share did not read back');
      if (r < 0) continue; // warm-up
      raw.push(a);
      sealed.push(b);
    }
  } finally {
    await server.close();
    await sender.close();
    await receiver.close();
  }
  return [
    summarize('fs.share.raw-replicate.1m', 'ms', raw),
    summarize('fs.share.sealed-replicate.1m', 'ms', sealed),
    summarize(
      'fs.share.sealed/raw',
      'x',
      sealed.map((v, i) => v / raw[i]!),
    ),
  ];
}

/** A later sync of a 4 MiB shared folder after a 1 KiB write: replayed from block 0, against from the verified position. */
async function benchResync(home: string, runs: number): Promise<BenchResult[]> {
  const sender = await ShareCores.open(join(home, 'resync-sender'));
  const receiver = await ShareCores.open(join(home, 'resync-receiver'));
  const served: Hypercore[] = [];
  const server = await ShareServer.listen(() => served, { host: '127.0.0.1', port: 0 });
  const full: number[] = [];
  const incremental: number[] = [];
  try {
    const key = randomBytes(32);
    const core = await sender.outgoing('resync');
    served.push(core);
    server.offer(core);
    const files = new Map<string, Uint8Array>();
    for (let i = 0; i < 4; i++) files.set(`files/f/${i}.bin`, randomBytes(1 << 20));
    let length = await appendToShare(core, key, files);
    const replica = await receiver.incoming(core.key!);
    await syncShare(replica, server.address, { minLength: length });
    const sizes = new Map<string, number | null>([...files].map(([p, c]) => [p, c.length]));
    for (let r = -1; r < runs; r++) {
      const verified = await positionOf(replica, length);
      const start = length;
      const path = `files/f/new-${r + 1}.txt`;
      length = await appendToShare(core, key, new Map([[path, randomBytes(1024)]]));
      const timeFull = async (): Promise<number> => {
        const t = process.hrtime.bigint();
        await syncShare(replica, server.address, { minLength: length });
        const state = await readShare(replica, { contentKey: key, root: 'files/f', folder: true, length });
        if (!state.has(path)) throw new Error('the full resync missed the new file');
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      const timeIncremental = async (): Promise<number> => {
        const t = process.hrtime.bigint();
        await syncShare(replica, server.address, { minLength: length, verified });
        const state = await readShare(replica, { contentKey: key, root: 'files/f', folder: true, length, start, prior: sizes });
        if (state.size !== 1 || !state.has(path)) throw new Error('the incremental resync read more than the new file');
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      let a: number;
      let b: number;
      if (r % 2 === 0) {
        a = await timeFull();
        b = await timeIncremental();
      } else {
        b = await timeIncremental();
        a = await timeFull();
      }
      sizes.set(path, 1024);
      if (r < 0) continue; // warm-up
      full.push(a);
      incremental.push(b);
    }
  } finally {
    await server.close();
    await sender.close();
    await receiver.close();
  }
  return [
    summarize('fs.share.resync-full.4m', 'ms', full),
    summarize('fs.share.resync-incremental.4m', 'ms', incremental),
    summarize(
      'fs.share.resync-full/incremental',
      'x',
      full.map((v, i) => v / incremental[i]!),
    ),
  ];
}
