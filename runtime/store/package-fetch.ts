/**
 * Fetches a package file from a store location: an `http://` or `https://` URL, or a file path.
 * The registry row says how big the package is, so at most that many bytes are accepted (and never
 * more than MAX_PACKAGE_FILE_BYTES): a server that sends more, or a file of another size, is refused
 * while reading, not after. A URL gets FETCH_TIMEOUT_MS in all. Nothing here trusts the bytes: the
 * caller checks them against the registry's package hash and then as any package file.
 */
import { basename, dirname, resolve } from 'node:path';
import { realpath } from 'node:fs/promises';
import { HostError } from '../errors.js';
import { readFolderFile } from '../app-folder.js';
import { MAX_PACKAGE_FILE_BYTES } from '../package-archive/limits.js';

/** One download, connection to last byte: 60 s is minutes of margin for 64 MiB on a slow link. */
export const FETCH_TIMEOUT_MS = 60_000;

function refused(location: string, why: string): HostError {
  return new HostError('PACKAGE_INVALID', `cannot fetch the package from ${location}: ${why}`);
}

export async function fetchPackage(location: string, size: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size <= 0 || size > MAX_PACKAGE_FILE_BYTES)
    throw refused(location, `the registry says it has ${size} bytes (at most ${MAX_PACKAGE_FILE_BYTES})`);
  if (/^https?:\/\//.test(location)) return fetchUrl(location, size);
  if (/^[a-z][a-z0-9+.-]*:/i.test(location)) throw refused(location, 'only http(s) URLs and file paths are supported');
  let real: string;
  try {
    real = await realpath(resolve(location));
  } catch {
    throw refused(location, 'no such file');
  }
  const bytes = await readFolderFile([dirname(real)], basename(real), { maxBytes: size, what: 'the package file' });
  if (bytes.length !== size) throw refused(location, `it has ${bytes.length} bytes, the registry says ${size}`);
  return bytes;
}

async function fetchUrl(url: string, size: number): Promise<Uint8Array> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
  try {
    const res = await fetch(url, { signal: ctl.signal, redirect: 'follow' });
    if (!res.ok || !res.body) throw refused(url, `HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared !== size)
      throw refused(url, `the server announces ${declared} bytes, the registry says ${size}`);
    const out = new Uint8Array(size);
    let got = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      if (got + chunk.length > size) {
        ctl.abort();
        throw refused(url, `the server sends more than the ${size} bytes the registry says`);
      }
      out.set(chunk, got);
      got += chunk.length;
    }
    if (got !== size) throw refused(url, `the server sent ${got} bytes, the registry says ${size}`);
    return out;
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw refused(url, ctl.signal.aborted ? `no complete answer within ${FETCH_TIMEOUT_MS} ms` : (err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}
