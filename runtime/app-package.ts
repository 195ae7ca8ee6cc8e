/**
 * An app folder read for install: its manifest (and the exact bytes it was validated from) and its
 * module, both read through runtime/app-folder.ts — only regular files inside the folder, size
 * checked before reading. Nothing is installed here (runtime/app-registry.ts does that).
 */
import { join, resolve } from 'node:path';
import { HostError } from './errors.js';
import { readManifestFile, type Manifest } from './manifest.js';
import { withModuleCommands } from './app-commands.js';
import { sha256Hex } from '../lib/sha256-hex.js';
import { readFolderFile } from './app-folder.js';
import { MAX_MODULE_BYTES } from './limits.js';
import type { PackageFile } from './app-identity/package-hash.js';
import { readFolderExtras } from './package-archive/folder-extras.js';

/** An app directory's manifest and module, read and checked but not installed. */
export interface AppPackage {
  dir: string;
  manifest: Manifest;
  /** `peeros.json` exactly as read and validated (the package hash covers these bytes). */
  manifestBytes: Uint8Array;
  wasm: Uint8Array;
  sha256: string;
  /** The icon and assets (runtime/package-archive/package-contents.ts), sorted by path. */
  files: PackageFile[];
  /**
   * For a package read from a `.peeros` file: its `peeros.sig` entry, or null when it has none.
   * Undefined for a folder, whose `peeros.sig` is read beside the manifest.
   */
  signatureBytes?: Uint8Array | null;
}

/**
 * Reads the app in `dir` for install. Every file is read through runtime/app-folder.ts: only
 * regular files inside `dir` (no link out of it, no device or FIFO), the module at most
 * MAX_MODULE_BYTES, checked before reading.
 */
export async function readAppPackage(dir: string): Promise<AppPackage> {
  const abs = resolve(dir);
  const { manifest, bytes: manifestBytes } = await readManifestFile(abs);
  let wasm: Uint8Array;
  try {
    wasm = await readFolderFile([abs], manifest.entry, { maxBytes: MAX_MODULE_BYTES, what: 'the app module (manifest "entry")' });
  } catch (err) {
    if (err instanceof HostError) throw new HostError(err.code, err.message, { app: manifest.name });
    throw new HostError('MANIFEST_INVALID', `entry ${manifest.entry} not found in ${abs} (build the app first: peeros app build ${dir})`, {
      app: manifest.name,
    });
  }
  const files = await readFolderExtras(abs, manifest.name);
  return {
    dir: abs,
    manifest: withModuleCommands(manifest, wasm, join(abs, 'peeros.json')),
    manifestBytes,
    wasm,
    sha256: sha256Hex(wasm),
    files,
  };
}
