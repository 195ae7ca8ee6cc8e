/**
 * Target `antelope-packed-transaction`: PackedTransaction.decode of binary packed_transaction bytes,
 * then its transaction and context-free data (zlib inflated under MAX_DECOMPRESSED_SIZE, a bomb
 * among the seeds) and its id. Oracles: only AntelopeError; an accepted value re-encodes to bytes
 * that decode to the same transaction id.
 */
import { BinaryReader, PackedTransaction, bytesToHex } from '../../abi/antelope/index.js';
import { mutate, randomBytes } from '../mutate.js';
import { accepts, oracle, type FuzzTarget } from '../target.js';
import { packedTransactionSeeds } from './antelope-seeds.js';
import { isAntelopeError } from './antelope-transaction.js';

export const antelopePackedTransaction: FuzzTarget = {
  name: 'antelope-packed-transaction',
  about: 'abi/antelope PackedTransaction.decode + getTransaction/getContextFreeData/id (none and zlib)',
  maxInputMs: 2000,
  smokeInputs: 1000,
  async open() {
    const seeds = packedTransactionSeeds();
    return {
      generate: (r) => (r.int(10) === 0 ? randomBytes(r, 512) : mutate(r, seeds)),
      run(input) {
        let p: PackedTransaction | undefined;
        let id = '';
        const ok = accepts(isAntelopeError, () => {
          const reader = new BinaryReader(input);
          p = PackedTransaction.decode(reader);
          p.getTransaction();
          p.getContextFreeData();
          id = p.id.toString();
        });
        if (!ok) return false;
        const again = PackedTransaction.decode(new BinaryReader(p!.toBinary()));
        oracle(again.id.toString() === id, 'packed transaction: id changes after re-encoding');
        oracle(bytesToHex(again.toBinary()) === bytesToHex(p!.toBinary()), 'packed transaction: re-encoding is not stable');
        return true;
      },
    };
  },
};
