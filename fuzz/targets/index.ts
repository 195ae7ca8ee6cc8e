/** Every fuzz target, one per decoder of untrusted bytes (docs/fuzzing.md lists them). */
import type { FuzzTarget } from '../target.js';
import { msgpack } from './msgpack.js';
import { guestMemory } from './guest-memory.js';
import { manifest } from './manifest.js';
import { antelopeTransaction } from './antelope-transaction.js';
import { antelopePackedTransaction } from './antelope-packed-transaction.js';
import { antelopeAbiDef } from './antelope-abi-def.js';
import { antelopeActionData } from './antelope-action-data.js';
import { chainApi } from './chain-api.js';
import { chainApiHttp } from './chain-api-http.js';
import { keystore } from './keystore.js';
import { commandsSection } from './commands-section.js';
import { packageArchive } from './package-archive.js';
import { webauthnAttestation } from './webauthn-attestation.js';
import { viewTree } from './view-tree.js';
import { shareCore } from './share-core.js';
import { shareProof } from './share-proof.js';
import { relayStream } from './relay-stream.js';

export const TARGETS: readonly FuzzTarget[] = [
  msgpack,
  guestMemory,
  manifest,
  antelopeTransaction,
  antelopePackedTransaction,
  antelopeAbiDef,
  antelopeActionData,
  chainApi,
  chainApiHttp,
  keystore,
  commandsSection,
  packageArchive,
  webauthnAttestation,
  viewTree,
  shareCore,
  shareProof,
  relayStream,
];

export function targetNamed(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
