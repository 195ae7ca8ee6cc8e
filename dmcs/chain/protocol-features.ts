/**
 * Protocol features (Leap's `protocol_feature_manager`): this node behaves as a Leap 5 chain with
 * every builtin feature below active from genesis (activation ordinal = table order, block 1), so
 * `is_feature_activated` answers true for them, `preactivate_feature` refuses them as already
 * activated (`protocol_feature_exception`, as Leap does) and any other digest as unrecognized
 * (`subjective_block_production_exception`), and `get_activated_protocol_features` lists them.
 *
 * Codenames, description digests, dependencies and ordinals are those of Leap's
 * `libraries/chain/protocol_feature_manager.cpp`; each feature digest is Leap's
 * `builtin_protocol_feature::digest()` = sha256(u32 type 0 ‖ description digest ‖ dependency digests
 * (varuint count, sorted) ‖ u32 codename ordinal), checked by test/dmcs/chain/protocol-features.test.ts.
 * What each changes in this node is listed in docs/governance.md.
 */
import { bytesToHex } from '../../abi/antelope/index.js';
import { ChainError } from '../chain-error.js';

export interface BuiltinProtocolFeature {
  /** `builtin_protocol_feature_t` value (part of the digest). */
  readonly ordinal: number;
  /** The feature digest (hex) contracts and `activate` name. */
  readonly digest: string;
  /** sha256 of the feature's description text (hex). */
  readonly description: string;
  /** Codenames of the features it depends on. */
  readonly dependencies: readonly string[];
}

