/**
 * Reads a small regular file whole, refusing anything else (a directory, a FIFO that would block,
 * a device, a file larger than `max`) before reading it, so an app folder cannot make the installer
 * hang or allocate without bound.
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { HostError } from '../errors.js';

/** The file's bytes, or undefined when it does not exist. */
export async function readBoundedFile(path: string, max: number, what: string): Promise<Uint8Array | undefined> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new HostError('MANIFEST_INVALID', `${what} ${path} cannot be opened (${code ?? (err as Error).message}); it must be a regular file, not a link`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new HostError('MANIFEST_INVALID', `${what} ${path} is not a regular file`);
    if (st.size > max) throw new HostError('LIMIT_EXCEEDED', `${what} ${path} is ${st.size} bytes, more than the ${max} allowed`);
    const buf = new Uint8Array(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    if (bytesRead !== st.size) throw new HostError('MANIFEST_INVALID', `${what} ${path} changed while it was read; try again`);
    return buf;
  } finally {
    await fh.close();
  }
}
