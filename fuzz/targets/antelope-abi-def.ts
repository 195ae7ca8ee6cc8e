/**
 * Target `antelope-abi-def`: Abi.fromBinary on untrusted abi_def bytes (what setabi carries), then
 * building its serializer (type resolution, cycles). Oracles: only AntelopeError; an accepted ABI
 * re-encodes canonically; @wharfkit/antelope decodes what we accept to the same bytes (apart from
 * error_messages and abi_extensions, which its ABI type drops, and an empty version it fills in).
 */
import * as W from '@wharfkit/antelope';
import { Abi, AbiSerializer, bytesToHex } from '../../abi/antelope/index.js';
import { mutate, randomBytes } from '../mutate.js';
import { accepts, oracle, type FuzzTarget } from '../target.js';
import { abiSeeds } from './antelope-seeds.js';
import { isAntelopeError } from './antelope-transaction.js';

export const antelopeAbiDef: FuzzTarget = {
  name: 'antelope-abi-def',
  about: 'abi/antelope Abi.fromBinary (abi_def bytes) + AbiSerializer construction, cross-checked with @wharfkit/antelope',
  maxInputMs: 1000,
  smokeInputs: 2000,
  async open() {
    const seeds = abiSeeds();
    return {
      generate: (r) => (r.int(10) === 0 ? randomBytes(r, 512) : mutate(r, seeds)),
      run(input) {
        let abi: Abi | undefined;
        if (
          !accepts(isAntelopeError, () => {
            abi = Abi.fromBinary(input);
          })
        )
          return false;
        const again = abi!.toBinary();
        oracle(bytesToHex(Abi.fromBinary(again).toBinary()) === bytesToHex(again), 'abi: re-encoding is not canonical');
        const theirs = W.Serializer.decode({ data: again, type: W.ABI }) as W.ABI;
        const theirBytes = bytesToHex(W.Serializer.encode({ object: theirs }).array);
        if (theirBytes !== bytesToHex(again)) {
          // known wharfkit differences: its ABI type drops error_messages and abi_extensions and
          // replaces an empty version with "eosio::abi/1.1" when it re-encodes (fuzz seed 20261202
          // indexes 120879, 140376, 181438, 237910, 365871); everything else must agree
          const v = 'eosio::abi/1.1';
          const ourRest = bytesToHex(Abi.from({ ...abi!.toJSON(), version: v, error_messages: [], abi_extensions: [] }).toBinary());
          const theirRest = bytesToHex(
            W.Serializer.encode({ object: W.ABI.from({ ...theirs.toJSON(), version: v, error_messages: [], abi_extensions: [] } as never) })
              .array,
          );
          oracle(ourRest === theirRest, 'abi: @wharfkit/antelope re-encodes differently');
        }
        accepts(isAntelopeError, () => {
          new AbiSerializer(abi!).validate();
        });
        return true;
      },
    };
  },
};
