/**
 * Protocol features (Leap's `protocol_feature_manager`): this node behaves as a Leap 5 chain with
 * every builtin feature below active from genesis, so `is_feature_activated` answers true for
 * them, `preactivate_feature` refuses them as already activated (as Leap does) and refuses any
 * other digest as unrecognized, and `get_activated_protocol_features` lists them. Digests are those
 * Leap's `tutorials/bios-boot-tutorial/bios-boot-tutorial.py` activates.
 *
 * What each changes, as this node implements it: deferred transactions are disabled (stage 1 and 2:
 * `send_deferred` is a no-op, `cancel_deferred` returns 0, `delay_sec > 0` is refused); RAM
 * restrictions on notifications; action return values enter the action digest; WebAuthn keys are
 * recognised but refused by this node's key codec (see docs/governance.md for the full list).
 */
import { bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';

/** Codename → feature digest (hex). */
export const BUILTIN_PROTOCOL_FEATURES: Readonly<Record<string, string>> = {
  PREACTIVATE_FEATURE: '0ec7e080177b2c02b278d5088611686b49d739925a92d9bfcacd7fc6b74053bd',
  ACTION_RETURN_VALUE: 'c3a6138c5061cf291310887c0b5c71fcaffeab90d5deb50d3b9e687cead45071',
  CONFIGURABLE_WASM_LIMITS2: 'd528b9f6e9693f45ed277af93474fd473ce7d831dae2180cca35d907bd10cb40',
  BLOCKCHAIN_PARAMETERS: '5443fcf88330c586bc0e5f3dee10e7f63c76c00249c87fe4fbf7f38c082006b4',
  GET_SENDER: 'f0af56d2c5a48d60a4a5b5c903edfb7db3a736a94ed589d0b797df33ff9d3e1d',
  FORWARD_SETCODE: '2652f5f96006294109b3dd0bbde63693f55324af452b799ee137a81a905eed25',
  ONLY_BILL_FIRST_AUTHORIZER: '8ba52fe7a3956c5cd3a656a3174b931d3bb2abb45578befc59f283ecd816a405',
  RESTRICT_ACTION_TO_SELF: 'ad9e3d8f650687709fd68f4b90b41f7d825a365b02c23a636cef88ac2ac00c43',
  DISALLOW_EMPTY_PRODUCER_SCHEDULE: '68dcaa34c0517d19666e6b33add67351d8c5f69e999ca1e37931bc410a297428',
  FIX_LINKAUTH_RESTRICTION: 'e0fb64b1085cc5538970158d05a009c24e276fb94e1a0bf6a528b48fbc4ff526',
  REPLACE_DEFERRED: 'ef43112c6543b88db2283a2e077278c315ae2c84719a8b25f25cc88565fbea99',
  NO_DUPLICATE_DEFERRED_ID: '4a90c00d55454dc5b059055ca213579c6ea856967712a56017487886a4d4cc0f',
  ONLY_LINK_TO_EXISTING_PERMISSION: '1a99a59d87e06e09ec5b028a9cbb7749b4a5ad8819004365d02dc4379a8b7241',
  RAM_RESTRICTIONS: '4e7bf348da00a945489b2a681749eb56f5de00b900014e137ddae39f48f69d67',
  WEBAUTHN_KEY: '4fca8bd82bbd181e714e283f83e1b45d95ca5af40fb89ad3977b653c448f78c2',
  WTMSIG_BLOCK_SIGNATURES: '299dcb6af692324b899b39f16d5a530a33062804e41f09dc97e9f156b4476707',
  GET_CODE_HASH: 'bcd2a26394b36614fd4894241d3c451ab0f6fd110958c3423073621a70826e99',
  GET_BLOCK_NUM: '35c2186cc36f7bb4aeaf4487b36e57039ccf45a9136aa856a5d569ecca55ef2b',
  CRYPTO_PRIMITIVES: '6bcb40a24e49c26d0a60513b6aeb8551d264e4717f306b81a37a5afb3b47cedc',
  BLS_PRIMITIVES2: '63320dd4a58212e4d32d1f58926b73ca33a247326c2a5e9fd39268d2384e011a',
  DISABLE_DEFERRED_TRXS_STAGE_1: 'fce57d2331667353a0eac6b4209b67b843a7262a848af0a49a6e2fa9f6584eb4',
  DISABLE_DEFERRED_TRXS_STAGE_2: '09e86cb0accf8d81c9e85d34bea4b925ae936626d00c984e4691186891f5bc16',
};

const ACTIVE = new Set(Object.values(BUILTIN_PROTOCOL_FEATURES));

/** Whether the feature with this digest is active (all builtin ones are, from genesis). */
export function isFeatureActivated(digest: Uint8Array): boolean {
  return ACTIVE.has(bytesToHex(digest));
}

/** Leap `controller::preactivate_feature` on a producing node: every known feature is already active. */
export function preactivateFeature(digest: Uint8Array): never {
  const hex = bytesToHex(digest);
  if (ACTIVE.has(hex)) throw new ChainError('protocol_feature_exception', `protocol feature with digest '${hex}' is already activated`);
  throw new ChainError('subjective_block_production_exception', `protocol feature with digest '${hex}' is unrecognized`);
}
