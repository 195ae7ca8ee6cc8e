/**
 * The `capabilities_hash` of a release: sha256 of the canonical JSON (keys sorted at every level,
 * no spaces) of `{"capabilities": …, "limits": …}` from the manifest (limits `{}` when absent). A
 * store can show "this release asks for other capabilities" without fetching the package, and the
 * host checks it against the package it fetched.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../manifest.js';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function capabilitiesHash(manifest: Manifest): string {
  return createHash('sha256')
    .update(canonical({ capabilities: manifest.capabilities, limits: manifest.limits ?? {} }))
    .digest('hex');
}
