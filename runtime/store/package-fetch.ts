/**
 * Fetches a package file from a store location: an `http://` or `https://` URL, or a file path
 * (only `https://` on public addresses for a store on another machine: location-policy.ts).
 * The registry row says how big the package is, so at most that many bytes are accepted (and never
 * more than MAX_PACKAGE_FILE_BYTES): a server that sends more, or a file of another size, is refused
 * while reading, not after. A URL gets FETCH_TIMEOUT_MS in all. Nothing here trusts the bytes: the
 * caller checks them against the registry's package hash and then as any package file.
 */
import { basename, dirname, resolve } from 'node:path';
import { realpath } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HostError } from '../errors.js';
import { readFolderFile } from '../app-folder.js';
import { MAX_PACKAGE_FILE_BYTES } from '../package-archive/limits.js';
import { publicOnlyLookup, remoteLocationProblem } from './location-policy.js';

/** One download, connection to last byte: 60 s is minutes of margin for 64 MiB on a slow link. */
export const FETCH_TIMEOUT_MS = 60_000;

function refused(location: string, why: string): HostError {
  return new HostError('PACKAGE_INVALID', `cannot fetch the package from ${location}: ${why}`);
}

/** Redirects followed per location, each judged as the location itself. */
export const MAX_REDIRECTS = 5;

export interface FetchPolicy {
  /** File paths, `http://` and addresses on this machine or its networks may be followed (a store on this machine: location-policy.ts). */
  localLocations: boolean;
}

export async function fetchPackage(location: string, size: number, policy: FetchPolicy): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size <= 0 || size > MAX_PACKAGE_FILE_BYTES)
    throw refused(location, `the registry says it has ${size} bytes (at most ${MAX_PACKAGE_FILE_BYTES})`);
  if (!policy.localLocations) {
    const problem = remoteLocationProblem(location);
    if (problem) throw refused(location, problem);
  }
  if (/^https?:\/\//i.test(location)) return fetchUrl(location, size, policy);
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

/** One GET: the response, or where it redirects to. */
function get(url: string, policy: FetchPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(u, {
      method: 'GET',
      signal,
      // the address connected to is judged, not the name: a name resolving to loopback is refused too
      ...(policy.localLocations ? {} : { lookup: publicOnlyLookup }),
    });
    req.once('response', resolvePromise);
    req.once('error', reject);
    req.end();
  });
}

async function fetchUrl(url: string, size: number, policy: FetchPolicy): Promise<Uint8Array> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
  let at = url;
  try {
    let res = await get(at, policy, ctl.signal);
    for (let hops = 0; res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location; hops++) {
      res.resume();
      if (hops === MAX_REDIRECTS) throw refused(url, `more than ${MAX_REDIRECTS} redirects`);
      let next: string;
      try {
        next = new URL(res.headers.location, at).toString();
      } catch {
        throw refused(url, 'it redirects to no URL');
      }
      const problem = policy.localLocations
        ? /^https?:/i.test(next)
          ? undefined
          : 'it redirects to no http(s) URL'
        : remoteLocationProblem(next);
      if (problem) throw refused(url, `it redirects to a location that is not followed: ${problem}`);
      at = next;
      res = await get(at, policy, ctl.signal);
    }
    if (res.statusCode !== 200) {
      res.resume();
      throw refused(url, `HTTP ${res.statusCode}`);
    }
    const declared = Number(res.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared !== size) {
      res.resume();
      throw refused(url, `the server announces ${declared} bytes, the registry says ${size}`);
    }
    const out = new Uint8Array(size);
    let got = 0;
    for await (const chunk of res as AsyncIterable<Uint8Array>) {
      // leaving the loop destroys the response (no error event for nobody to hear)
      if (got + chunk.length > size) throw refused(url, `the server sends more than the ${size} bytes the registry says`);
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
