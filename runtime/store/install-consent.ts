/**
 * The install consent, drawn by the host, one home for every install path: `peeros app install`
 * (folder, package file or store) and an app's install request (runtime/host-bridge/
 * install-request.ts). A framed block where every app-chosen string is quoted and escaped after a
 * host label, listing the capabilities with their scopes and every limit the app raises above the
 * default (a raised limit is a grant, like a capability). For a request it first says which app
 * asked, and what changes against the installed version.
 */
import type { AppPackage } from '../app-package.js';
import type { PackageProof } from '../app-identity/app-identity.js';
import { describeGrant } from '../capabilities.js';
import { raisedLimits, describeRaisedLimit } from '../limit-request.js';
import { terminalQuoted, terminalText } from '../../lib/terminal-text.js';

/** The rule that frames the install consent. */
const RULE = '─'.repeat(60);
/** A description longer than this is cut on the consent screen and in `app list`: 300 chars, a paragraph. */
export const MAX_DESCRIPTION_CHARS = 300;

/** Who asked and what changes, for an install an app requested. */
export interface InstallRequestContext {
  /** The app that asked (its installed name). */
  requestedBy: string;
  /** The registry row the package matched: store account and publisher account. */
  store: string;
  publisher: string;
  /** The installed version, when this is an update. */
  installedVersion?: string;
  /** What changed in capabilities and limits since the installed version (runtime/store/store-install.ts). */
  changes: string[];
}

export function installConsentLines(pkg: AppPackage, proof: PackageProof, request?: InstallRequestContext): string[] {
  const m = pkg.manifest;
  const caps = Object.entries(m.capabilities);
  const raised = raisedLimits(m.limits);
  const lines = [`${RULE.slice(0, 4)} install consent ${RULE.slice(21)}`];
  if (request)
    lines.push(
      `requested by the app ${terminalQuoted(request.requestedBy)}; the host checked the package against the store ${terminalText(request.store)} (published by ${terminalText(request.publisher)})`,
    );
  lines.push(
    `app          ${terminalQuoted(m.name)} ${terminalText(m.version)}`,
    proof.publicKey
      ? `publisher    ${proof.publicKey} (verified: it signed this package)`
      : `publisher    unverified (unsigned; the manifest's ${terminalQuoted(m.publisher)} is not proven)`,
  );
  if (m.description) lines.push(`description  ${terminalQuoted(m.description, MAX_DESCRIPTION_CHARS)}`);
  lines.push(
    `commands     ${Object.keys(m.commands)
      .map((c) => terminalQuoted(c))
      .join(', ')}`,
  );
  lines.push(`module       ${terminalQuoted(m.entry)} (${pkg.wasm.length} bytes, sha256 ${pkg.sha256})`);
  if (pkg.files.length)
    lines.push(`files        ${pkg.files.length} (icon and assets, ${pkg.files.reduce((n, f) => n + f.data.length, 0)} bytes)`);
  if (caps.length) {
    lines.push('requests these capabilities:');
    for (const [name, scope] of caps) lines.push(`  ${describeGrant(name, scope)}`);
  }
  if (raised.length) {
    lines.push('asks for more resources than the default:');
    for (const r of raised) lines.push(`  ${describeRaisedLimit(r)}`);
  }
  if (!caps.length && !raised.length) lines.push('requests no capabilities and no resources beyond the defaults');
  if (request?.installedVersion !== undefined) {
    lines.push(`installed now: ${terminalText(request.installedVersion)}`);
    if (request.changes.length) for (const c of request.changes) lines.push(`  ${terminalText(c)}`);
    else lines.push('  no change in capabilities or limits');
  }
  lines.push(RULE);
  return lines;
}
