/**
 * PeerOS host runtime — the public surface: the {@link Host} facade, its error type, the manifest
 * validator, limits and the pure helpers other parts reuse.
 */
export { Host } from './host.js';
export type { HostOptions, InstallOptions, InstallResult } from './host.js';
export type { InstallDialog, InstallDialogRequest, InstallAnswer } from './app-install-request.js';
export { HostError, isHostError } from './errors.js';
export type { HostErrorCode, HostErrorData } from './errors.js';
export { validateManifest, readManifest } from './manifest.js';
export type { Manifest, CommandSpec } from './manifest.js';
export type { Grants, StorageScope, ChainReadScope, DmcsPushScope } from './capabilities.js';
export { describeGrant, KNOWN_CAPABILITIES } from './capabilities.js';
export { raisedLimits, describeRaisedLimit, type RaisedLimit } from './limit-request.js';
export * as limits from './limits.js';
export type { AppLimits } from './limits.js';
export type { AppSummary, InstallRecord } from './app-registry.js';
export { echoPayload } from './isa/diag.js';
export { AppInstance } from './sandbox/instance.js';
export type { CallResult } from './sandbox/instance.js';
