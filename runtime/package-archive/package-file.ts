/**
 * `.peeros` package files: {@link packPackage} turns an app folder read for install (AppPackage)
 * into the deterministic container (archive-codec.ts); {@link readPackageFile} turns a file back
 * into an AppPackage, checking everything before the install path sees it — the file is a regular
 * file no larger than MAX_PACKAGE_FILE_BYTES (checked before reading), the container is intact
 * (checksum, layout, paths, sizes), it holds exactly the manifest, the module its manifest names,
 * an optional signature and optional icon and assets, and the manifest is valid. The signature is
 * verified by the install path (app-identity.ts provePackage), as for a folder.
 */
import { basename, dirname } from 'node:path';
import { realpath } from 'node:fs/promises';
import { HostError } from '../errors.js';
import type { AppPackage } from '../app-package.js';
import { readFolderFile } from '../app-folder.js';
import { parseManifestBytes } from '../manifest.js';
import { sha256Hex } from '../../lib/sha256-hex.js';
import { hashPackage } from '../app-identity/app-identity.js';
import { parsePackageSignature, verifyPackageSignature } from '../app-identity/package-signature.js';
import { decodeArchive, encodeArchive, type ArchiveEntry } from './archive-codec.js';
import { packagePathProblem } from './package-path.js';
import { MANIFEST_PATH, MAX_PACKAGE_CONTENT_BYTES, SIGNATURE_PATH, isExtraPath, maxEntryBytes } from './package-contents.js';
import { MAX_PACKAGE_FILE_BYTES } from './limits.js';

export const PACKAGE_EXTENSION = '.peeros';

/** `NAME-VERSION.peeros`, the file name `app pack` writes. */
export function packageFileName(pkg: AppPackage): string {
  return `${pkg.manifest.name}-${pkg.manifest.version}${PACKAGE_EXTENSION}`;
}

/**
 * The package file of `pkg` with its signature `sig` (DIR/peeros.sig's bytes) when signed. A
 * signature that does not verify for these files is refused here: a package never carries a stale one.
 */
export function packPackage(pkg: AppPackage, sig: Uint8Array | undefined): { bytes: Uint8Array; signed: boolean } {
  const m = pkg.manifest;
  const problem = packagePathProblem(m.entry);
  if (problem)
    throw new HostError('MANIFEST_INVALID', `app '${m.name}': entry ${JSON.stringify(m.entry)} cannot be packed: ${problem}`, {
      app: m.name,
    });
  if (isExtraPath(m.entry) || m.entry === SIGNATURE_PATH)
    throw new HostError('MANIFEST_INVALID', `app '${m.name}': entry ${m.entry} must not lie under assets/`, { app: m.name });
  if (sig) verifyPackageSignature(parsePackageSignature(sig, m.name), hashPackage(pkg), m.name);
  const entries: ArchiveEntry[] = [{ path: MANIFEST_PATH, data: pkg.manifestBytes }, { path: m.entry, data: pkg.wasm }, ...pkg.files];
  if (sig) entries.push({ path: SIGNATURE_PATH, data: sig });
  return { bytes: encodeArchive(entries), signed: sig !== undefined };
}

function invalid(file: string, why: string, app?: string): HostError {
  return new HostError('PACKAGE_INVALID', `${file}: ${why}; nothing was installed`, app ? { app } : {});
}

/** Decodes package bytes into an AppPackage; `file` names it in messages and becomes its `dir`. */
export function unpackPackage(bytes: Uint8Array, file: string): AppPackage {
  const entries = decodeArchive(bytes, { maxEntryBytes, maxTotalBytes: MAX_PACKAGE_CONTENT_BYTES }, file);
  const byPath = new Map(entries.map((e) => [e.path, e.data]));
  const manifestBytes = byPath.get(MANIFEST_PATH);
  if (!manifestBytes) throw invalid(file, `it has no ${MANIFEST_PATH}`);
  const manifest = parseManifestBytes(manifestBytes, `${file}!${MANIFEST_PATH}`);
  if (isExtraPath(manifest.entry)) throw invalid(file, `its manifest's entry ${manifest.entry} lies under assets/`, manifest.name);
  const wasm = byPath.get(manifest.entry);
  if (!wasm) throw invalid(file, `it has no module at ${JSON.stringify(manifest.entry)} (the manifest's entry)`, manifest.name);
  for (const e of entries)
    if (e.path !== MANIFEST_PATH && e.path !== SIGNATURE_PATH && e.path !== manifest.entry && !isExtraPath(e.path))
      throw invalid(file, `it holds ${e.path}, which is none of peeros.json, peeros.sig, the module, icon.png or assets/…`, manifest.name);
  return {
    dir: file,
    manifest,
    manifestBytes,
    wasm,
    sha256: sha256Hex(wasm),
    files: entries.filter((e) => isExtraPath(e.path)).map((e) => ({ path: e.path, data: e.data })),
    signatureBytes: byPath.get(SIGNATURE_PATH) ?? null,
  };
}

/** Reads and checks the package file at `path` (see the module doc). */
export async function readPackageFile(path: string): Promise<AppPackage> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new HostError('PACKAGE_INVALID', `${path}: no such package file`);
  }
  const bytes = await readFolderFile([dirname(real)], basename(real), { maxBytes: MAX_PACKAGE_FILE_BYTES, what: 'the package file' });
  return unpackPackage(bytes, real);
}
