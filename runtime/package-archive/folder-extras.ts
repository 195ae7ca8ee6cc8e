/**
 * Reads an app folder's extra files — `icon.png` and every regular file under `assets/` — for
 * packing, signing and install. Each file goes through runtime/app-folder.ts (regular files inside
 * the folder only, size capped before reading). Names starting with '.' (.DS_Store, editor files)
 * are skipped; any other name that is not a package path is refused, since it could not be packed.
 * Counts and total size are capped while walking, so a huge tree is refused, not read.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../errors.js';
import { readFolderFile } from '../app-folder.js';
import { comparePaths, type PackageFile } from '../app-identity/package-hash.js';
import { packagePathProblem } from './package-path.js';
import { ASSETS_DIR, ICON_PATH } from './package-contents.js';
import { MAX_ASSETS_TOTAL_BYTES, MAX_ASSET_BYTES, MAX_PACKAGE_ENTRIES } from './limits.js';

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export async function readFolderExtras(dir: string, app: string): Promise<PackageFile[]> {
  const files: PackageFile[] = [];
  let total = 0;
  const add = async (rel: string) => {
    const problem = packagePathProblem(rel);
    if (problem) throw new HostError('UNSAFE_FILE', `${join(dir, rel)}: cannot be part of a package: ${problem}`, { app });
    if (files.length + 3 > MAX_PACKAGE_ENTRIES)
      throw new HostError('LIMIT_EXCEEDED', `${join(dir, ASSETS_DIR)}: more than ${MAX_PACKAGE_ENTRIES - 3} asset files`, { app });
    const data = await readFolderFile([dir], rel, { maxBytes: MAX_ASSET_BYTES, what: 'an app asset' });
    total += data.length;
    if (total > MAX_ASSETS_TOTAL_BYTES)
      throw new HostError(
        'LIMIT_EXCEEDED',
        `${join(dir, ASSETS_DIR)}: the icon and assets exceed ${MAX_ASSETS_TOTAL_BYTES} bytes together`,
        {
          app,
        },
      );
    files.push({ path: rel, data: new Uint8Array(data) });
  };
  try {
    await add(ICON_PATH);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  const walk = async (rel: string): Promise<void> => {
    let names;
    try {
      names = await readdir(join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    names.sort((a, b) => comparePaths(a.name, b.name));
    for (const d of names) {
      if (d.name.startsWith('.')) continue;
      const child = `${rel}/${d.name}`;
      if (d.isDirectory()) {
        const problem = packagePathProblem(child);
        if (problem) throw new HostError('UNSAFE_FILE', `${join(dir, child)}: cannot be part of a package: ${problem}`, { app });
        await walk(child);
      } else await add(child); // links, devices and FIFOs are refused by readFolderFile
    }
  };
  await walk(ASSETS_DIR);
  return files.sort((a, b) => comparePaths(a.path, b.path));
}
