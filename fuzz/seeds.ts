/**
 * Seed corpora from valid values kept in the repository: the Antelope test vectors, the stock
 * apps' manifests, the keystore fixture (test KDF). Read from the source tree, so dist/ needs no copy.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file runs as dist/fuzz/seeds.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function repoFile(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

export function readJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(repoFile(...parts), 'utf8')) as T;
}

/** Every `apps/<name>/peeros.json` as text. */
export function stockManifests(): string[] {
  const dir = repoFile('apps');
  return readdirSync(dir)
    .map((n) => join(dir, n, 'peeros.json'))
    .filter(existsSync)
    .map((p) => readFileSync(p, 'utf8'));
}

export const hexBytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
