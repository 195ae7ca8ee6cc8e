/**
 * Installing an app from a folder on the console's page, with the same consent the CLI draws: the
 * page first gets what the package asks for (publisher verified or not, capabilities with their
 * scopes, resources beyond the defaults), read and proven by the host; the install then grants
 * exactly the package the user saw — its package hash must be the one consented to, so a folder
 * changed in between installs nothing. App-chosen strings are escaped as for the terminal; the
 * page sets them as text.
 */
import { isAbsolute } from 'node:path';
import { terminalText } from '../../lib/terminal-text.js';
import { readAppPackage, type AppPackage } from '../app-registry.js';
import { provePackage, type PackageProof } from '../app-identity/app-identity.js';
import { describeGrant } from '../capabilities.js';
import { raisedLimits, describeRaisedLimit } from '../limit-request.js';
import { ConsoleError } from './console-error.js';

/** A folder path typed on the page: far beyond real ones. */
export const MAX_FOLDER_PATH_CHARS = 4096;
/** As `peeros app install` cuts a description on its consent screen. */
const MAX_DESCRIPTION_CHARS = 300;

export interface InstallConsent {
  name: string;
  version: string;
  /** The key that signed the package, when its signature verified. */
  publisherKey: string | null;
  /** What the manifest claims (unproven when `publisherKey` is null). */
  publisher: string;
  description: string | null;
  commands: string[];
  capabilities: string[];
  raisedLimits: string[];
  packageHash: string;
}

/** The folder argument: an absolute path of bounded length (the console's working folder means nothing to the page). */
export function folderArg(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FOLDER_PATH_CHARS || !isAbsolute(v) || v.includes('\0'))
    throw new ConsoleError('BAD_REQUEST', `"dir" must be an absolute folder path of at most ${MAX_FOLDER_PATH_CHARS} characters`);
  return v;
}

export function consentOf(pkg: AppPackage, proof: PackageProof): InstallConsent {
  const m = pkg.manifest;
  return {
    name: terminalText(m.name),
    version: terminalText(m.version),
    publisherKey: proof.publicKey ?? null,
    publisher: terminalText(m.publisher),
    description: m.description ? terminalText(m.description, MAX_DESCRIPTION_CHARS) : null,
    commands: Object.keys(m.commands).map((c) => terminalText(c)),
    capabilities: Object.entries(m.capabilities).map(([name, scope]) => terminalText(describeGrant(name, scope))),
    raisedLimits: raisedLimits(m.limits).map((r) => terminalText(describeRaisedLimit(r))),
    packageHash: proof.packageHash,
  };
}

/** Reads and proves the package in `dir` (nothing is written). */
export async function installPreview(dir: string): Promise<InstallConsent> {
  const pkg = await readAppPackage(dir);
  return consentOf(pkg, await provePackage(pkg));
}