/** Codename → feature, in activation order. */
export const BUILTIN_PROTOCOL_FEATURES: Readonly<Record<string, BuiltinProtocolFeature>> = {
  PREACTIVATE_FEATURE: {
    ordinal: 0,
    digest: '0ec7e080177b2c02b278d5088611686b49d739925a92d9bfcacd7fc6b74053bd',
    description: '64fe7df32e9b86be2b296b3f81dfd527f84e82b98e363bc97e40bc7a83733310',
    dependencies: [],
  },
  ONLY_LINK_TO_EXISTING_PERMISSION: {
    ordinal: 1,
    digest: '1a99a59d87e06e09ec5b028a9cbb7749b4a5ad8819004365d02dc4379a8b7241',
    description: 'f3c3d91c4603cde2397268bfed4e662465293aab10cd9416db0d442b8cec2949',
    dependencies: [],
  },
  REPLACE_DEFERRED: {
    ordinal: 2,
    digest: 'ef43112c6543b88db2283a2e077278c315ae2c84719a8b25f25cc88565fbea99',
    description: '9908b3f8413c8474ab2a6be149d3f4f6d0421d37886033f27d4759c47a26d944',
    dependencies: [],
  },
  NO_DUPLICATE_DEFERRED_ID: {
    ordinal: 3,
    digest: '4a90c00d55454dc5b059055ca213579c6ea856967712a56017487886a4d4cc0f',
    description: '45967387ee92da70171efd9fefd1ca8061b5efe6f124d269cd2468b47f1575a0',
    dependencies: ['REPLACE_DEFERRED'],
  },
  FIX_LINKAUTH_RESTRICTION: {
    ordinal: 4,
    digest: 'e0fb64b1085cc5538970158d05a009c24e276fb94e1a0bf6a528b48fbc4ff526',
    description: 'a98241c83511dc86c857221b9372b4aa7cea3aaebc567a48604e1d3db3557050',
    dependencies: [],
  },
  DISALLOW_EMPTY_PRODUCER_SCHEDULE: {
    ordinal: 5,
    digest: '68dcaa34c0517d19666e6b33add67351d8c5f69e999ca1e37931bc410a297428',
    description: '2853617cec3eabd41881eb48882e6fc5e81a0db917d375057864b3befbe29acd',
    dependencies: [],
  },
  RESTRICT_ACTION_TO_SELF: {
    ordinal: 6,
    digest: 'ad9e3d8f650687709fd68f4b90b41f7d825a365b02c23a636cef88ac2ac00c43',
    description: 'e71b6712188391994c78d8c722c1d42c477cf091e5601b5cf1befd05721a57f3',
    dependencies: [],
  },
  ONLY_BILL_FIRST_AUTHORIZER: {
    ordinal: 7,
    digest: '8ba52fe7a3956c5cd3a656a3174b931d3bb2abb45578befc59f283ecd816a405',
    description: '2f1f13e291c79da5a2bbad259ed7c1f2d34f697ea460b14b565ac33b063b73e2',
    dependencies: [],
  },
  FORWARD_SETCODE: {
    ordinal: 8,
    digest: '2652f5f96006294109b3dd0bbde63693f55324af452b799ee137a81a905eed25',
    description: '898082c59f921d0042e581f00a59d5ceb8be6f1d9c7a45b6f07c0e26eaee0222',
    dependencies: [],
  },
  GET_SENDER: {
    ordinal: 9,
    digest: 'f0af56d2c5a48d60a4a5b5c903edfb7db3a736a94ed589d0b797df33ff9d3e1d',
    description: '1eab748b95a2e6f4d7cb42065bdee5566af8efddf01a55a0a8d831b823f8828a',
    dependencies: [],
  },
  RAM_RESTRICTIONS: {
    ordinal: 10,
    digest: '4e7bf348da00a945489b2a681749eb56f5de00b900014e137ddae39f48f69d67',
    description: '1812fdb5096fd854a4958eb9d53b43219d114de0e858ce00255bd46569ad2c68',
    dependencies: [],
  },
  WEBAUTHN_KEY: {
    ordinal: 11,
    digest: '4fca8bd82bbd181e714e283f83e1b45d95ca5af40fb89ad3977b653c448f78c2',
    description: '927fdf78c51e77a899f2db938249fb1f8bb38f4e43d9c1f75b190492080cbc34',
    dependencies: [],
  },
  WTMSIG_BLOCK_SIGNATURES: {
    ordinal: 12,
    digest: '299dcb6af692324b899b39f16d5a530a33062804e41f09dc97e9f156b4476707',
    description: 'ab76031cad7a457f4fd5f5fca97a3f03b8a635278e0416f77dcc91eb99a48e10',
    dependencies: [],
  },
  ACTION_RETURN_VALUE: {
    ordinal: 13,
    digest: 'c3a6138c5061cf291310887c0b5c71fcaffeab90d5deb50d3b9e687cead45071',
    description: '69b064c5178e2738e144ed6caa9349a3995370d78db29e494b3126ebd9111966',
    dependencies: [],
  },
  BLOCKCHAIN_PARAMETERS: {
    ordinal: 16,
    digest: '5443fcf88330c586bc0e5f3dee10e7f63c76c00249c87fe4fbf7f38c082006b4',
    description: '70787548dcea1a2c52c913a37f74ce99e6caae79110d7ca7b859936a0075b314',
    dependencies: [],
  },
  GET_CODE_HASH: {
    ordinal: 17,
    digest: 'bcd2a26394b36614fd4894241d3c451ab0f6fd110958c3423073621a70826e99',
    description: 'd2596697fed14a0840013647b99045022ae6a885089f35a7e78da7a43ad76ed4',
    dependencies: [],
  },
  CONFIGURABLE_WASM_LIMITS2: {
    ordinal: 18,
    digest: 'd528b9f6e9693f45ed277af93474fd473ce7d831dae2180cca35d907bd10cb40',
    description: '8139e99247b87f18ef7eae99f07f00ea3adf39ed53f4d2da3f44e6aa0bfd7c62',
    dependencies: [],
  },
  CRYPTO_PRIMITIVES: {
    ordinal: 19,
    digest: '6bcb40a24e49c26d0a60513b6aeb8551d264e4717f306b81a37a5afb3b47cedc',
    description: '68d6405cb8df3de95bd834ebb408196578500a9f818ff62ccc68f60b932f7d82',
    dependencies: [],
  },
  GET_BLOCK_NUM: {
    ordinal: 20,
    digest: '35c2186cc36f7bb4aeaf4487b36e57039ccf45a9136aa856a5d569ecca55ef2b',
    description: 'e5d7992006e628a38c5e6c28dd55ff5e57ea682079bf41fef9b3cced0f46b491',
    dependencies: [],
  },
  BLS_PRIMITIVES2: {
    ordinal: 21,
    digest: '63320dd4a58212e4d32d1f58926b73ca33a247326c2a5e9fd39268d2384e011a',
    description: 'c0cce5bcd8ea19a28d9e12eafda65ebe6d0e0177e280d4f20c7ad66dcd9e011b',
    dependencies: [],
  },
  DISABLE_DEFERRED_TRXS_STAGE_1: {
    ordinal: 22,
    digest: 'fce57d2331667353a0eac6b4209b67b843a7262a848af0a49a6e2fa9f6584eb4',
    description: '440c3efaaab212c387ce967c574dc813851cf8332d041beb418dfaf55facd5a9',
    dependencies: [],
  },
  DISABLE_DEFERRED_TRXS_STAGE_2: {
    ordinal: 23,
    digest: '09e86cb0accf8d81c9e85d34bea4b925ae936626d00c984e4691186891f5bc16',
    description: 'a857eeb932774c511a40efb30346ec01bfb7796916b54c3c69fe7e5fb70d5cba',
    dependencies: ['DISABLE_DEFERRED_TRXS_STAGE_1'],
  },
};

const ACTIVE = new Set(Object.values(BUILTIN_PROTOCOL_FEATURES).map((f) => f.digest));

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
