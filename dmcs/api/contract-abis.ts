/**
 * The ABI serializer of each account, built once per ABI version (`abiSequence`) and shared by the
 * chain API's readers and its JSON shaping. `eosio` without a system contract uses the native
 * actions' ABI, so clients can decode newaccount, updateauth, ….
 */
import { Abi, AbiSerializer, EOSIO_ABI } from '../../abi/antelope/index.js';
import type { Chain } from '../chain/chain.js';

export class ContractAbis {
  private readonly serializers = new Map<string, { seq: number; s: AbiSerializer | null }>();

  constructor(private readonly chain: Chain) {}

  /** The ABI serializer of `account` (cached per ABI version), null when it has none. */
  serializerOf(account: string): AbiSerializer | null {
    const a = this.chain.state.getAccount(account);
    if (!a) return null;
    const hit = this.serializers.get(account);
    if (hit && hit.seq === a.abiSequence) return hit.s;
    let s: AbiSerializer | null = null;
    if (a.abi) {
      try {
        s = new AbiSerializer(Abi.fromBinary(a.abi), { legacyKeys: true });
      } catch {
        s = null;
      }
    } else if (account === 'eosio') s = new AbiSerializer(EOSIO_ABI, { legacyKeys: true });
    this.serializers.set(account, { seq: a.abiSequence, s });
    return s;
  }
}
