/**
 * The sync-call bridge from app workers to the main thread's services, and those services.
 * See bridge-protocol.ts and docs/hybrid-layers.md.
 */
export { HostBridge, type BridgeHandler } from './host-bridge.js';
export { BridgeError } from './bridge-error.js';
export * from './bridge-protocol.js';
export { HostServices, type HostServicesOptions } from './host-services.js';
export { OnDemandServices, type OnDemandOptions } from './on-demand-services.js';
