/**
 * Reading files from an untrusted app folder. An app folder comes from anyone, so a file in it may
 * be a symlink to `/dev/zero` or to the user's secrets, a named pipe that never answers, a device,
 * a directory or a file of gigabytes. Every read of an app folder (manifest, module, sources) goes
 * through {@link readFolderFile}, which guarantees:
 *
 *   - the file's real path (every symlink resolved) lies inside one of the allowed folders' real paths;
 *   - it is opened with O_NOFOLLOW (a last component swapped for a link after the check is refused)
 *     and O_NONBLOCK (opening a FIFO never waits for a writer), then fstat'ed: only a regular file
 *     is read — never a device, FIFO, socket or directory;
 *   - its size is checked against the caller's cap BEFORE reading, and at most cap+1 bytes are
 *     read, so a file that grows while it is read is still bounded (and refused).
 *
 * Refusals are HostError `UNSAFE_FILE` (with the path and why) or `LIMIT_EXCEEDED` (the size and
 * the cap). A file that does not exist rethrows the ENOENT error so callers say what was missing.
 * Not covered: a concurrent process swapping a directory of the path between the check and the
 * open; app folders are hostile data, not hostile running code.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HostError } from './errors.js';

/** True when `path` is `folder` itself or inside it (both already real, absolute paths). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** The kind of a non-regular file, for messages. */
function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export interface FolderFileOptions {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for messages (e.g. "the app manifest"). */
  what: string;
}

/**
 * Reads `path` (absolute, or relative to `folders[0]`) when its real path lies inside one of
 * `folders` and it is a regular file of at most `maxBytes`; see the module doc.
 */
export async function readFolderFile(folders: readonly string[], path: string, opts: FolderFileOptions): Promise<Buffer> {
  if (folders.length === 0) throw new Error('readFolderFile: no folder given');
  const wanted = resolve(folders[0]!, path);
  const roots = await Promise.all(folders.map((f) => realpath(f)));
  const real = await realpath(wanted); // ENOENT (also for a dangling link) is the caller's to report
  if (!roots.some((r) => isInside(r, real))) {
    throw new HostError(
      'UNSAFE_FILE',
      `${wanted}: ${opts.what} resolves to ${real}, outside the app folder; an app may only use regular files inside its folder`,
    );
  }
  let fh;
  try {
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new HostError('UNSAFE_FILE', `${wanted}: ${opts.what} became a symbolic link while it was opened`);
    throw err;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new HostError('UNSAFE_FILE', `${wanted}: ${opts.what} is ${kindOf(st)}; an app may only use regular files inside its folder`);
    if (st.size > opts.maxBytes)
      throw new HostError('LIMIT_EXCEEDED', `${wanted}: ${opts.what} is ${st.size} bytes, more than the ${opts.maxBytes}-byte limit`);
    // read at most size + 1 bytes (size <= maxBytes): one byte more than fstat said means the file grew
    const buf = Buffer.allocUnsafe(st.size + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > st.size)
      throw new HostError(
        'UNSAFE_FILE',
        `${wanted}: ${opts.what} grew while it was read; an app folder must not change during build or install`,
      );
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
