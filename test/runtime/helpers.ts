/**
 * Shared test helpers: a temporary PEEROS_HOME per test file, app directories written from a
 * manifest and module bytes, and a Host that grants everything it is asked.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host, HostError } from '../../runtime/index.js';

/** A fresh PEEROS_HOME (also set in process.env so children inherit it). */
export function tempHome(label: string): string {
  const home = mkdtempSync(join(tmpdir(), `peeros-test-${label}-`));
  process.env.PEEROS_HOME = home;
  return home;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ManifestOverrides {
  capabilities?: Record<string, unknown>;
  commands?: Record<string, { description: string }>;
  limits?: Record<string, number>;
  [k: string]: unknown;
}

/** Writes `peeros.json` and `build/app.wasm` into a new directory under `root`; returns it. */
export function writeApp(root: string, name: string, wasm: Uint8Array, m: ManifestOverrides = {}): string {
  const dir = join(root, 'src', name);
  mkdirSync(join(dir, 'build'), { recursive: true });
  const manifest = {
    name,
    version: '0.1.0',
    publisher: 'tester',
    entry: 'build/app.wasm',
    commands: { go: { description: 'does its thing' } },
    capabilities: {},
    ...m,
  };
  writeFileSync(join(dir, 'peeros.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'build', 'app.wasm'), wasm);
  return dir;
}

/** A host over `home` that records app log lines instead of printing them. */
export function quietHost(home: string, logs: string[] = []): Host {
  return new Host({ home, onLog: (app, level, msg) => logs.push(`${app}:${level}:${msg}`) });
}

export const grantAll = { grant: () => true };

import { inspectModule } from '../../runtime/sandbox/module-loader.js';
import { AppInstance } from '../../runtime/sandbox/instance.js';
import { resolveLimits, type AppLimits } from '../../runtime/limits.js';
import type { Grants } from '../../runtime/capabilities.js';

/** Inspects, links and instantiates `bytes` in this thread (no worker): the call path under test. */
export function instantiate(
  bytes: Uint8Array,
  grants: Grants = {},
  limits: Partial<AppLimits> = {},
  home = '/tmp',
  logs: string[] = [],
): AppInstance {
  const lim = resolveLimits(limits);
  const x = inspectModule(bytes, 'probe', grants, lim.memoryPages);
  return AppInstance.create(new WebAssembly.Module(x.bytes), x.plan, 'probe', grants, lim, {
    home,
    dataDir: join(home, 'data', 'probe'),
    logLevel: 0,
    logSink: (app, level, msg) => logs.push(`${app}:${level}:${msg}`),
  });
}

/** The code a refused call failed with: the app's own code (`appCode`) or the host's; throws when `call` succeeded. */
export async function refusalCode(call: Promise<unknown>, what = 'the call'): Promise<string> {
  try {
    await call;
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    return e.appCode ?? e.code;
  }
  throw new Error(`${what} was not refused`);
}

/**
 * The spec of an app whose worker is a stand-in script (test/fixtures/workers/): an empty module, no
 * grants, `cpuMs` of deadline, `home` as its home and data folder.
 */
export function standInSpec(app: string, cpuMs: number, home = '/tmp') {
  return {
    app,
    module: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])),
    plan: [],
    grants: {},
    limits: resolveLimits({ cpuMs }),
    home,
    dataDir: home,
    logLevel: 2,
  };
}
