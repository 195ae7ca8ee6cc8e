// Build freshness: a build product is rebuilt only when its inputs changed. The inputs are hashed
// (path and bytes of every regular file, in sorted order) and the digest is kept in a stamp file
// next to the product; a later build with the same digest and all outputs present skips the work.
// Content, not mtimes: a checkout, a `git stash` or a copy changes mtimes without changing anything.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** sha256 over every regular file under `paths` (files or folders); `skip(rel)` leaves a path out. */
export function inputsDigest(root, paths, skip = () => false) {
  const hash = createHash('sha256');
  const visit = (abs) => {
    const rel = relative(root, abs);
    if (skip(rel)) return;
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) {
      hash.update(`missing ${rel}\n`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) visit(join(abs, name));
      return;
    }
    if (!st.isFile()) return; // symlinks and devices are not build inputs
    hash.update(`${rel} ${st.size}\n`).update(readFileSync(abs));
  };
  for (const p of paths) visit(join(root, p));
  return hash.digest('hex');
}

/** Runs `build()` unless `stamp` holds `digest` and every output exists; then records the digest. */
export async function unlessFresh({ stamp, digest, outputs }, build) {
  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && outputs.every((o) => existsSync(o));
  if (fresh) return undefined;
  const result = await build();
  writeFileSync(stamp, digest);
  return result;
}
