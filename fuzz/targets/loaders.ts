/**
 * Each target's module by name, loaded alone: a target's process and thread import only the decoder
 * they fuzz, not every target's dependencies (the whole registry took about 1 s to import, twice
 * per target: a third of the CI smoke run). The list of targets (`targets/index.ts`) is every
 * loader's target; the smoke test checks that each is filed under its own name.
 */
import type { FuzzTarget } from '../target.js';

export const TARGET_LOADERS: Readonly<Record<string, () => Promise<FuzzTarget>>> = {
  msgpack: async () => (await import('./msgpack.js')).msgpack,
  'guest-memory': async () => (await import('./guest-memory.js')).guestMemory,
  manifest: async () => (await import('./manifest.js')).manifest,
  'antelope-transaction': async () => (await import('./antelope-transaction.js')).antelopeTransaction,
  'antelope-packed-transaction': async () => (await import('./antelope-packed-transaction.js')).antelopePackedTransaction,
  'antelope-abi-def': async () => (await import('./antelope-abi-def.js')).antelopeAbiDef,
  'antelope-action-data': async () => (await import('./antelope-action-data.js')).antelopeActionData,
  'chain-api': async () => (await import('./chain-api.js')).chainApi,
  'chain-api-http': async () => (await import('./chain-api-http.js')).chainApiHttp,
  keystore: async () => (await import('./keystore.js')).keystore,
  'commands-section': async () => (await import('./commands-section.js')).commandsSection,
  'package-archive': async () => (await import('./package-archive.js')).packageArchive,
  'webauthn-attestation': async () => (await import('./webauthn-attestation.js')).webauthnAttestation,
  'view-tree': async () => (await import('./view-tree.js')).viewTree,
  'share-core': async () => (await import('./share-core.js')).shareCore,
  'share-proof': async () => (await import('./share-proof.js')).shareProof,
  'relay-stream': async () => (await import('./relay-stream.js')).relayStream,
};

/** The target named, importing only its module; undefined for an unknown name. */
export async function loadTarget(name: string): Promise<FuzzTarget | undefined> {
  const load = Object.hasOwn(TARGET_LOADERS, name) ? TARGET_LOADERS[name] : undefined;
  return load?.();
}
